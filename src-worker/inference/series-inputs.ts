// A new CSV read the way a series-window model was trained: its groups ordered as in training (groupBy, orderBy),
// the stored input columns differenced when the model predicts the change, and every window with complete inputs
// encoded by the training's own encoder (data/series-encode.ts) with the stored normalisation.
import type { ParsedTable } from '../data/csv'
import { seriesRows } from '../data/sequences'
import { encodeWindowInputs, seriesColumns, type SeriesColumns, type SeriesRows } from '../data/series-encode'
import { lagRows } from '../data/target-transform'
import { lineOfRow } from '../data/windows'
import { InputError } from '../../src-shared/errors'
import type { SavedModel } from '../protocol'
import { normalizationOf, type ExportSpec } from '../export/spec'
import type { SeriesLayout } from './series-layout'

export interface SeriesInputs {
  rows: SeriesRows
  cols: SeriesColumns
  /** the file's row at a series position */
  rowAt: (pos: number) => number
  /** every window start (series position) of every segment, in order */
  windows: number[]
  /** the segment of each window */
  segmentOf: number[]
  /** the windows with complete inputs (a subset of `windows`), and their encoded x (n, tx, I) */
  ok: number[]
  x: Float32Array
  warnings: string[]
}

/** The numeric columns the model reads (inputs; the target too when differences are added back onto it). */
function readColumns(
  model: SavedModel,
  table: ParsedTable,
  lags: number[]
): { inputs: Float64Array[]; target: Float64Array | null } {
  const names = table.columns.map((c) => c.name)
  const problems: string[] = []
  const numeric = (name: string, role: string): Float64Array => {
    const k = names.indexOf(name)
    if (k < 0) problems.push(`missing ${role} column "${name}"`)
    else if (!(table.values[k] instanceof Float64Array))
      problems.push(`${role} column "${name}" is ${table.columns[k]!.type}, not numeric`)
    else return table.values[k] as Float64Array
    return new Float64Array(0)
  }
  const inputs = model.inputs.map((name) => numeric(name, 'input'))
  const cls = model.data.task === 'classification'
  const k = names.indexOf(model.target)
  let target: Float64Array | null = null
  if (lags.length) {
    const at = model.inputs.indexOf(model.target)
    target = at >= 0 ? inputs[at]! : numeric(model.target, 'target')
  } else if (!cls && k >= 0 && table.values[k] instanceof Float64Array) target = table.values[k] as Float64Array
  if (problems.length)
    throw new InputError(
      `the CSV does not fit the model: ${problems.join('; ')} (the file's columns: ${names.map((n) => `"${n}"`).join(', ')})${lags.length ? "; a model of differenced targets adds its predicted changes to the target's last values" : ''}`
    )
  return { inputs, target }
}

/** (a, b) of each stored input column, in the model's input order. */
function inputNormOf(model: SavedModel): { a: number[]; b: number[] } {
  const n = normalizationOf(model).input
  const a: number[] = [],
    b: number[] = []
  model.inputs.forEach((name, i) => {
    const k = n ? n.columns.indexOf(name) : -1
    if (n && k < 0) throw new Error(`model: no normalisation stored for input column "${name}" (#${i})`)
    a.push(k >= 0 ? n!.a[k]! : 0)
    b.push(k >= 0 ? n!.b[k]! : 1)
  })
  return { a, b }
}

/** Rows with a missing value in any of `cols` (null: none). */
function missingRows(cols: Float64Array[], T: number): Uint8Array | null {
  let bad: Uint8Array | null = null
  for (const c of cols) for (let r = 0; r < T; r++) if (Number.isNaN(c[r]!)) (bad ??= new Uint8Array(T))[r] = 1
  return bad
}

/** The series of a new file: ordered, differenced and windowed as in training. */
export function seriesInputs(model: SavedModel, table: ParsedTable, s: ExportSpec, layout: SeriesLayout): SeriesInputs {
  const exp = model.experiment
  const read = readColumns(model, table, layout.lags)
  const T = table.rowCount,
    tx = s.tx
  let rows: SeriesRows
  try {
    rows = seriesRows(table, { groupBy: exp?.groupBy, orderBy: exp?.orderBy })
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  if (!rows.names && T < tx)
    throw new InputError(`the CSV has ${T} data rows, but the model reads windows of ${tx} rows`)
  const tRaw = read.target ? [read.target] : []
  const cols = seriesColumns(
    { targets: read.target ? [model.target] : [], inputs: model.inputs },
    tRaw,
    read.inputs,
    rows,
    layout.lags,
    missingRows([...read.inputs, ...(layout.lags.length ? tRaw : [])], T)
  )
  const rowAt = (pos: number) => (rows.order ? rows.order[pos]! : pos)
  const raw: [string, Float64Array][] = model.inputs.map((n, i) => [n, read.inputs[i]!])
  if (layout.lags.length && read.target) raw.push([model.target, read.target])
  const w = windowsOf(rows, cols.bad, tx, layout.lags, raw, rowAt, table)
  const x = encodeWindowInputs(cols.modelInputs, w.ok, inputNormOf(model), tx)
  return { rows, cols, rowAt, ...w, x, warnings: [...rows.warnings, ...w.warnings] }
}

/** Every window of every segment, and those whose rows hold complete (differenced) inputs. */
function windowsOf(
  rows: SeriesRows,
  bad: Uint8Array | null,
  tx: number,
  lags: number[],
  raw: [string, Float64Array][],
  rowAt: (pos: number) => number,
  table: ParsedTable
) {
  const windows: number[] = [],
    segmentOf: number[] = [],
    ok: number[] = [],
    warnings: string[] = []
  const lead = lagRows(lags)
  let missing = 0,
    early = 0,
    short = 0,
    firstBad: string | null = null
  rows.segments.forEach(([from, to], g) => {
    if (to - from < tx) short++
    for (let w = from; w + tx <= to; w++) {
      windows.push(w)
      segmentOf.push(g)
      if (w < from + lead) early++
      else if (bad && bad.subarray(w, w + tx).some((b) => b)) {
        missing++
        firstBad ??= firstMissing(raw, Math.max(from, w - lead), w + tx, rowAt, table)
      } else ok.push(w)
    }
  })
  if (missing)
    warnings.push(
      `${missing} of ${windows.length} windows have missing input values and get no prediction (first: ${firstBad})`
    )
  if (early)
    warnings.push(
      `the first ${lead === 1 ? 'window' : `${lead} windows`} of ${rows.names ? 'each group' : 'the file'} get${lead === 1 ? 's' : ''} no prediction: the model reads differences, which need ${lead} earlier row${lead === 1 ? '' : 's'}`
    )
  if (short)
    warnings.push(
      `${short} group${short === 1 ? ' has' : 's have'} fewer rows than the model's window of ${tx} and get${short === 1 ? 's' : ''} no prediction`
    )
  return { windows, segmentOf, ok, warnings }
}

/** Where a window's first missing value is (`line L, column "c"`), looking back as far as its differences reach. */
function firstMissing(
  raw: [string, Float64Array][],
  from: number,
  to: number,
  rowAt: (pos: number) => number,
  table: ParsedTable
): string {
  for (let t = Math.max(0, from); t < to; t++)
    for (const [name, c] of raw)
      if (Number.isNaN(c[rowAt(t)]!)) return `line ${lineOfRow(table, rowAt(t))}, column "${name}"`
  return `line ${lineOfRow(table, rowAt(to - 1))}`
}
