// Predict task: a trained model on a new CSV with the stored mapping, written as a predictions CSV (formula-injection
// safe). Series-window models: one-step predictions for every window and an optional closed-loop forecast;
// generators (one-to-many): sampled or greedy items; grouped sequences, text and one-to-one rows: src-worker/inference/
// predict-table.ts (one row per sequence, per step, per text or per row; the target column is optional).
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import Papa from 'papaparse'
import { csvOptions, parseCsv, type ParsedTable } from '../data/csv'
import { forecastCsv, predictSeries, seriesCsv } from '../inference/series'
import { predictTable, predictionTableCsv, sourceOfModel } from '../inference/predict-table'
import type { FromWorker, ToWorker } from '../protocol'
import { conditionsFor, generate, generatedCsv } from './generate'
import { SAMPLE_TEMPERATURE } from '../evaluation/novelty'
import { writeFileAtomic } from '../export/write-file'
import { InputError } from '../../src-shared/errors'

/** Rows of the written predictions file shown by the UI (header + this many). */
export const PREVIEW_ROWS = 20

/** Where a series model's closed-loop forecast goes, next to the predictions file. */
export const forecastPathOf = (outPath: string): string => outPath.replace(/(\.csv)?$/i, '.forecast.csv')

/** The new data: a stored dataset's bytes (gzip) or a CSV file. */
function readTable(msg: ToWorker & { type: 'predict' }): ParsedTable | null {
  if (msg.bytesGz) return parseCsv(new Uint8Array(gunzipSync(msg.bytesGz)), csvOptions(msg.importOptions))
  return msg.csvPath ? parseCsv(new Uint8Array(readFileSync(msg.csvPath)), csvOptions(msg.importOptions)) : null
}

/** Writes the predictions file and returns its header and first rows as written (escaping included). */
function writeOut(path: string, text: string): { columns: string[]; rows: string[][] } {
  writeFileAtomic(path, text)
  // the first rows only: cut at a line break well past them (a quoted cell may hold line breaks)
  let end = 0
  for (let k = 0; k <= PREVIEW_ROWS + 1 && end !== -1; k++) end = text.indexOf('\n', end + 1)
  const head = end === -1 ? text : text.slice(0, end)
  const data = Papa.parse<string[]>(head, { skipEmptyLines: true }).data
  return { columns: data[0] ?? [], rows: data.slice(1, PREVIEW_ROWS + 1) }
}
/** A generator's temperature: 0.8 (seeded) by default, 0 = greedy (the most likely token at every step). */
function samplingTemperature(t: number | undefined): number | undefined {
  return t === undefined ? SAMPLE_TEMPERATURE : t === 0 ? undefined : t
}

export function runPredict(msg: ToWorker & { type: 'predict' }, post: (m: FromWorker) => void): void {
  const model = msg.model
  if (model.data.mapping === 'one-to-many') {
    // a generative model: sample items (per condition) at 0.8 unless told otherwise, greedy at temperature 0
    const table = readTable(msg)
    const conditions = conditionsFor(model, table, msg.steps ?? 10)
    const items = generate(model, conditions, { temperature: samplingTemperature(msg.temperature), seed: msg.seed })
    const preview = writeOut(
      msg.outPath,
      generatedCsv(items, model.vocab?.conditions ? model.experiment?.condition : undefined, model.target)
    )
    post({
      type: 'predicted',
      taskId: msg.taskId,
      result: {
        rows: items.length,
        outPath: msg.outPath,
        forecastPath: null,
        forecast: null,
        warnings: [],
        generated: items.slice(0, 20).map((g) => g.text),
        preview
      }
    })
    return
  }
  if (!msg.csvPath && !msg.bytesGz) throw new InputError('this model predicts from data: give a CSV')
  const source = sourceOfModel(model)
  if (source !== 'series') {
    if (msg.steps !== undefined)
      throw new InputError(
        `--steps forecasts a series closed-loop (or sets the items per condition of a generator); this model reads ${source === 'rows' ? 'rows' : source === 'text' ? 'texts' : 'grouped sequences'}`
      )
    const table = readTable(msg)!
    const p = predictTable(model, table, { temperature: msg.temperature || undefined, seed: msg.seed })
    const preview = writeOut(msg.outPath, predictionTableCsv(p))
    post({
      type: 'predicted',
      taskId: msg.taskId,
      result: {
        rows: p.rows.length,
        outPath: msg.outPath,
        forecastPath: null,
        forecast: null,
        warnings: p.warnings,
        score: p.score,
        preview
      }
    })
    return
  }
  if (msg.temperature !== undefined)
    throw new InputError(
      `--temperature samples generative (one-to-many) models and text seq2seq models; this model's mapping is ${model.data.mapping}`
    )
  const table = readTable(msg)!
  const p = predictSeries(msg.model, table, { steps: msg.steps })
  const text = seriesCsv(p),
    forecast = p.forecast ? forecastCsv(p) : null // both made (and checked) before either is written
  const preview = writeOut(msg.outPath, text)
  let forecastPath: string | null = null
  if (forecast !== null) {
    forecastPath = forecastPathOf(msg.outPath)
    writeFileAtomic(forecastPath, forecast)
  }
  post({
    type: 'predicted',
    taskId: msg.taskId,
    result: {
      rows: p.rows.length,
      outPath: msg.outPath,
      forecastPath,
      forecast: p.forecast,
      ...(p.forecastGroups ? { forecastGroups: p.forecastGroups } : {}),
      warnings: p.warnings,
      score: p.score,
      preview
    }
  })
}
