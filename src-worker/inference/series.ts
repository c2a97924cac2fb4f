// Inference on a new CSV for series-window models (`predict`): the file is read as the model was trained (groups
// ordered, differences taken, the stored normalisation — series-inputs.ts), every window with complete inputs gets a
// prediction in the user's units (normalisation and differencing undone by data/target-transform.ts), and an
// optional closed-loop forecast feeds each prediction back as the next input (series-forecast.ts), per group.
// Window alignment follows buildSeriesWindows: the first target row of window w is w + tx + gap (many-to-one,
// seq2seq); many-to-many reports its last step, whose target row is w + tx − 1 + shift.
import type { PredictScore } from './predict-output'
import type { ParsedTable } from '../data/csv'
import { lineOfRow } from '../data/windows'
import { toUserUnits, type TargetTransform } from '../data/target-transform'
import type { SavedModel } from '../protocol'
import { normalizationOf, referencePredict, specOf, type ExportSpec } from '../export/spec'
import { argmaxRow } from '../export/held-out'
import { predictionsCsv, type CsvCell } from './predictions-csv'
import { InputError } from '../../src-shared/errors'
import { seriesInputs, type SeriesInputs } from './series-inputs'
import { seriesLayout, type SeriesLayout } from './series-layout'
import { checkClosedLoop, closedLoop } from './series-forecast'

export interface SeriesRow {
  /** windows within groups: the group's id */
  group?: string
  /** 0-based window index (within its group); the window covers its group's rows [window, window + tx). */
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
  /** Closed-loop forecast of the next `steps` values after the last row (when asked); with groups, group by group. */
  forecast: number[] | null
  /** windows within groups: the group of each forecast value */
  forecastGroups?: string[]
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

/** Refuses models that do not read sliding windows of numeric columns. */
function checkSeriesModel(model: SavedModel, s: ExportSpec): void {
  if (s.mapping !== 'many-to-one' && s.mapping !== 'seq2seq' && s.mapping !== 'many-to-many') {
    throw new Error(
      `predictSeries works on models trained on sliding windows of a series (many-to-one, seq2seq, many-to-many); this model's mapping is ${s.mapping}`
    )
  }
  if (s.tokens) throw new Error('predictSeries: this model reads token ids, not numeric columns')
  if (model.inputs.length !== s.inputSize)
    throw new Error(`model: ${model.inputs.length} input columns stored but the network reads ${s.inputSize}`)
}

/** The target transform stored with a model: its normaliser (identity when none) and difference lags. */
function transformOf(model: SavedModel, layout: SeriesLayout): TargetTransform {
  const norm = normalizationOf(model).target ?? { kind: 'none', columns: [model.target], a: [0], b: [1] }
  return { norm, lags: layout.lags }
}

export function predictSeries(model: SavedModel, table: ParsedTable, opts: { steps?: number } = {}): SeriesPrediction {
  const s = specOf(model)
  checkSeriesModel(model, s)
  const steps = opts.steps
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1))
    throw new InputError(`steps must be a positive integer, got ${steps}`)
  const layout = seriesLayout(model, s)
  if (steps !== undefined) checkClosedLoop(model, s, layout)
  const inp = seriesInputs(model, table, s, layout)
  const y = inp.ok.length ? referencePredict(model, inp.x, inp.ok.length, s) : new Float32Array(0)
  const transform = transformOf(model, layout)
  const values =
    s.task === 'classification'
      ? null
      : toUserUnits(transform, y, new Float64Array(y.length), {
          columns: inp.cols.targets,
          starts: inp.ok,
          yStart: layout.yStart,
          tx: s.tx,
          ty: s.ty
        })
  const rows = reportRows(model, s, layout, inp, table, y, values)
  const res: SeriesPrediction = {
    target: model.target,
    inputs: model.inputs.slice(),
    window: s.tx,
    horizon: s.mapping === 'seq2seq' ? s.ty : 1,
    rows,
    forecast: null,
    warnings: inp.warnings,
    score: scoreOf(model.target, rows)
  }
  if (steps !== undefined) Object.assign(res, forecasts(model, s, layout, inp, transform, steps, table))
  return res
}

