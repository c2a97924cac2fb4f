// The loss chart stays smooth with 10^5 points. A stored run with 100,340 per-step losses
// (x = step) is opened: Chart.js's min-max decimation draws a few thousand of them, no animation runs
// after a redraw, and the window keeps reacting (x axis, log scale, switching screens).
import { expect, test } from './helpers/app'
import { callApi } from './helpers/seed'
import { storeLongRun } from './helpers/store'
import { scrollToCard, shot } from './helpers/ui'

const EPOCHS = 173,
  STEPS_PER_EPOCH = 580 // 580 CO2 training windows at batch 1
const STEPS = EPOCHS * STEPS_PER_EPOCH

test('a run of 100,340 per-step losses opens decimated, without animation, and the window still reacts', async ({
  page,
  app
}) => {
  expect(STEPS).toBeGreaterThanOrEqual(100_000)
  const ds = await callApi<{ id: number }>(page, 'datasets.import', {
    source: { kind: 'sample', sample: 'co2-monthly' }
  })
  const id = storeLongRun(app.dataDir, {
    datasetId: ds.id,
    name: 'long run (100k steps)',
    epochs: EPOCHS,
    stepsPerEpoch: STEPS_PER_EPOCH
  })
  await page.reload()

  const item = page.locator(`[data-testid="experiment-item"][data-id="${id}"]`)
  await expect(item).toHaveAttribute('data-status', 'completed')
  await item.click()
  const chart = page.getByTestId('loss-chart')
  // Every point is in the chart's data: the steps plus a train and a validation loss per epoch.
  await expect(chart).toHaveAttribute('data-points', String(STEPS + 2 * EPOCHS), { timeout: 60_000 })
  await expect(chart).toHaveAttribute('data-experiment', String(id))
  await expect(chart).toHaveAttribute('data-decimated', 'true')
  await expect(chart).toHaveAttribute('data-animating', 'false')
  // Drawn: at most 4 points per pixel column of the step curve (min, max, first, last) plus the epochs.
  const width = await chart.evaluate((el) => el.clientWidth)
  const drawn = Number(await chart.getAttribute('data-drawn'))
  expect(drawn, `points drawn for ${STEPS} steps in a ${width} px chart`).toBeLessThanOrEqual(
    4 * width + 2 * EPOCHS + 4
  )
  expect(drawn).toBeLessThan(STEPS / 10)
  expect(drawn).toBeGreaterThan(2 * EPOCHS)
  await scrollToCard(page, 'training-card')
  await shot(page, '40-loss-100k-steps')

  // The window reacts: log scale, x axis, other screens and back.
  const redraws = Number(await chart.getAttribute('data-redraws'))
  await page.getByTestId('log-scale').uncheck()
  await expect.poll(async () => Number(await chart.getAttribute('data-redraws'))).toBeGreaterThan(redraws)
  await expect(chart).toHaveAttribute('data-animating', 'false')
  await page.getByTestId('loss-x').selectOption('epoch')
  await expect(chart).toHaveAttribute('data-drawn', String(2 * EPOCHS))
  await expect(chart).toHaveAttribute('data-decimated', 'false')
  await page.getByTestId('loss-x').selectOption('step')
  await expect(chart).toHaveAttribute('data-decimated', 'true')
  await expect(chart).toHaveAttribute('data-drawn', String(drawn))

  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toBeVisible()
  await row.click()
  await expect(page.getByTestId('exp-details')).toHaveAttribute('data-id', String(id))
  await shot(page, '41-experiments-100k-run')
  await page.getByTestId('tab-train').click()
  await expect(chart).toBeVisible()
  await expect(chart).toHaveAttribute('data-points', String(STEPS + 2 * EPOCHS))
})
