// The encoder's window layout: the file's series in time order (one per group with groupBy), the input columns with
// the missing-value policy applied (ffill along the series, mean with the fitted fill values; report and drop leave
// a gap that no window may cover), an input that is the target's own past differenced as the target is, and each
// window's rows normalised with the fitted statistics (series-encode.ts).
import type { ParsedTable } from './csv'
import type { Encoded, Fitted, WindowsMapping } from './encoder'
import { prepareInputs } from './input-missing'
import { seriesRows } from './sequences'
import { encodeWindowInputs, seriesColumns, type SeriesColumns, type SeriesRows } from './series-encode'
import { lagRows } from './target-transform'
import { lineOfRow } from './windows'
import { InputError } from '../../src-shared/errors'

/** A named column. */
type Column = [string, Float64Array]

/** A file's series as the windows read it. */
export interface EncodedWindows {
  rows: SeriesRows
  cols: SeriesColumns
  /** every window start (series position) of every segment, in order (empty when the caller named the windows) */
  all: number[]
  /** the segment of each of `all` */
  segmentOf: number[]
  /** the encoded windows (a subset of `all`, or the caller's): their first series position */
  starts: number[]
}

/** The numeric columns the windows read: the inputs, and each target whose differences are added back onto it (or,
 * for regression, whose values score the predictions); one InputError names every missing or mistyped column. */
export function readColumns(table: ParsedTable, m: WindowsMapping): { inputs: Float64Array[]; targets: Column[] } {
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
  const inputs = m.inputs.map((name) => numeric(name, 'input'))
  const targets: Column[] = []
  for (const name of m.targets) {
    const at = m.inputs.indexOf(name),
      k = names.indexOf(name)
    if (m.lags.length) targets.push([name, at >= 0 ? inputs[at]! : numeric(name, 'target')])
    else if (m.task !== 'classification' && k >= 0 && table.values[k] instanceof Float64Array)
      targets.push([name, table.values[k] as Float64Array])
  }
  if (problems.length)
    throw new InputError(
      `the CSV does not fit the model: ${problems.join('; ')} (the file's columns: ${names.map((n) => `"${n}"`).join(', ')})${m.lags.length ? "; a model of differenced targets adds its predicted changes to the target's last values" : ''}`
    )
  return { inputs, targets }
}

/** The rows of each series in time order (file rows), for ffill along a series. */
function seriesOfRows(rows: SeriesRows): number[][] {
  return rows.segments.map(([from, to]) =>
    Array.from({ length: to - from }, (_, i) => (rows.order ? rows.order[from + i]! : from + i))
  )
}

/** Rows with a missing value in any of `cols` (null: none). */
function missingRows(cols: Float64Array[], T: number): Uint8Array | null {
  let bad: Uint8Array | null = null
  for (const c of cols) for (let r = 0; r < T; r++) if (Number.isNaN(c[r]!)) (bad ??= new Uint8Array(T))[r] = 1
  return bad
}

/** The input and target columns after the policy: ffill and mean fill the inputs, and a target that is one. */
function policyColumns(table: ParsedTable, m: WindowsMapping, f: Fitted, rows: SeriesRows) {
  const read = readColumns(table, m)
  if (m.missing !== 'ffill' && m.missing !== 'mean') return read
  const p = prepareInputs(table, m.inputs, read.inputs, m.missing, f.fill, seriesOfRows(rows))
  const targets = read.targets.map(([name, c]): Column => {
    const at = m.inputs.indexOf(name)
    return [name, at >= 0 ? p.cols[at]! : c]
  })
  return { inputs: p.cols, targets }
}

/** The file's series: ordered, filled, differenced. */
function seriesOf(table: ParsedTable, m: WindowsMapping, f: Fitted) {
  let rows: SeriesRows
  try {
    rows = seriesRows(table, m)
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  if (!rows.names && table.rowCount < f.tx)
    throw new InputError(
      `the CSV has ${table.rowCount} data row${table.rowCount === 1 ? '' : 's'}, but the model reads windows of ${f.tx} rows`
    )
  const read = policyColumns(table, m, f, rows)
  const tRaw = read.targets.map(([, c]) => c)
  const cols = seriesColumns(
    { targets: read.targets.map(([name]) => name), inputs: m.inputs },
    tRaw,
    read.inputs,
    rows,
    m.lags,
    missingRows([...read.inputs, ...(m.lags.length ? tRaw : [])], table.rowCount)
  )
  const raw: Column[] = m.inputs.map((n, i) => [n, read.inputs[i]!])
  if (m.lags.length) raw.push(...read.targets)
  return { rows, cols, raw }
}

export function encodeWindowsOf(table: ParsedTable, m: WindowsMapping, f: Fitted): Encoded {
  const { rows, cols, raw } = seriesOf(table, m, f)
  const w = m.starts
    ? { all: [], segmentOf: [], ok: m.starts, warnings: [] }
    : windowsOf(rows, cols.bad, f.tx, m.lags, raw, table)
  const x = encodeWindowInputs(cols.modelInputs, w.ok, f.scale, f.tx)
  const windows: EncodedWindows = { rows, cols, all: w.all, segmentOf: w.segmentOf, starts: w.ok }
  return { n: w.ok.length, x, windows, warnings: [...rows.warnings, ...w.warnings] }
}

/** The file's row at a series position. */
export function rowAtOf(rows: SeriesRows): (pos: number) => number {
  return (pos) => (rows.order ? rows.order[pos]! : pos)
}

/** Every window of every segment, and those whose rows hold complete (differenced) inputs. */
function windowsOf(
  rows: SeriesRows,
  bad: Uint8Array | null,
  tx: number,
  lags: number[],
  raw: Column[],
  table: ParsedTable
) {
  const all: number[] = [],
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
      all.push(w)
      segmentOf.push(g)
      if (w < from + lead) early++
      else if (bad && bad.subarray(w, w + tx).some((b) => b)) {
        missing++
        firstBad ??= firstMissing(raw, Math.max(from, w - lead), w + tx, rowAtOf(rows), table)
      } else ok.push(w)
    }
  })
  if (missing)
    warnings.push(
      `${missing} of ${all.length} windows have missing input values and get no prediction (first: ${firstBad})`
    )
  if (early)
    warnings.push(
      `the first ${lead === 1 ? 'window' : `${lead} windows`} of ${rows.names ? 'each group' : 'the file'} get${lead === 1 ? 's' : ''} no prediction: the model reads differences, which need ${lead} earlier row${lead === 1 ? '' : 's'}`
    )
  if (short)
    warnings.push(
      `${short} group${short === 1 ? ' has' : 's have'} fewer rows than the model's window of ${tx} and get${short === 1 ? 's' : ''} no prediction`
    )
  return { all, segmentOf, ok, warnings }
}

/** Where a window's first missing value is (`line L, column "c"`), looking back as far as its differences reach. */
function firstMissing(
  raw: Column[],
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
