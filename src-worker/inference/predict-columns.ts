// Reading a new CSV the way a stored model was trained: which columns it needs (one message naming every missing
// or mistyped column and the columns the file has), the experiment that says how, and the target column — optional —
// read back for scoring. Errors are InputErrors with line/column. The inputs themselves go through the encoder.
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

/** Index of an optional column (the target), or -1. */
export function optionalColumn(table: ParsedTable, name: string): number {
  return table.columns.findIndex((c) => c.name === name)
}

/** The experiment a model was trained with (needed to re-apply grouping, text and missing-value options). */
export function experimentOf(model: SavedModel, what: string): ExperimentConfig {
  if (!model.experiment)
    throw new InputError(
      `${what}: this model file does not keep its experiment's data mapping, so it cannot be applied to a new CSV`
    )
  return model.experiment
}

/** (a, b) of the target for regression (y = y' · b + a); identity for classification. */
export function targetScaler(model: SavedModel, classification: boolean): [number, number] {
  const n = normalizationOf(model).target
  return n && !classification ? [n.a[0]!, n.b[0]!] : [0, 1]
}
