/**
 * What the sequence builders (sequences.ts, text-sequences.ts) share for windows over rows in file order: the
 * windowed data's shape, column lookups, argument checks, the missing-value policies, window starts and memory limits.
 *
 * Shape convention (sample-major, row-major Float32Array):
 *   x: (n, tx, I)   y: regression (n, ty, O) / classification (n, ty) class ids as floats
 * Splits are chronological: rows [0, B) train, rows [B + gap, T) validation, B = floor(T * (1 - valFraction)).
 * No window crosses the boundary, and normalisers are fitted on the training rows only.
 */
import type { ParsedTable } from './csv'
import type { Normalizer } from './normalize'
import { meanOver } from './input-missing'

export type { Normalizer, NormKind } from './normalize'

export type MissingPolicy = 'report' | 'drop' | 'ffill' | 'mean'

export interface WindowedSplit {
  n: number
  /** (n, window, I) */
  x: Float32Array
  /** (n, horizon, 1) */
  y: Float32Array
}

export interface WindowedData {
  mapping: 'many-to-one' | 'seq2seq' | 'many-to-many'
  inputSize: number
  outputSize: number
  tx: number
  ty: number
  train: WindowedSplit
  val: WindowedSplit
  /** fitted on the training rows ONLY */
  inputNorm: Normalizer
  targetNorm: Normalizer
}

// ---------------------------------------------------------------------------------------------
// shared helpers (also used by sequences.ts)

export function columnIndex(table: ParsedTable, name: string, role: string): number {
  const k = table.columns.findIndex((c) => c.name === name)
  if (k < 0) {
    throw new Error(
      `${role} column "${name}" not found (columns: ${table.columns.map((c) => `"${c.name}"`).join(', ')})`
    )
  }
  return k
}

export function numericColumn(table: ParsedTable, name: string, role: string): Float64Array {
  const k = columnIndex(table, name, role)
  const v = table.values[k]
  if (!(v instanceof Float64Array)) {
    throw new Error(`${role} column "${name}" is ${table.columns[k]!.type}, not numeric`)
  }
  return v
}

export function lineOfRow(table: ParsedTable, row: number): number {
  return table.rowLines ? table.rowLines[row]! : row + 2
}

export function checkInt(value: number | undefined, name: string, min: number, dflt: number): number {
  const v = value ?? dflt
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min} (got ${value})`)
  return v
}

export function checkFraction(f: number | undefined, dflt: number): number {
  const v = f ?? dflt
  if (!(v >= 0 && v < 1)) throw new Error(`valFraction must be in [0, 1) (got ${f})`)
  return v
}

/** What a refusal of missing or unreadable cells tells the user to choose (the UI's labels, then the CLI flag). */
export const MISSING_CHOICES =
  'choose Missing values → Drop the row, Repeat the last value or Fill with the mean (--missing drop|ffill|mean)'

/**
 * Apply a missing-value policy to numeric columns restricted to rows [0, T).
 * report: throws `line L, column "c": missing value …`; ffill: previous value (leading gaps take the first value);
 * mean: training-rows mean; drop: values unchanged, returns a per-row "bad" flag to skip windows.
 */
export function applyMissingPolicy(
  table: ParsedTable,
  names: string[],
  cols: Float64Array[],
  policy: MissingPolicy,
  trainRows: number
): { cols: Float64Array[]; bad: Uint8Array | null } {
  const T = table.rowCount
  let firstRow = -1,
    firstCol = -1
  for (let c = 0; c < cols.length; c++) {
    const v = cols[c]!
    for (let r = 0; r < T; r++) {
      if (Number.isNaN(v[r]!)) {
        if (firstRow < 0 || r < firstRow) {
          firstRow = r
          firstCol = c
        }
        break
      }
    }
  }
  if (firstRow < 0) return { cols, bad: null }
  if (policy === 'report') {
    let total = 0
    // a column used twice (the target as its own input) counts once
    cols.forEach((v, c) => {
      if (names.indexOf(names[c]!) === c) for (let r = 0; r < T; r++) if (Number.isNaN(v[r]!)) total++
    })
    const cell = table.invalidCells?.find(
      (c) => c.row === firstRow && table.columns[c.column]?.name === names[firstCol]
    )
    const what = cell ? cell.reason : 'missing value'
    throw new Error(
      `line ${lineOfRow(table, firstRow)}, column "${names[firstCol]}": ${what} (${total} cell${total === 1 ? '' : 's'} without a value in the used columns); ${MISSING_CHOICES}`
    )
  }
  if (policy === 'drop') {
    const bad = new Uint8Array(T)
    for (const v of cols) for (let r = 0; r < T; r++) if (Number.isNaN(v[r]!)) bad[r] = 1
    return { cols, bad }
  }
  const out = cols.map((v, c) => {
    const w = v.slice(0, T)
    if (policy === 'ffill') {
      let first = NaN
      for (let r = 0; r < T; r++)
        if (!Number.isNaN(w[r]!)) {
          first = w[r]!
          break
        }
      if (Number.isNaN(first)) throw new Error(`column "${names[c]}": every value is missing`)
      let last = first
      for (let r = 0; r < T; r++) {
        if (Number.isNaN(w[r]!)) w[r] = last
        else last = w[r]!
      }
    } else {
      const m = meanOver(w, trainRowsOf(trainRows, null))
      if (Number.isNaN(m))
        throw new Error(`column "${names[c]}": every value in the training rows is missing; cannot fill with the mean`)
      for (let r = 0; r < T; r++) if (Number.isNaN(w[r]!)) w[r] = m
    }
    return w
  })
  return { cols: out, bad: null }
}

/** Largest array a builder materialises (floats): 2^28 = 1 GiB of Float32. */
export const MAX_ARRAY_FLOATS = 2 ** 28

/** Refuse, with the sizes, windows that would not fit in memory (instead of a RangeError deep inside). */
export function checkWindowMemory(n: number, tx: number, I: number, what: string): void {
  const floats = n * tx * I
  if (floats > MAX_ARRAY_FLOATS) {
    throw new Error(
      `${what} too large: ${n.toLocaleString('en')} windows × ${tx} steps × ${I} inputs = ${((floats * 4) / 2 ** 30).toFixed(1)} GiB of float32 (limit ${(MAX_ARRAY_FLOATS * 4) / 2 ** 30} GiB); use a larger stride, a shorter window or fewer inputs`
    )
  }
}

/** Window start rows inside [from, to) whose span rows are all inside and none is flagged bad. */
export function windowStarts(from: number, to: number, span: number, stride: number, bad: Uint8Array | null): number[] {
  const starts: number[] = []
  let prefix: Int32Array | null = null
  if (bad) {
    prefix = new Int32Array(bad.length + 1)
    for (let r = 0; r < bad.length; r++) prefix[r + 1] = prefix[r]! + bad[r]!
  }
  for (let s = from; s + span <= to; s += stride) {
    if (prefix && prefix[s + span]! - prefix[s]! > 0) continue
    starts.push(s)
  }
  return starts
}

/** Training row indices (rows [0, B) that are not flagged bad). */
export function trainRowsOf(B: number, bad: Uint8Array | null): Int32Array {
  if (!bad) {
    const r = new Int32Array(B)
    for (let k = 0; k < B; k++) r[k] = k
    return r
  }
  const out: number[] = []
  for (let k = 0; k < B; k++) if (!bad[k]) out.push(k)
  return Int32Array.from(out)
}
