/**
 * Rows at one time in the column that orders a series (`orderBy`, within each `groupBy` group): refused by default
 * with both lines named, or collapsed to one row by the dataset's policy (`duplicates`, stored with its import
 * options): `first` keeps the first of them, `last` the last, `mean` the first row with each numeric column's mean
 * over them (missing cells left out; other columns keep the first row's value). Kept rows stay in file order.
 */
import type { DuplicatePolicy, ParsedTable } from './csv-types'
import { parseDatetime } from './csv-values'
import { columnIndex, lineOfRow } from './windows'

const LINES_SHOWN = 5

/** Order keys of the rows: numbers, or dates/times as epoch ms; a missing or unreadable value is null. */
function orderKeys(table: ParsedTable, k: number): (number | null)[] {
  const v = table.values[k]!
  const format = table.columns[k]!.dateFormat
  const keys: (number | null)[] = []
  for (let r = 0; r < table.rowCount; r++) {
    const x = v instanceof Float64Array ? v[r]! : v[r] === null ? NaN : parseDatetime(v[r]!, format)
    keys.push(Number.isNaN(x) ? null : x)
  }
  return keys
}

/** For every row, the first row with the same time in the same group (itself if none). */
function firstAtTime(table: ParsedTable, orderBy: string, groupBy: string | undefined): Int32Array {
  const keys = orderKeys(table, columnIndex(table, orderBy, 'order'))
  const g = groupBy === undefined ? null : table.values[columnIndex(table, groupBy, 'group')]!
  const seen = new Map<string, number>()
  const first = new Int32Array(table.rowCount)
  for (let r = 0; r < table.rowCount; r++) {
    first[r] = r
    const t = keys[r]
    if (t === null) continue
    const key = g === null ? String(t) : `${String(g[r])}\u0000${t}`
    const f = seen.get(key)
    if (f === undefined) seen.set(key, r)
    else first[r] = f
  }
  return first
}

function refusal(table: ParsedTable, orderBy: string, groupBy: string | undefined, r: number, f: number): Error {
  const v = table.values[columnIndex(table, orderBy, 'order')]![r]
  const where = groupBy === undefined ? '' : ` (same ${groupBy})`
  return new Error(
    `line ${lineOfRow(table, r)}, column "${orderBy}": "${String(v)}" repeats the time of line ${lineOfRow(table, f)}${where}; choose Reading options → Duplicate times → Keep the first, Keep the last or Mean (--duplicates first|last|mean)`
  )
}

/** Rows kept by the policy, in file order. */
function keptRows(first: Int32Array, policy: 'first' | 'last' | 'mean'): number[] {
  const T = first.length
  if (policy !== 'last') return Array.from(first.keys()).filter((r) => first[r] === r)
  const last = new Int32Array(T).fill(-1)
  for (let r = 0; r < T; r++) last[first[r]!] = r
  return Array.from(first.keys()).filter((r) => last[first[r]!] === r)
}

/** Numeric columns of the kept rows: each the mean over the rows at its time. */
function meanColumn(v: Float64Array, first: Int32Array, kept: number[]): Float64Array {
  const sum = new Float64Array(v.length),
    n = new Float64Array(v.length)
  for (let r = 0; r < v.length; r++) {
    if (Number.isNaN(v[r]!)) continue
    sum[first[r]!] += v[r]!
    n[first[r]!]++
  }
  return Float64Array.from(kept, (r) => (n[r]! > 0 ? sum[r]! / n[r]! : NaN))
}

/**
 * The table a series ordered by `orderBy` reads: as it is without repeated times; refused (an Error naming both
 * lines) under `refuse`; else with one row per time and group, and a warning saying how many rows were merged.
 */
export function applyDuplicateTimes(
  table: ParsedTable,
  orderBy: string,
  groupBy: string | undefined,
  policy: DuplicatePolicy = 'refuse'
): { table: ParsedTable; warning?: string } {
  const first = firstAtTime(table, orderBy, groupBy)
  const repeated: number[] = []
  for (let r = 0; r < first.length; r++) if (first[r] !== r) repeated.push(r)
  if (repeated.length === 0) return { table }
  if (policy === 'refuse') throw refusal(table, orderBy, groupBy, repeated[0]!, first[repeated[0]!]!)
  const kept = keptRows(first, policy)
  const values = table.values.map((v) =>
    v instanceof Float64Array && policy === 'mean'
      ? meanColumn(v, first, kept)
      : v instanceof Float64Array
        ? Float64Array.from(kept, (r) => v[r]!)
        : kept.map((r) => v[r]!)
  )
  const rowLines = Int32Array.from(kept, (r) => lineOfRow(table, r))
  const lines = repeated.slice(0, LINES_SHOWN).map((r) => lineOfRow(table, r))
  const more = repeated.length > LINES_SHOWN ? ', …' : ''
  const what = { first: 'the first kept', last: 'the last kept', mean: 'merged into their mean' }[policy]
  const n = repeated.length
  return {
    table: { ...table, values, rowLines, rowCount: kept.length },
    warning: `${n} row${n === 1 ? '' : 's'} at a repeated time in "${orderBy}": ${what} (line${n === 1 ? '' : 's'} ${lines.join(', ')}${more})`
  }
}
