// The missing-value policy on the model's input columns, as the encoder applies it in training and at inference:
// report refuses the first missing cell by line and column; drop flags the rows to leave out; ffill repeats the last
// value of the same sequence (a leading gap takes its first value); mean fills with the fitted training mean. Rows
// with no sequence to fill along (one-to-one) read ffill as report, as training does.
import type { ParsedTable } from './csv'
import { lineOfRow, type MissingPolicy } from './windows'
import { InputError } from '../../src-shared/errors'

export interface PreparedInputs {
  /** the input columns (copies), gaps filled where the policy fills */
  cols: Float64Array[]
  /** rows with a missing input under drop (null: none) */
  drop: Uint8Array | null
}

/** The first missing cell of `cols` (lowest row, then column), and how many there are. */
function firstMissing(cols: Float64Array[]): { row: number; col: number; count: number } {
  let row = -1,
    col = -1,
    count = 0
  cols.forEach((c, j) => {
    for (let r = 0; r < c.length; r++)
      if (Number.isNaN(c[r]!)) {
        count++
        if (row < 0 || r < row) {
          row = r
          col = j
        }
      }
  })
  return { row, col, count }
}

/** Forward fill along each sequence; a sequence with no value at all is refused by line and column. */
function fillForward(table: ParsedTable, c: Float64Array, name: string, sequences: number[][]): void {
  for (const g of sequences) {
    let last = NaN
    for (const r of g)
      if (!Number.isNaN(c[r]!)) {
        last = c[r]!
        break
      }
    if (Number.isNaN(last)) {
      const line = lineOfRow(table, g[0]!)
      throw new InputError(`line ${line}, column "${name}": the sequence has no value to fill from`, line, name)
    }
    for (const r of g) {
      if (Number.isNaN(c[r]!)) c[r] = last
      else last = c[r]!
    }
  }
}

/**
 * The input columns `raw` (named `names`, file order) with `policy` applied. `fill` holds the mean policy's fitted
 * value per column; `sequences` the rows of each sequence for ffill (absent: rows, which read ffill as report).
 */
export function prepareInputs(
  table: ParsedTable,
  names: string[],
  raw: Float64Array[],
  policy: MissingPolicy,
  fill: number[] | undefined,
  sequences?: number[][]
): PreparedInputs {
  const cols = raw.map((c) => c.slice())
  const first = firstMissing(cols)
  if (first.row < 0) return { cols, drop: null }
  const line = lineOfRow(table, first.row),
    name = names[first.col]!
  if (policy === 'report' || (policy === 'ffill' && !sequences)) {
    const how =
      policy === 'ffill'
        ? 'the model was trained with the missing-value policy "ffill", which rows read as "report": a row has no previous row of its own to fill from'
        : 'the model was trained with the missing-value policy "report"'
    throw new InputError(
      `line ${line}, column "${name}": missing value (${first.count} missing in the model's input columns; ${how})`,
      line,
      name
    )
  }
  if (policy === 'drop') {
    const drop = new Uint8Array(table.rowCount)
    for (const c of cols) for (let r = 0; r < c.length; r++) if (Number.isNaN(c[r]!)) drop[r] = 1
    return { cols, drop }
  }
  if (policy === 'ffill') {
    cols.forEach((c, j) => fillForward(table, c, names[j]!, sequences!))
    return { cols, drop: null }
  }
  if (!fill)
    throw new InputError(
      `line ${line}, column "${name}": missing value; the model fills gaps with the training mean, but keeps no mean for its inputs`,
      line,
      name
    )
  cols.forEach((c, j) => {
    for (let r = 0; r < c.length; r++) if (Number.isNaN(c[r]!)) c[r] = fill[j]!
  })
  return { cols, drop: null }
}

/** The mean of a column's values over `rows` (NaN left out), as the mean policy fits it; NaN when none has one. */
export function meanOver(c: Float64Array, rows: ArrayLike<number>): number {
  let s = 0,
    n = 0
  for (let k = 0; k < rows.length; k++) {
    const v = c[rows[k]!]!
    if (!Number.isNaN(v)) {
      s += v
      n++
    }
  }
  return n ? s / n : NaN
}

/** A numeric column's values by name; an empty column the file could not type (every cell missing) reads as NaN. */
export function inputValues(table: ParsedTable, name: string, role = 'input'): Float64Array {
  const k = table.columns.findIndex((c) => c.name === name)
  if (k < 0)
    throw new InputError(
      `the CSV does not fit the model: no ${role} column "${name}" (the file's columns: ${table.columns.map((c) => `"${c.name}"`).join(', ')})`,
      undefined,
      name
    )
  return numericValues(table, k)
}

/** Column k's numbers; a column the file could not type (every cell missing) reads as NaN. */
export function numericValues(table: ParsedTable, k: number): Float64Array {
  const v = table.values[k]!
  return v instanceof Float64Array ? v : new Float64Array(table.rowCount).fill(NaN)
}
