/** The shapes of the CSV import: options in, table out, and its limits. */
import type { DatasetImportOptions } from '../../src-shared/contract'

export type ColumnType = 'numeric' | 'categorical' | 'text' | 'datetime' | 'id'

export interface ColumnInfo {
  name: string
  type: ColumnType
  /** empty cells, and missing-value words in numeric and datetime columns */
  missing: number
  /** cells that do not fit the column's type (not a number, not the column's date format): kept as missing
   * values and named in the warnings */
  invalid?: number
  min?: number
  max?: number
  mean?: number
  /** distinct non-missing values, counted up to DISTINCT_CAP (10 000) */
  distinct: number
  /** datetime columns: the one date format of the column */
  dateFormat?: string
}

export interface ImportOptions {
  delimiter?: ',' | ';' | '\t' | '|'
  /** read `3,14` as 3.14; undefined = detected when unambiguous (a delimiter other than `,` and `\d+,\d+` cells) */
  decimalComma?: boolean
  /** a column's type instead of the inferred one; `ignore` leaves the column out of the table (its cells are read
   * for the field count only) */
  typeOverrides?: Record<string, ColumnType | 'ignore'>
  /** false: the first row is data, and the columns are named column_1, column_2, … */
  header?: boolean
  /** words that mean "no value" in numeric and datetime columns (default MISSING_TOKENS) */
  missingWords?: string[]
  /** dates written NN/NN/YYYY: day first (dmy), month first (mdy), or none (ymd: only year-first dates are dates);
   * undefined = decided by the cells (a first or second number over 12) */
  dateOrder?: 'dmy' | 'mdy' | 'ymd'
  /** rows at one time in the column that orders a series: refused (default), or the first, last or mean of them
   * kept (applied where the order column is known: duplicate-times.ts) */
  duplicates?: DuplicatePolicy
}

export type DuplicatePolicy = 'refuse' | 'first' | 'last' | 'mean'

/** A cell that does not fit its column's type; the first INVALID_KEPT of each column are kept. */
export interface InvalidCell {
  column: number
  row: number
  line: number
  text: string
  /** e.g. `"abc" is not a number` */
  reason: string
}

export interface ParsedTable {
  columns: ColumnInfo[]
  rowCount: number
  /** columnar values: numeric columns as Float64Array (NaN = missing), others as (string | null)[] */
  values: (Float64Array | (string | null)[])[]
  /** first 20 data rows as raw strings (long cells cut, see PREVIEW_CELL_CHARS) */
  preview: string[][]
  /** e.g. `column "x": 3 missing values (lines 4, 9, 12)`, `line 5, column "h": "abc" is not a number` */
  warnings: string[]
  delimiter: string
  /** physical line (1-based) where each data row starts; used for located messages downstream */
  rowLines?: Int32Array
  /** detected text encoding */
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be'
  /** whether decimal commas were read (given or detected) */
  decimalComma?: boolean
  /** cells that do not fit their column's type, in row order per column (the first INVALID_KEPT of each) */
  invalidCells?: InvalidCell[]
  /** the import option for rows at one time in the column that orders a series (duplicate-times.ts) */
  duplicates?: DuplicatePolicy
}

/** Distinct values are counted up to this many per column. */
export const DISTINCT_CAP = 10_000
/** A column's type is decided on its first TYPE_SAMPLE non-missing cells (or all of them if fewer). */
export const TYPE_SAMPLE = 1000
/** Share of numbers among the sampled non-missing cells from which a column is numeric. */
export const NUMERIC_SHARE = 0.5
export const PREVIEW_ROWS = 20
/** Preview cells longer than this are cut (with "…" and the full length). */
export const PREVIEW_CELL_CHARS = 200
/** Files with more columns are refused. */
export const MAX_COLUMNS = 10_000
/** Cells that do not fit their column named one by one in the warnings (then "and N more"). */
export const NAMED_CELLS = 10
/** Cells that do not fit their column kept per column for later messages. */
export const INVALID_KEPT = 100

/** The stored import options of a dataset (contract shape) as options of the CSV reader. */
export function csvOptions(o: DatasetImportOptions | undefined): ImportOptions {
  if (!o) return {}
  const { types, ...rest } = o
  return types ? { ...rest, typeOverrides: types } : rest
}
