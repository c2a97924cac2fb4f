// The app fits a laptop: at 1024×700 the Train screen's run list scrolls to its last run and the Experiments table
// has the width until a run is picked; the theme toggle switches light and dark. Screenshots of Train and
// Experiments at 1024×700, 1440×900 and 1920×1080 in both themes.
import { expect, test } from './helpers/app'
import { callApi, seedRuns } from './helpers/seed'
import { shot } from './helpers/ui'

const SIZES = [
  [1024, 700],
  [1440, 900],
  [1920, 1080]
] as const

test('1024×700: the run list scrolls to the last run; screenshots in light and dark at three sizes', async ({
  page
}) => {
  const runs = Array.from({ length: 14 }, (_, i) => ({ name: `run ${i + 1}`, hidden: 4, epochs: 1, batch: 64 }))
  const ids = await seedRuns(page, runs)
  await expect
    .poll(
      async () =>
        (await callApi<{ status: string }[]>(page, 'experiments.list')).filter((e) => e.status === 'completed').length,
      { timeout: 120_000 }
    )
    .toBe(14)
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.reload()
  const last = page.locator(`[data-testid="experiment-item"][data-id="${ids[0]}"]`) // newest first: run 1 is last
  await last.scrollIntoViewIfNeeded()
  await expect(last).toBeInViewport()
  const list = page.getByTestId('experiment-list')
  const scrolls = await list.evaluate((el) => el.scrollHeight > el.clientHeight && el.scrollTop > 0)
  expect(scrolls, 'the list scrolls inside its card').toBe(true)
  await last.click()
  await expect(page.getByTestId('chart-title')).toHaveText('run 1')

  for (const theme of ['light', 'dark'] as const) {
    while ((await page.getByTestId('theme-toggle').getAttribute('data-theme-choice')) !== theme)
      await page.getByTestId('theme-toggle').click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h })
      await page.getByTestId('tab-train').click()
      await shot(page, `66-train-${w}x${h}-${theme}`)
      await page.getByTestId('tab-experiments').click()
      await expect(page.getByTestId('experiments-view')).toBeVisible()
      await shot(page, `67-experiments-${w}x${h}-${theme}`)
    }
  }
  // the table has the width until a run is picked, then the details take their share
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.reload()
  await page.getByTestId('tab-experiments').click()
  const table = page.getByTestId('experiments-view').locator('section').first()
  const before = (await table.boundingBox())!.width
  await page.locator(`[data-testid="exp-row"][data-id="${ids[0]}"]`).click()
  await expect(page.getByTestId('experiments-view')).toHaveClass(/picked/)
  expect((await table.boundingBox())!.width).toBeLessThan(before)
  // the choice survives a reload
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
})
