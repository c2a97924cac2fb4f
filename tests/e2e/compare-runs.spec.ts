// Compare: two runs that differ only in hidden size, ticked in the Experiments table and
// compared (Ctrl+K): overlaid curves, the config difference alone (all settings on request), metrics,
// internals; smoothing changes only the display. Then a seed group shows as a mean ± std band.
import { expect, test } from './helpers/app'
import { seedRuns } from './helpers/seed'
import { shot, unlabelledControls } from './helpers/ui'

test('compare two runs: overlay, only the differing setting, metrics, internals, seed bands', async ({ page }) => {
  const [a, b] = await seedRuns(page, [
    { name: 'small net', hidden: 8 },
    { name: 'bigger net', hidden: 16 }
  ])

  await page.getByTestId('tab-experiments').click()
  const rows = page.getByTestId('exp-row')
  await expect(rows).toHaveCount(2)
  await expect(page.locator(`[data-testid="exp-row"][data-id="${a}"]`)).toHaveAttribute('data-status', 'completed', {
    timeout: 60_000
  })
  await expect(page.locator(`[data-testid="exp-row"][data-id="${b}"]`)).toHaveAttribute('data-status', 'completed', {
    timeout: 60_000
  })
  await expect(page.getByTestId('compare-button')).toBeDisabled()
  for (const id of [a, b])
    await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).getByTestId('exp-select').check()
  await expect(page.getByTestId('compare-button')).toBeEnabled()
  await page.locator('body').press('Control+k')

  const view = page.getByTestId('compare-view')
  await expect(view).toBeVisible()
  // Two curves overlaid, and their shared baselines (persistence, seasonal naive) dashed.
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-lines', '4')
  expect(Number(await page.getByTestId('compare-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(8)
  // Only hiddenSize differs; "show all" lists the rest.
  const diff = page.getByTestId('config-row')
  await expect(diff).toHaveCount(1)
  await expect(diff.first()).toHaveAttribute('data-path', 'model.hiddenSize')
  await expect(diff.first()).toContainText('8')
  await expect(diff.first()).toContainText('16')
  await expect(page.getByTestId('metrics-row')).toHaveCount(2)
  await expect(page.getByTestId('compare-clipped')).toContainText('%')
  await expect(page.getByTestId('compare-forget')).toBeVisible()
  expect(await unlabelledControls(page), 'controls without an accessible name').toEqual([])
  await page.setViewportSize({ width: 1400, height: 1300 })
  await shot(page, '31-compare')

  // Smoothing and the x axis change the display only: the same number of points, stored data untouched.
  const points = await page.getByTestId('compare-chart').getAttribute('data-points')
  await page.getByTestId('compare-smoothing').fill('0.8')
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-points', points!)
  await page.getByTestId('compare-x').selectOption('step')
  await expect
    .poll(async () => Number(await page.getByTestId('compare-chart').getAttribute('data-points')))
    .toBeGreaterThan(Number(points))
  await page.getByTestId('config-show-all').check()
  await expect.poll(() => diff.count()).toBeGreaterThan(10)

  // Repeat the small run over 2 seeds: the three form a group, drawn as a mean ± std band.
  await page.getByTestId('tab-experiments').click()
  await page.locator(`[data-testid="exp-row"][data-id="${a}"]`).getByTestId('exp-name').click()
  await page.getByTestId('exp-repeat-n').fill('2')
  await page.getByTestId('exp-repeat').click()
  await expect(page.getByTestId('exp-message')).toContainText('Queued 2 runs')
  await expect(rows).toHaveCount(4)
  await expect(page.locator('[data-testid="exp-row"][data-status="completed"]')).toHaveCount(4, { timeout: 60_000 })
  await page.locator(`[data-testid="exp-row"][data-id="${b}"]`).getByTestId('exp-select').uncheck()
  for (const id of [b + 1, b + 2])
    await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).getByTestId('exp-select').check()
  await page.getByTestId('compare-button').click()
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-lines', '8')
  await expect(page.getByTestId('config-row').first()).toHaveAttribute('data-path', 'seed')
  await shot(page, '31b-compare-seeds')
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.setViewportSize({ width: 1000, height: 900 })
  await shot(page, '31c-compare-dark-narrow')
})
