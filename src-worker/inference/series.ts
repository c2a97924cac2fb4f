// Inference on a new CSV for the CLI `predict` command: apply the model's stored input columns and
// normalisation, predict one step ahead for every sliding window (inverse-normalised), and optionally run a
// closed-loop multi-step forecast that feeds each prediction back as the next input. Window alignment follows
// buildSeriesWindows (src-worker/data/sequences.ts): the first target row of window w is w + tx + gap
// (many-to-one, seq2seq); many-to-many reports its last step, whose target row is w + tx − 1 + shift.
import type { PredictScore } from './predict-output'
import type { ParsedTable } from '../data/csv'
import { lineOfRow } from '../data/windows'
import { differenceLagsOf } from '../data/target-transform'
import { sourceOf } from '../../src-shared/contract'
import type { SavedModel } from '../protocol'
import { normalizationOf, referencePredict, specOf, type ExportSpec } from '../export/spec'
import { argmaxRow } from '../export/held-out'
import { predictionsCsv, type CsvCell } from './predictions-csv'
import { InputError } from '../../src-shared/errors'

export interface SeriesRow {
  /** 0-based window index; the window covers data rows [window, window + tx). */
  window: number
  firstLine: number
  lastLine: number
  /** Physical line of the row the prediction is for (null when it lies after the end of the file). */
  targetLine: number | null
  /** Inverse-normalised prediction (classification: the class id); null when the window has missing values. */
  prediction: number | null
  /** Classification: the class name of `prediction` (when the model stores its classes). */
  label?: string
  /** seq2seq: every predicted step (class ids for classification). */
  horizon?: number[]
  /** Classification: class probabilities. */
  probabilities?: number[]
  /** The target's value at targetLine when the file has the target column. */
  actual: number | string | null
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
  /** The reported predictions against the file's target where it has one (null when no row has both). */
  score: PredictScore | null
}

/** Accuracy (classes: the label, else the class id, against the cell) or MAE / RMSE over rows with both values. */
export function scoreOf(target: string, rows: SeriesRow[]): PredictScore | null {
  let n = 0,
    right = 0,
    ae = 0,
    se = 0,
    classes = false
  for (const r of rows) {
    if (r.prediction === null || r.actual === null || r.actual === '') continue
    if (typeof r.actual === 'string' || r.label !== undefined) {
      classes = true
      n++
      if (String(r.label ?? r.prediction) === String(r.actual)) right++
    } else {
      const d = r.prediction - r.actual
      n++
      ae += Math.abs(d)
      se += d * d
    }
  }
  if (n === 0) return null
  return classes
    ? { target, count: n, accuracy: right / n }
    : { target, count: n, mae: ae / n, rmse: Math.sqrt(se / n) }
}

function columnsOf(model: SavedModel, table: ParsedTable): Float64Array[] {
  const names = table.columns.map((c) => c.name)
  const problems: string[] = []
  const cols = model.inputs.map((name) => {
    const k = names.indexOf(name)
    if (k < 0) {
      problems.push(`missing input column "${name}"`)
      return new Float64Array(0)
    }
    const v = table.values[k]
    if (!(v instanceof Float64Array)) {
      problems.push(`input column "${name}" is ${table.columns[k]!.type}, not numeric`)
      return new Float64Array(0)
    }
    return v
  })
  if (problems.length)
    throw new InputError(
      `the CSV does not fit the model: ${problems.join('; ')} (the file's columns: ${names.map((n) => `"${n}"`).join(', ')})`
    )
  return cols
}

/** Offsets of the reported prediction: output step read from the network, and its target row relative to the window start. */
function alignment(model: SavedModel, s: ExportSpec): { gap: number; outStep: number; rowOffset: number } {
  const exp = model.experiment
  if (exp) {
    const src = sourceOf(exp)
    if (src !== 'series')
      throw new Error(
        `predictSeries works on models trained on sliding windows of one series; this model was trained on ${src} data`
      )
  }
  if (exp && (differenceLagsOf(exp).length || exp.groupBy))
    throw new InputError(
      `predicting on a new file is not available for models of ${exp.groupBy ? 'windows within groups' : 'differenced targets'}; their validation predictions are in the run's view`
    )
  const gap = exp?.gap ?? 0
  if (s.mapping === 'many-to-many') {
    const shift = s.task === 'classification' ? 0 : 1
    return { gap: 0, outStep: s.tx - 1, rowOffset: s.tx - 1 + shift }
  }
  return { gap, outStep: 0, rowOffset: s.tx + gap }
}

