// Export: a trained run is exported to ONNX from its details; the page shows the check by
// onnxruntime (verified, max |diff|, runtime, files) and the export joins the run's history.
import { expect, test } from './helpers/app'
import { seedRuns } from './helpers/seed'
import { shot } from './helpers/ui'

test('export a trained LSTM to ONNX and see it verified', async ({ page }) => {
  const [id] = await seedRuns(page, [{ name: 'to export', hidden: 8 }])
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await row.click()
  await page.getByTestId('export-format').selectOption('onnx')
  await page.getByTestId('export-button').click()
  const result = page.getByTestId('export-result')
  await expect(result).toHaveAttribute('data-verified', 'true', { timeout: 60_000 })
  await expect(result).toContainText('✓ verified')
  await expect(result).toContainText('onnxruntime')
  await expect(result).toContainText('model.onnx')
  const diff = Number(await page.getByTestId('export-maxdiff').textContent())
  expect(diff).toBeLessThanOrEqual(1e-4)
  await expect(page.getByTestId('export-history').locator('tbody tr')).toHaveCount(1)
  await expect(page.getByTestId('export-history')).toContainText('onnx')
  await shot(page, '32-export')
})