/** One row per window: where it sits, the prediction (user's units, or the class) and the file's true value. */
function reportRows(
  model: SavedModel,
  s: ExportSpec,
  layout: SeriesLayout,
  inp: SeriesInputs,
  table: ParsedTable,
  y: Float32Array,
  values: Float64Array | null
): SeriesRow[] {
  const { tx, ty, outputSize: O } = s
  const tk = table.columns.findIndex((c) => c.name === model.target)
  const actualAt = (r: number): number | string | null => {
    if (tk < 0) return null
    const v = table.values[tk]![r]
    return typeof v === 'number' ? (Number.isNaN(v) ? null : v) : (v ?? null)
  }
  const line = (pos: number) => lineOfRow(table, inp.rowAt(pos))
  let k = 0
  return inp.windows.map((w, j) => {
    const g = inp.segmentOf[j]!,
      [from, to] = inp.rows.segments[g]!,
      tr = w + layout.rowOffset
    const row: SeriesRow = {
      window: w - from,
      firstLine: line(w),
      lastLine: line(w + tx - 1),
      targetLine: tr < to ? line(tr) : null,
      prediction: null,
      actual: tr < to ? actualAt(inp.rowAt(tr)) : null
    }
    if (inp.rows.names) row.group = inp.rows.names[g]!
    if (inp.ok[k] !== w) return row
    const off = (k * ty + layout.outStep) * O
    if (!values) classRow(model, s, row, y, k, off)
    else {
      row.prediction = values[off]!
      if (s.mapping === 'seq2seq') row.horizon = Array.from({ length: ty }, (_, t) => values[(k * ty + t) * O]!)
    }
    k++
    return row
  })
}

/** A classification window's class id, label, probabilities and (seq2seq) every step's class. */
function classRow(model: SavedModel, s: ExportSpec, row: SeriesRow, y: Float32Array, k: number, off: number): void {
  const O = s.outputSize
  row.prediction = argmaxRow(y, off, O)
  const label = model.vocab?.classes?.[row.prediction]
  if (label !== undefined) row.label = label
  row.probabilities = Array.from(y.subarray(off, off + O))
  if (s.mapping === 'seq2seq') row.horizon = Array.from({ length: s.ty }, (_, t) => argmaxRow(y, (k * s.ty + t) * O, O))
}

/** The closed-loop forecast after the end of the file, or of each group. */
function forecasts(
  model: SavedModel,
  s: ExportSpec,
  layout: SeriesLayout,
  inp: SeriesInputs,
  transform: TargetTransform,
  steps: number,
  table: ParsedTable
): Pick<SeriesPrediction, 'forecast' | 'forecastGroups'> {
  const n = normalizationOf(model).input
  const k = n ? n.columns.indexOf(model.target) : -1
  const loop = {
    model,
    spec: s,
    layout,
    transform,
    input: k >= 0 ? { a: n!.a[k]!, b: n!.b[k]! } : { a: 0, b: 1 }
  }
  const series = inp.cols.targets[0]!
  const forecast: number[] = [],
    groups: string[] = []
  inp.rows.segments.forEach(([from, to], g) => {
    const values = closedLoop(
      loop,
      series.subarray(from, to),
      steps,
      (i) => lineOfRow(table, inp.rowAt(from + i)),
      model.target
    )
    forecast.push(...values)
    if (inp.rows.names) groups.push(...values.map(() => inp.rows.names![g]!))
  })
  return inp.rows.names ? { forecast, forecastGroups: groups } : { forecast }
}

/** The per-window predictions as CSV text (formula-safe). */
export function seriesCsv(p: SeriesPrediction): string {
  const grouped = p.rows.some((r) => r.group !== undefined)
  const rows: CsvCell[][] = [
    [
      ...(grouped ? ['group'] : []),
      'window',
      'first_line',
      'last_line',
      'target_line',
      `predicted_${p.target}`,
      `actual_${p.target}`
    ]
  ]
  for (const r of p.rows)
    rows.push([
      ...(grouped ? [r.group ?? null] : []),
      r.window,
      r.firstLine,
      r.lastLine,
      r.targetLine,
      r.label ?? r.prediction,
      r.actual
    ])
  return predictionsCsv(rows)
}

/** The closed-loop forecast as CSV text: step (1 = the row after the file, or after the group), value. */
export function forecastCsv(p: SeriesPrediction): string {
  const f = p.forecast ?? [],
    g = p.forecastGroups
  if (!g) return predictionsCsv([['step', `forecast_${p.target}`], ...f.map((v, k) => [k + 1, v])])
  const steps = f.length / Math.max(1, new Set(g).size)
  return predictionsCsv([['group', 'step', `forecast_${p.target}`], ...f.map((v, k) => [g[k]!, (k % steps) + 1, v])])
}
