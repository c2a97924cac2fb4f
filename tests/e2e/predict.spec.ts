// Inference from the UI: a trained run predicts on an imported dataset from its details (the same
// models.predict the CLI's `predict` mirrors); the page shows where the predictions CSV went, its first rows with
// the predicted and actual columns, and the score; a generator samples names with a temperature and seed.
import { expect, test } from './helpers/app'
import { callApi, seedRuns, seedSample } from './helpers/seed'
import { shot, shotOf } from './helpers/ui'

test("predict on a dataset from a run's details: file, first rows, score", async ({ page }) => {
  const [id] = await seedRuns(page, [{ name: 'forecaster', hidden: 8 }])
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await row.click()
  const panel = page.getByTestId('predict-panel')
  await expect(panel.getByTestId('predict-dataset')).toContainText('CO2')
  await panel.getByTestId('predict-steps').fill('12')
  await panel.getByTestId('predict-button').click()
  const result = panel.getByTestId('predict-result')
  await expect(result).toBeVisible({ timeout: 60_000 })
  await expect(panel.getByTestId('predict-rows')).toHaveText('730') // 741 months, windows of 12
  await expect(result).toContainText(`experiment-${id}`)
  await expect(result).toContainText('predictions-dataset-')
  await expect(result).toContainText('.forecast.csv')
  const header = panel.getByTestId('predict-preview').locator('thead th')
  await expect(header).toContainText(['window'])
  expect((await header.allTextContents()).some((h) => /predicted/.test(h))).toBe(true)
  await expect(panel.getByTestId('predict-preview').locator('tbody tr')).toHaveCount(20)
  await expect(panel.getByTestId('predict-score')).toContainText(/Against CO2 \(729\):\s*MAE \d/)
  await shot(page, '38-predict')
  // back on Train, the curve says which loss it is: a numeric target → MSE
  await page.getByTestId('exp-open').click()
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-y-title', /MSE on normalised target/)
})

test('a model that predicts the change forecasts in the target units: CO2 in ppm, not differences', async ({
  page
}) => {
  const [id] = await seedRuns(page, [{ name: 'changes', hidden: 8, difference: 1 }])
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await row.click()
  const panel = page.getByTestId('predict-panel')
  await panel.getByTestId('predict-steps').fill('6')
  await panel.getByTestId('predict-button').click()
  await expect(panel.getByTestId('predict-result')).toBeVisible({ timeout: 60_000 })
  // the series' last values are around 400 ppm: a forecast of changes would be near 0
  const values = (await panel.getByTestId('predict-forecast').textContent())!.split(':')[1]!.split('·').map(Number)
  expect(values).toHaveLength(6)
  for (const v of values) expect(v).toBeGreaterThan(380)
  const predicted = await panel.getByTestId('predict-preview').locator('tbody tr td:nth-child(5)').allTextContents()
  expect(predicted[0]).toBe('') // the first window has no earlier row to difference against
  for (const v of predicted.slice(1, 6)) expect(Number(v)).toBeGreaterThan(300)
  await shotOf(panel.getByTestId('predict-result'), '38b-predict-differenced')
})

test('a generator samples items without a dataset, and bad settings are refused where they are made', async ({
  page
}) => {
  const id = await seedSample(page, 'first-names', 'gru')
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 90_000 })
  await row.click()
  const panel = page.getByTestId('predict-panel')
  await panel.getByTestId('predict-dataset').selectOption('')
  await panel.getByTestId('predict-steps').fill('3')
  await panel.getByTestId('predict-temperature').fill('0.8')
  await panel.getByTestId('predict-button').click()
  await expect(panel.getByTestId('predict-result')).toContainText('generated.csv', { timeout: 60_000 })
  expect(Number(await panel.getByTestId('predict-rows').textContent())).toBeGreaterThanOrEqual(3)
  // the service refuses a data model without data, naming the field (the same message the panel would show)
  const [other] = await seedRuns(page, [{ name: 'needs data', hidden: 4, epochs: 1 }])
  await expect(page.locator(`[data-testid="exp-row"][data-id="${other}"]`)).toHaveAttribute(
    'data-status',
    'completed',
    { timeout: 60_000 }
  )
  await expect(callApi(page, 'models.predict', { id: other })).rejects.toThrow(
    /datasetId: this model predicts from data/
  )
  // opening another run starts its panel from that run's own dataset; back on the generator, from none
  await page.locator(`[data-testid="exp-row"][data-id="${other}"]`).click()
  await expect(page.getByTestId('predict-dataset').locator('option:checked')).toContainText('CO2')
  await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).click()
  await expect(page.getByTestId('predict-dataset').locator('option:checked')).toContainText('none')
  // a generator's curve is a cross-entropy over characters
  await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).click()
  await page.getByTestId('exp-open').click()
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-y-title', /cross-entropy/)
})
