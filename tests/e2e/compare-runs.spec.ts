// Issue #6, Compare: two runs that differ only in hidden size, ticked in the Experiments table and
// compared (Ctrl+K): overlaid curves, the config difference alone (all settings on request), metrics,
// internals; smoothing changes only the display. Then a seed group shows as a mean ± std band.
import { expect, test, type Page } from '@playwright/test'
import { freshDataDir, startServer, type Server } from './helpers/server'
import { shot, unlabelledControls } from './helpers/ui'

let data: ReturnType<typeof freshDataDir>
let server: Server | undefined
let pageErrors: string[] = []

test.beforeEach(({ page }) => {
  data = freshDataDir()
  pageErrors = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
})
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  data.remove()
  expect(pageErrors, 'uncaught errors in the page').toEqual([])
})

/** Import the CO2 sample and start runs through the page's own API (same origin, same token cookie). */
function seedRuns(page: Page, runs: { name: string; hidden: number; epochs?: number }[]): Promise<number[]> {
  return page.evaluate(async (runs) => {
    const post = async (m: string, a: unknown) => {
      const r = await fetch('/api/' + m, { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(a) })
      const j = await r.json()
      if (!('result' in j)) throw new Error(`${m}: ${JSON.stringify(j.error)}`)
      return j.result
    }
    const ds = await post('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const ids: number[] = []
    for (const r of runs) {
      const config = { mapping: 'many-to-one', target: 'CO2', window: 12, model: { cell: 'lstm', hiddenSize: r.hidden }, optimizer: { kind: 'adam', lr: 0.01 }, epochs: r.epochs ?? 4, batchSize: 16 }
      ids.push((await post('experiments.start', { datasetId: ds.id, name: r.name, config })).experimentId)
    }
    return ids
  }, runs)
}

test('compare two runs: overlay, only the differing setting, metrics, internals, seed bands', async ({ page }) => {
  server = await startServer(data.dir)
  await page.goto(server.url)
  await expect(page.getByTestId('app-mode')).toContainText('Browser mode')
  const [a, b] = await seedRuns(page, [{ name: 'small net', hidden: 8 }, { name: 'bigger net', hidden: 16 }])

  await page.getByTestId('tab-experiments').click()
  const rows = page.getByTestId('exp-row')
  await expect(rows).toHaveCount(2)
  await expect(page.locator(`[data-testid="exp-row"][data-id="${a}"]`)).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await expect(page.locator(`[data-testid="exp-row"][data-id="${b}"]`)).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await expect(page.getByTestId('compare-button')).toBeDisabled()
  for (const id of [a, b]) await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).getByTestId('exp-select').check()
  await expect(page.getByTestId('compare-button')).toBeEnabled()
  await page.locator('body').press('Control+k')

  const view = page.getByTestId('compare-view')
  await expect(view).toBeVisible()
  // Two curves overlaid.
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-lines', '2')
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
  await expect.poll(async () => Number(await page.getByTestId('compare-chart').getAttribute('data-points'))).toBeGreaterThan(Number(points))
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
  for (const id of [b + 1, b + 2]) await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).getByTestId('exp-select').check()
  await page.getByTestId('compare-button').click()
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-lines', '6')
  await expect(page.getByTestId('config-row').first()).toHaveAttribute('data-path', 'seed')
  await shot(page, '31b-compare-seeds')
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.setViewportSize({ width: 1000, height: 900 })
  await shot(page, '31c-compare-dark-narrow')
})