export function predictSeries(model: SavedModel, table: ParsedTable, opts: { steps?: number } = {}): SeriesPrediction {
  const s = specOf(model)
  if (s.mapping !== 'many-to-one' && s.mapping !== 'seq2seq' && s.mapping !== 'many-to-many') {
    throw new Error(
      `predictSeries works on models trained on sliding windows of a series (many-to-one, seq2seq, many-to-many); this model's mapping is ${s.mapping}`
    )
  }
  if (s.tokens) throw new Error('predictSeries: this model reads token ids, not numeric columns')
  if (model.inputs.length !== s.inputSize)
    throw new Error(`model: ${model.inputs.length} input columns stored but the network reads ${s.inputSize}`)
  const steps = opts.steps
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1))
    throw new InputError(`steps must be a positive integer, got ${steps}`)
  const al = alignment(model, s)
  const cols = columnsOf(model, table)
  const norm = normalizationOf(model),
    I = s.inputSize,
    tx = s.tx,
    ty = s.ty,
    O = s.outputSize,
    T = table.rowCount
  const cls = s.task === 'classification',
    classes = model.vocab?.classes
  if (norm.input)
    for (const [i, name] of model.inputs.entries())
      if (norm.input.columns.indexOf(name) < 0)
        throw new Error(`model: no normalisation stored for input column "${name}" (#${i})`)
  const ia = model.inputs.map((name) => {
    const k = norm.input ? norm.input.columns.indexOf(name) : -1
    return k >= 0 ? ([norm.input!.a[k]!, norm.input!.b[k]!] as const) : ([0, 1] as const)
  })
  const [ta, tb] = norm.target && !cls ? [norm.target.a[0]!, norm.target.b[0]!] : [0, 1]
  if (T < tx) throw new InputError(`the CSV has ${T} data rows, but the model reads windows of ${tx} rows`)
  const tk = table.columns.findIndex((c) => c.name === model.target)
  const targetCol = tk >= 0 ? table.values[tk]! : null
  const actualAt = (r: number): number | string | null => {
    if (!targetCol || r >= T) return null
    const v = targetCol[r]
    return typeof v === 'number' ? (Number.isNaN(v) ? null : v) : (v ?? null)
  }

  // one prediction per window (the last windows forecast rows after the file)
  const nW = T - tx + 1,
    ok: number[] = [],
    warnings: string[] = []
  let firstBad: string | null = null,
    bad = 0
  for (let w = 0; w < nW; w++) {
    let fine = true
    for (let t = 0; t < tx && fine; t++)
      for (let i = 0; i < I; i++) {
        if (Number.isNaN(cols[i]![w + t]!)) {
          fine = false
          firstBad ??= `line ${lineOfRow(table, w + t)}, column "${model.inputs[i]}"`
          break
        }
      }
    if (fine) ok.push(w)
    else bad++
  }
  if (bad) warnings.push(`${bad} of ${nW} windows have missing input values and get no prediction (first: ${firstBad})`)
  const x = new Float32Array(ok.length * tx * I)
  ok.forEach((w, k) => {
    for (let t = 0; t < tx; t++)
      for (let i = 0; i < I; i++) x[(k * tx + t) * I + i] = (cols[i]![w + t]! - ia[i]![0]) / ia[i]![1]
  })
  const y = ok.length ? referencePredict(model, x, ok.length, s) : new Float32Array(0)
  const rows: SeriesRow[] = []
  let k = 0
  for (let w = 0; w < nW; w++) {
    const tr = w + al.rowOffset
    const row: SeriesRow = {
      window: w,
      firstLine: lineOfRow(table, w),
      lastLine: lineOfRow(table, w + tx - 1),
      targetLine: tr < T ? lineOfRow(table, tr) : null,
      prediction: null,
      actual: actualAt(tr)
    }
    if (ok[k] === w) {
      const off = (k * ty + al.outStep) * O
      if (cls) {
        row.prediction = argmaxRow(y, off, O)
        if (classes?.[row.prediction] !== undefined) row.label = classes[row.prediction]
        row.probabilities = Array.from(y.subarray(off, off + O))
        if (s.mapping === 'seq2seq')
          row.horizon = Array.from({ length: ty }, (_, t) => argmaxRow(y, (k * ty + t) * O, O))
      } else {
        row.prediction = y[off]! * tb + ta
        if (s.mapping === 'seq2seq') row.horizon = Array.from({ length: ty }, (_, t) => y[(k * ty + t) * O]! * tb + ta)
      }
      k++
    }
    rows.push(row)
  }
  const res: SeriesPrediction = {
    target: model.target,
    inputs: model.inputs.slice(),
    window: tx,
    horizon: s.mapping === 'seq2seq' ? ty : 1,
    rows,
    forecast: null,
    warnings,
    score: scoreOf(model.target, rows)
  }
  if (steps !== undefined) res.forecast = closedLoop(model, s, al, cols[0]!, ia[0]!, [ta, tb], steps, table)
  return res
}

