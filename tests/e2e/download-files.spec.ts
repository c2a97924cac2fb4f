// Files reach the user in browser mode: an export and a predictions file are downloaded from a run's details
// (fetched with the page's credentials, never in the URL, and handed over as a blob), one file as itself and
// several as one .zip; the downloaded ONNX model is loaded and run by onnxruntime-node.
import { readFileSync } from 'node:fs'
import { unzipSync } from 'fflate'
import * as ort from 'onnxruntime-node'
import { expect, only, test } from './helpers/app'
import { seedRuns } from './helpers/seed'
import { shot } from './helpers/ui'

test('export to ONNX, download model.onnx and run it in onnxruntime; TF.js comes as a zip', async ({ page }) => {
  only('browser', 'Electron saves through the native Save dialog (tests/unit/main/shell/download-ipc.test.ts)')
  const [id] = await seedRuns(page, [{ name: 'to download', hidden: 8 }])
  const urls: string[] = []
  page.on('request', (r) => urls.push(r.url()))
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await row.click()
  await page.getByTestId('export-format').selectOption({ label: 'ONNX (onnxruntime, opset ≥ 14)' })
  await page.getByTestId('export-button').click()
  await expect(page.getByTestId('export-result')).toHaveAttribute('data-verified', 'true', { timeout: 60_000 })
  const button = page.getByRole('button', { name: /^Download model\.onnx$/ })
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
  expect(download.suggestedFilename()).toBe('model.onnx')
  const bytes = readFileSync((await download.path())!)
  await expect(page.getByTestId('export-downloaded')).toContainText('Downloaded model.onnx')
  await shot(page, '60-download-onnx')

  // the file is a working model: 12 monthly CO2 values in, one forecast out
  const session = await ort.InferenceSession.create(bytes)
  const x = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 12 }, (_, i) => -1 + i / 6),
    [12, 1, 1]
  )
  const out = await session.run({ [session.inputNames[0]!]: x })
  const y = out[session.outputNames[0]!]!
  expect(y.dims).toEqual([1, 1])
  expect(Number.isFinite((y.data as Float32Array)[0])).toBe(true)

  // a multi-file format downloads as one zip holding every file
  await page.getByTestId('export-format').selectOption('tfjs')
  await page.getByTestId('export-button').click()
  await expect(page.getByTestId('export-result')).toHaveAttribute('data-verified', 'true', { timeout: 90_000 })
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()])
  expect(zip.suggestedFilename()).toBe(`experiment-${id}-tfjs.zip`)
  const entries = Object.keys(unzipSync(readFileSync((await zip.path())!)))
  expect(entries).toContain('model.json')
  expect(entries.some((e) => e.endsWith('.bin'))).toBe(true)

  // no credential ever travels in a URL after the first visit
  expect(urls.filter((u) => u.includes('/api/') && /token=/.test(u))).toEqual([])
})

test('predictions download as their CSV, and with a forecast as one zip', async ({ page }) => {
  only('browser', 'Electron saves through the native Save dialog (tests/unit/main/shell/download-ipc.test.ts)')
  const [id] = await seedRuns(page, [{ name: 'forecaster', hidden: 8 }])
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await row.click()
  const panel = page.getByTestId('predict-panel')
  await panel.getByTestId('predict-button').click()
  await expect(panel.getByTestId('predict-rows')).toHaveText('730', { timeout: 60_000 })
  const [csv] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('predict-download').click()])
  expect(csv.suggestedFilename()).toMatch(/^predictions-dataset-\d+\.csv$/)
  const lines = readFileSync((await csv.path())!, 'utf8')
    .trim()
    .split('\n')
  expect(lines[0]).toMatch(/^window,first_line,last_line,target_line,predicted_CO2/)
  expect(lines).toHaveLength(731)

  await panel.getByTestId('predict-steps').fill('6')
  await panel.getByTestId('predict-button').click()
  await expect(panel.getByTestId('predict-result')).toContainText('.forecast.csv', { timeout: 60_000 })
  const [zip] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('predict-download').click()])
  expect(zip.suggestedFilename()).toBe(`experiment-${id}-predictions.zip`)
  const names = Object.keys(unzipSync(readFileSync((await zip.path())!))).sort()
  expect(names).toEqual([expect.stringMatching(/\.csv$/), expect.stringMatching(/\.forecast\.csv$/)])
  await shot(page, '61-download-predictions')
})
