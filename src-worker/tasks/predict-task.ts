// Predict task: a trained model on a new CSV with the stored mapping — one-step predictions for every
// window and an optional closed-loop forecast — written as a predictions CSV (formula-injection safe).
import { readFileSync, writeFileSync } from 'node:fs'
import { parseCsv } from '../../src-main/data/csv'
import { forecastCsv, predictSeries, seriesCsv } from '../../src-main/export/series'
import type { FromWorker, ToWorker } from '../protocol'

export function runPredict(msg: ToWorker & { type: 'predict' }, post: (m: FromWorker) => void): void {
  const table = parseCsv(new Uint8Array(readFileSync(msg.csvPath)))
  const p = predictSeries(msg.model, table, { steps: msg.steps })
  writeFileSync(msg.outPath, seriesCsv(p))
  let forecastPath: string | null = null
  if (p.forecast) {
    forecastPath = msg.outPath.replace(/(\.csv)?$/i, '.forecast.csv')
    writeFileSync(forecastPath, forecastCsv(p))
  }
  post({
    type: 'predicted', taskId: msg.taskId,
    result: { rows: p.rows.length, outPath: msg.outPath, forecastPath, forecast: p.forecast, warnings: p.warnings }
  })
}
