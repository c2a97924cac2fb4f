// Inference on a new CSV for the CLI `predict` command: apply the model's stored input columns and
// normalisation, predict one step ahead for every sliding window (inverse-normalised), and optionally run a
// closed-loop multi-step forecast that feeds each prediction back as the next input.
import type { ParsedTable } from '../data/csv'
import { lineOfRow } from '../data/windows'
import type { SavedModel } from '../../src-worker/protocol'
import { normalizationOf, referencePredict, specOf } from './spec'
import { argmaxRow } from './held-out'
import { predictionsCsv, type CsvCell } from './csv'

export interface SeriesRow {
  /** 0-based window index; the window covers data rows [window, window + tx). */
  window: number
  firstLine: number
  lastLine: number
  /** Physical line of the row the first prediction is for (null when it lies after the end of the file). */
  targetLine: number | null
  /** Inverse-normalised prediction of the next value (classification: the class id); null when the window has missing values. */
  prediction: number | null
  /** All ty predicted steps (seq2seq models). */
  horizon?: number[]
  /** Class probabilities (classification). */
  probabilities?: number[]
  /** The target's value at targetLine when the file has the target column. */
  actual: number | null
}

export interface SeriesPrediction {
  target: string
  inputs: string[]
  window: number
  horizon: number
  rows: SeriesRow[]
  /** Closed-loop forecast of the next `steps` values after the last row (when asked). */
  forecast: number[] | null
  warnings: string[]
}

function columnsOf(model: SavedModel, table: ParsedTable): Float64Array[] {
  const names = table.columns.map((c) => c.name)
  const problems: string[] = []
  const cols = model.inputs.map((name) => {
    const k = names.indexOf(name)
    if (k < 0) { problems.push(`missing input column "${name}"`); return new Float64Array(0) }
    const v = table.values[k]
    if (!(v instanceof Float64Array)) { problems.push(`input column "${name}" is ${table.columns[k]!.type}, not numeric`); return new Float64Array(0) }
    return v
  })
  if (problems.length) throw new Error(`the CSV does not fit the model: ${problems.join('; ')} (the file's columns: ${names.map((n) => `"${n}"`).join(', ')})`)
  return cols
}

export function predictSeries(model: SavedModel, table: ParsedTable, opts: { steps?: number } = {}): SeriesPrediction {
  const s = specOf(model)
  if (s.mapping !== 'many-to-one' && s.mapping !== 'seq2seq') {
    throw new Error(`predictSeries works on models trained on sliding windows of a series (many-to-one, seq2seq); this model's mapping is ${s.mapping}`)
  }
  if (s.tokens) throw new Error('predictSeries: this model reads token ids, not numeric columns')
  if (model.inputs.length !== s.inputSize) throw new Error(`model: ${model.inputs.length} input columns stored but the network reads ${s.inputSize}`)
  const steps = opts.steps
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) throw new Error(`steps must be a positive integer, got ${steps}`)
  const cols = columnsOf(model, table)
  const norm = normalizationOf(model), I = s.inputSize, tx = s.tx, ty = s.ty, O = s.outputSize, T = table.rowCount
  const cls = s.task === 'classification'
  const ia = model.inputs.map((name) => {
    const k = norm.input ? norm.input.columns.indexOf(name) : -1
    return k >= 0 ? [norm.input!.a[k]!, norm.input!.b[k]!] as const : [0, 1] as const
  })
  if (norm.input) for (const [i, name] of model.inputs.entries()) if (norm.input.columns.indexOf(name) < 0) throw new Error(`model: no normalisation stored for input column "${name}" (#${i})`)
  const [ta, tb] = norm.target && !cls ? [norm.target.a[0]!, norm.target.b[0]!] : [0, 1]
  if (T < tx) throw new Error(`the CSV has ${T} data rows, but the model reads windows of ${tx} rows`)
  const tk = table.columns.findIndex((c) => c.name === model.target)
  const targetCol = tk >= 0 && table.values[tk] instanceof Float64Array ? (table.values[tk] as Float64Array) : null

  // one-step-ahead over every window (the last one forecasts the row after the file)
  const nW = T - tx + 1, ok: number[] = [], warnings: string[] = []
  let firstBad: string | null = null, bad = 0
  for (let w = 0; w < nW; w++) {
    let fine = true
    for (let t = 0; t < tx && fine; t++) for (let i = 0; i < I; i++) {
      if (Number.isNaN(cols[i]![w + t]!)) { fine = false; firstBad ??= `line ${lineOfRow(table, w + t)}, column "${model.inputs[i]}"`; break }
    }
    if (fine) ok.push(w); else bad++
  }
  if (bad) warnings.push(`${bad} of ${nW} windows have missing input values and get no prediction (first: ${firstBad})`)
  const x = new Float32Array(ok.length * tx * I)
  ok.forEach((w, k) => {
    for (let t = 0; t < tx; t++) for (let i = 0; i < I; i++) x[(k * tx + t) * I + i] = (cols[i]![w + t]! - ia[i]![0]) / ia[i]![1]
  })
  const y = ok.length ? referencePredict(model, x, ok.length, s) : new Float32Array(0)
  const rows: SeriesRow[] = []
  let k = 0
  for (let w = 0; w < nW; w++) {
    const tr = w + tx
    const row: SeriesRow = {
      window: w, firstLine: lineOfRow(table, w), lastLine: lineOfRow(table, w + tx - 1),
      targetLine: tr < T ? lineOfRow(table, tr) : null, prediction: null,
      actual: targetCol && tr < T && !Number.isNaN(targetCol[tr]!) ? targetCol[tr]! : null
    }
    if (ok[k] === w) {
      const off = k * ty * O
      if (cls) {
        row.prediction = argmaxRow(y, off, O)
        row.probabilities = Array.from(y.subarray(off, off + O))
        if (ty > 1) row.horizon = Array.from({ length: ty }, (_, t) => argmaxRow(y, off + t * O, O))
      } else {
        row.prediction = y[off]! * tb + ta
        if (ty > 1) row.horizon = Array.from({ length: ty }, (_, t) => y[off + t * O]! * tb + ta)
      }
      k++
    }
    rows.push(row)
  }
  const res: SeriesPrediction = { target: model.target, inputs: model.inputs.slice(), window: tx, horizon: ty, rows, forecast: null, warnings }
  if (steps !== undefined) res.forecast = closedLoop(model, cols[0]!, ia[0]!, [ta, tb], steps, table)
  return res
}

