// Issue #6/#7, Export: a trained run is exported to ONNX from its details; the page shows the check by
// onnxruntime (verified, max |diff|, runtime, files) and the export joins the run's history.
import { expect, test, type Page } from '@playwright/test'
import { freshDataDir, startServer, type Server } from './helpers/server'
import { shot } from './helpers/ui'

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

test('export a trained LSTM to ONNX and see it verified', async ({ page }) => {
  server = await startServer(data.dir)
  await page.goto(server.url)
  await expect(page.getByTestId('app-mode')).toContainText('Browser mode')
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
