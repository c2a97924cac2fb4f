// Predict task: a trained model on a new CSV with the stored mapping, written as a predictions CSV (formula-injection
// safe). Series-window models: one-step predictions for every window and an optional closed-loop forecast;
// generators (one-to-many): sampled or greedy items; grouped sequences, text and one-to-one rows: src-main/export/
// predict-table.ts (one row per sequence, per step, per text or per row; the target column is optional).
import { readFileSync, writeFileSync } from 'node:fs'
import { parseCsv } from '../../src-main/data/csv'
import { forecastCsv, predictSeries, seriesCsv } from '../../src-main/export/series'
import { predictTable, predictionTableCsv, sourceOfModel } from '../../src-main/export/predict-table'
import type { FromWorker, ToWorker } from '../protocol'
import { conditionsFor, generate, generatedCsv } from './generate'

const inputError = (message: string) => Object.assign(new Error(message), { name: 'InputError' })

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
  if (!msg.csvPath) throw inputError('this model predicts from data: give a CSV')
  const source = sourceOfModel(model)
  if (source !== 'series') {
    if (msg.steps !== undefined) throw inputError(`--steps forecasts a series closed-loop (or sets the items per condition of a generator); this model reads ${source === 'rows' ? 'rows' : source === 'text' ? 'texts' : 'grouped sequences'}`)
    const table = parseCsv(new Uint8Array(readFileSync(msg.csvPath)))
    const p = predictTable(model, table, { temperature: msg.temperature, seed: msg.seed })
    writeFileSync(msg.outPath, predictionTableCsv(p))
    post({
      type: 'predicted', taskId: msg.taskId,
      result: { rows: p.rows.length, outPath: msg.outPath, forecastPath: null, forecast: null, warnings: p.warnings, score: p.score }
    })
    return
  }
  if (msg.temperature !== undefined) throw inputError(`--temperature samples generative (one-to-many) models and text seq2seq models; this model's mapping is ${model.data.mapping}`)
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
