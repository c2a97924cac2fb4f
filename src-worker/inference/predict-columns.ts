// Reading a new CSV the way a stored model was trained: which columns it needs (one message naming every missing
// or mistyped column and the columns the file has), the stored input normalisation, the missing-value policy at
// inference, and the target column — optional — read back for scoring. Errors are InputErrors with line/column.
import { isMissingToken, parseNumber, type ParsedTable } from '../data/csv'
import { lineOfRow } from '../data/windows'
import type { ExperimentConfig } from '../../src-shared/contract'
import type { SavedModel } from '../protocol'
import { InputError } from '../../src-shared/errors'
import { normalizationOf } from '../export/spec'

export interface ColumnNeed {
  name: string
  /** how the model uses it, for the message: "input", "sequence id", "text"… */
  role: string
  numeric?: boolean
}

const listColumns = (table: ParsedTable) => table.columns.map((c) => `"${c.name}"`).join(', ')

/**
 * Column indices of `needs`. A missing column: one InputError naming every missing column, its role, and the file's
 * columns. A numeric input the file holds as text: an InputError naming the first cell that is not a number.
 */
export function requireColumns(table: ParsedTable, needs: ColumnNeed[]): number[] {
  const names = table.columns.map((c) => c.name)
  const missing = needs.filter((n) => names.indexOf(n.name) < 0)
  if (missing.length) {
    throw new InputError(
      `the CSV does not fit the model: ${missing.map((n) => `no ${n.role} column "${n.name}"`).join('; ')} (the file's columns: ${listColumns(table)})`,
      undefined,
      missing[0]!.name
    )
  }
  return needs.map((n) => {
    const k = names.indexOf(n.name)
    if (n.numeric && !(table.values[k] instanceof Float64Array)) firstNotNumber(table, k, n)
    const bad = n.numeric ? table.invalidCells?.find((c) => c.column === k) : undefined
    if (bad) {
      throw new InputError(
        `line ${bad.line}, column "${n.name}": ${bad.reason} (the model reads "${n.name}" as a numeric ${n.role})`,
        bad.line,
        n.name
      )
    }
    return k
  })
}

/** A column the model reads as numbers but the file holds as text: name its first non-number cell (a column
 * with no value at all passes: its cells are missing values, left to the missing-value policy). */
function firstNotNumber(table: ParsedTable, k: number, n: ColumnNeed): void {
  const v = table.values[k] as (string | null)[]
  for (let r = 0; r < table.rowCount; r++) {
    const s = v[r]
    if (s === null || s === undefined || isMissingToken(s) || !Number.isNaN(parseNumber(s))) continue
    const line = lineOfRow(table, r)
    throw new InputError(
      `line ${line}, column "${n.name}": ${JSON.stringify(s)} is not a number (the model reads "${n.name}" as a numeric ${n.role})`,
      line,
      n.name
    )
  }
}

/** A numeric column's values; an empty column the file could not type (every cell missing) reads as NaN. */
export function numericValues(table: ParsedTable, k: number): Float64Array {
  const v = table.values[k]!
  return v instanceof Float64Array ? v : new Float64Array(table.rowCount).fill(NaN)
}

/** Index of an optional column (the target), or -1. */
export function optionalColumn(table: ParsedTable, name: string): number {
  return table.columns.findIndex((c) => c.name === name)
}

/** A cell as text the way the builders read categorical values (numbers via String, missing → null). */
export function textCell(table: ParsedTable, k: number, r: number): string | null {
  const v = table.values[k]![r]
  if (typeof v === 'number') return Number.isNaN(v) ? null : String(v)
  return v ?? null
}

/** The experiment a model was trained with (needed to re-apply grouping, text and missing-value options). */
export function experimentOf(model: SavedModel, what: string): ExperimentConfig {
  if (!model.experiment)
    throw new InputError(
      `${what}: this model file does not keep its experiment's data mapping, so it cannot be applied to a new CSV`
    )
  return model.experiment
}

/** (a, b) of every stored input column: x' = (x − a) / b. */
export function inputScalers(model: SavedModel): [number, number][] {
  const n = normalizationOf(model).input
  return model.inputs.map((name, i) => {
    if (!n) return [0, 1]
    const k = n.columns.indexOf(name)
    if (k < 0) throw new Error(`model: no normalisation stored for input column "${name}" (#${i})`)
    return [n.a[k]!, n.b[k]!]
  })
}

/** (a, b) of the target for regression (y = y' · b + a); identity for classification. */
export function targetScaler(model: SavedModel, classification: boolean): [number, number] {
  const n = normalizationOf(model).target
  return n && !classification ? [n.a[0]!, n.b[0]!] : [0, 1]
}

/**
 * The numeric input columns (copies) with the training's missing-value policy applied at inference:
 * report (and ffill for one-to-one rows, as in training) refuses the first missing cell by line and column; drop
 * returns the rows to skip; ffill fills from the previous row of the same sequence (`sequences`, the first value
 * for leading gaps); mean fills with the stored z-score mean (the training mean).
 */
export function inputColumns(
  table: ParsedTable,
  model: SavedModel,
  indices: number[],
  policy: ExperimentConfig['missing'],
  sequences?: Iterable<number[]>
): { cols: Float64Array[]; drop: Uint8Array | null } {
  const cols = indices.map((k) => numericValues(table, k).slice())
  const names = model.inputs
  let first = -1,
    firstCol = -1,
    count = 0
  cols.forEach((c, j) => {
    for (let r = 0; r < c.length; r++)
      if (Number.isNaN(c[r]!)) {
        count++
        if (first < 0 || r < first) {
          first = r
          firstCol = j
        }
      }
  })
  if (first < 0) return { cols, drop: null }
  const where = `line ${lineOfRow(table, first)}, column "${names[firstCol]}"`
  if (policy === 'report' || (policy === 'ffill' && !sequences)) {
    throw new InputError(
      `${where}: missing value (${count} missing in the model's input columns; the model was trained with the missing-value policy "${policy}")`,
      lineOfRow(table, first),
      names[firstCol]
    )
  }
  if (policy === 'drop') {
    const drop = new Uint8Array(table.rowCount)
    for (const c of cols) for (let r = 0; r < c.length; r++) if (Number.isNaN(c[r]!)) drop[r] = 1
    return { cols, drop }
  }
  if (policy === 'ffill') {
    cols.forEach((c, j) => {
      for (const g of sequences!) {
        let last = NaN
        for (const r of g)
          if (!Number.isNaN(c[r]!)) {
            last = c[r]!
            break
          }
        for (const r of g) {
          if (Number.isNaN(c[r]!)) c[r] = last
          else last = c[r]!
        }
        if (Number.isNaN(last))
          throw new InputError(
            `line ${lineOfRow(table, g[0]!)}, column "${names[j]}": the sequence has no value to fill from`,
            lineOfRow(table, g[0]!),
            names[j]
          )
      }
    })
    return { cols, drop: null }
  }
  const n = normalizationOf(model).input
  if (!n || n.kind !== 'zscore') {
    throw new InputError(
      `${where}: missing value; the model fills gaps with the training mean, which only a z-score normalised model keeps (this one: ${n?.kind ?? 'none'})`,
      lineOfRow(table, first),
      names[firstCol]
    )
  }
  const scal = inputScalers(model)
  cols.forEach((c, j) => {
    for (let r = 0; r < c.length; r++) if (Number.isNaN(c[r]!)) c[r] = scal[j]![0]
  })
  return { cols, drop: null }
}
