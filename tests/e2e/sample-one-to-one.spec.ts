// Every mapping has a sample: "Seattle weather, one day at a time" opens as one-to-one (a day's label from its
// measurements), the preview accepts it, and a run trains on it.
import { expect, test } from './helpers/app'
import { shot } from './helpers/ui'

test('the one-to-one sample opens with its mapping and trains', async ({ page }) => {
  await page.getByTestId('sample-seattle-weather-day').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Seattle weather, one day at a time')
  await expect(page.getByTestId('mapping-one-to-one').locator('input')).toBeChecked()
  await expect(page.getByTestId('sequences-preview')).toHaveAttribute('data-state', 'ok', { timeout: 30_000 })
  await expect(page.getByTestId('seq-steps')).toHaveText('Tx 1 → Ty 1')
  await page.getByTestId('epochs-input').fill('2')
  await page.getByTestId('train-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 })
  await expect(page.getByTestId('chart-title')).toContainText('weather ← 4 inputs · 1:1')
  await shot(page, '68-one-to-one-sample')
})