/** Feed predictions back: the target must be the model's only input (single-input autoregressive model). */
function closedLoop(model: SavedModel, series: Float64Array, inNorm: readonly [number, number], outNorm: [number, number], steps: number, table: ParsedTable): number[] {
  const s = specOf(model), tx = s.tx, ty = s.ty
  if (s.task !== 'regression') throw new Error('steps: a closed-loop forecast needs a regression model')
  if (model.inputs.length !== 1 || model.inputs[0] !== model.target || s.outputSize !== 1) {
    throw new Error(`steps: a closed-loop forecast feeds each prediction back as the next input, so the target "${model.target}" must be the model's only input (this model reads ${model.inputs.map((c) => `"${c}"`).join(', ')})`)
  }
  const win: number[] = []
  for (let r = table.rowCount - tx; r < table.rowCount; r++) {
    const v = series[r]!
    if (Number.isNaN(v)) throw new Error(`steps: the last ${tx} rows start the forecast, but line ${lineOfRow(table, r)}, column "${model.target}" is missing`)
    win.push((v - inNorm[0]) / inNorm[1])
  }
  const out: number[] = []
  while (out.length < steps) {
    const y = referencePredict(model, Float32Array.from(win.slice(-tx)), 1, s)
    for (let t = 0; t < ty && out.length < steps; t++) {
      const value = y[t]! * outNorm[1] + outNorm[0]
      out.push(value)
      win.push((value - inNorm[0]) / inNorm[1])
    }
  }
  return out
}

/** The per-window predictions as CSV text (formula-safe). */
export function seriesCsv(p: SeriesPrediction): string {
  const rows: CsvCell[][] = [['window', 'first_line', 'last_line', 'target_line', `predicted_${p.target}`, `actual_${p.target}`]]
  for (const r of p.rows) rows.push([r.window, r.firstLine, r.lastLine, r.targetLine, r.prediction, r.actual])
  return predictionsCsv(rows)
}

/** The closed-loop forecast as CSV text: step (1 = the row after the file), value. */
export function forecastCsv(p: SeriesPrediction): string {
  return predictionsCsv([['step', `forecast_${p.target}`], ...(p.forecast ?? []).map((v, k) => [k + 1, v])])
}
