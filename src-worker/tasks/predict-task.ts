// Predict task: a trained model on a new CSV with the stored mapping — one-step predictions for every
// window and an optional closed-loop forecast — written as a predictions CSV (formula-injection safe).
import { readFileSync, writeFileSync } from 'node:fs'
import { parseCsv } from '../../src-main/data/csv'
import { forecastCsv, predictSeries, seriesCsv } from '../../src-main/export/series'
import type { FromWorker, ToWorker } from '../protocol'
import { conditionsFor, generate, generatedCsv } from './generate'

export function runPredict(msg: ToWorker & { type: 'predict' }, post: (m: FromWorker) => void): void {
  const model = msg.model
  if (model.data.mapping === 'one-to-many') {
    // a generative model: sample items (per condition), greedy without a temperature
    const table = msg.csvPath ? parseCsv(new Uint8Array(readFileSync(msg.csvPath))) : null
    const conditions = conditionsFor(model, table, msg.steps ?? 10)
    const items = generate(model, conditions, { temperature: msg.temperature, seed: msg.seed })
    writeFileSync(msg.outPath, generatedCsv(items, model.vocab?.conditions ? model.experiment?.condition : undefined, model.target))
    post({
      type: 'predicted', taskId: msg.taskId,
      result: { rows: items.length, outPath: msg.outPath, forecastPath: null, forecast: null, warnings: [], generated: items.slice(0, 20).map((g) => g.text) }
    })
    return
  }
  if (msg.temperature !== undefined) throw Object.assign(new Error(`--temperature samples generative (one-to-many) models; this model's mapping is ${model.data.mapping}`), { name: 'InputError' })
  if (!msg.csvPath) throw Object.assign(new Error('this model predicts from data: give a CSV'), { name: 'InputError' })
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