/** Feed predictions back: the target must be the model's only input (single-input autoregressive model). */
function closedLoop(
  model: SavedModel,
  s: ExportSpec,
  al: { gap: number; outStep: number },
  series: Float64Array,
  inNorm: readonly [number, number],
  outNorm: [number, number],
  steps: number,
  table: ParsedTable
): number[] {
  const tx = s.tx
  if (s.task !== 'regression') throw new InputError('steps: a closed-loop forecast needs a regression model')
  if (model.inputs.length !== 1 || model.inputs[0] !== model.target || s.outputSize !== 1) {
    throw new InputError(
      `steps: a closed-loop forecast feeds each prediction back as the next input, so the target "${model.target}" must be the model's only input (this model reads ${model.inputs.map((c) => `"${c}"`).join(', ')})`
    )
  }
  if (al.gap > 0)
    throw new InputError(
      `steps: this model predicts ${al.gap + 1} rows after its window (gap ${al.gap}), so its predictions cannot be fed back as the next row`
    )
  const win: number[] = []
  for (let r = table.rowCount - tx; r < table.rowCount; r++) {
    const v = series[r]!
    if (Number.isNaN(v))
      throw new InputError(
        `steps: the last ${tx} rows start the forecast, but line ${lineOfRow(table, r)}, column "${model.target}" is missing`
      )
    win.push((v - inNorm[0]) / inNorm[1])
  }
  // seq2seq appends its ty steps per call; many-to-one and many-to-many (last step) one value
  const perCall = s.mapping === 'seq2seq' ? s.ty : 1
  const out: number[] = []
  while (out.length < steps) {
    const y = referencePredict(model, Float32Array.from(win.slice(-tx)), 1, s)
    for (let t = 0; t < perCall && out.length < steps; t++) {
      const value = y[al.outStep + t]! * outNorm[1] + outNorm[0]
      out.push(value)
      win.push((value - inNorm[0]) / inNorm[1])
    }
  }
  return out
}

/** The per-window predictions as CSV text (formula-safe). */
export function seriesCsv(p: SeriesPrediction): string {
  const rows: CsvCell[][] = [
    ['window', 'first_line', 'last_line', 'target_line', `predicted_${p.target}`, `actual_${p.target}`]
  ]
  for (const r of p.rows)
    rows.push([r.window, r.firstLine, r.lastLine, r.targetLine, r.label ?? r.prediction, r.actual])
  return predictionsCsv(rows)
}

/** The closed-loop forecast as CSV text: step (1 = the row after the file), value. */
export function forecastCsv(p: SeriesPrediction): string {
  return predictionsCsv([['step', `forecast_${p.target}`], ...(p.forecast ?? []).map((v, k) => [k + 1, v])])
}
