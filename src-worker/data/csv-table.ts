/**
 * The table of one CSV import, built record by record: the header (or generated names), field counts, the
 * columns, the preview, and the result with its warnings.
 */
import { ColumnAcc, type ColumnContext } from './csv-column'
import { CsvImportError, q } from './csv-errors'
import {
  type ColumnInfo,
  type ColumnType,
  type ImportOptions,
  type InvalidCell,
  MAX_COLUMNS,
  type ParsedTable,
  PREVIEW_CELL_CHARS,
  PREVIEW_ROWS
} from './csv-types'
import { MISSING_TOKENS, parseNumber, trimCell } from './csv-values'
import type { Encoding } from './csv-decode'
import { MAX_COLUMN_NAME } from '../../src-shared/contract'

/** Thrown by the builder when maxRows data rows were read (ends the input quietly). */
export const STOP = Symbol('stop')
const BLANK_LINES_SHOWN = 5
const TYPES: ReadonlySet<string> = new Set(['numeric', 'categorical', 'text', 'datetime', 'id', 'ignore'])

/** A preview cell: long text is cut, with "…" and its full length. */
function previewCell(s: string): string {
  return s.length <= PREVIEW_CELL_CHARS
    ? s
    : `${s.slice(0, PREVIEW_CELL_CHARS)}… (${s.length.toLocaleString('en-US')} characters)`
}

export class TableBuilder {
  header: string[] | null = null
  cols: ColumnAcc[] = []
  rowCount = 0
  preview: string[][] = []
  rowLines = new Int32Array(1024)
  blankLines: number[] = []
  blankCount = 0
  delimiter = ','
  decimalComma = false
  /** warnings about the whole file (e.g. a detected decimal comma) */
  notes: string[] = []
  /** columns whose type override is `ignore`: read for the field count, left out of the table */
  ignored: boolean[] = []

  constructor(
    private opts: ImportOptions,
    private maxRows = Infinity
  ) {
    this.decimalComma = !!opts.decimalComma
  }

  get done(): boolean {
    return this.rowCount >= this.maxRows
  }

  record = (fields: string[], line: number, endLine: number, blank: boolean): void => {
    if (blank) {
      if (this.header) {
        this.blankCount++
        if (this.blankLines.length < BLANK_LINES_SHOWN) this.blankLines.push(line)
      }
      return
    }
    if (!this.header) {
      this.setHeader(fields, line)
      if (this.opts.header !== false) return
    }
    if (this.rowCount >= this.maxRows) throw STOP
    const C = this.cols.length
    if (fields.length !== C) {
      const text = fields.join(this.delimiter)
      const where = this.opts.header === false ? 'as in the first row' : 'as in the header'
      throw new CsvImportError(
        `line ${line}: expected ${C} field${C === 1 ? '' : 's'} (${where}), found ${fields.length}: ${q(text)}`,
        line,
        undefined,
        text
      )
    }
    this.keepRow(fields, line)
    this.addCells(fields, line, endLine)
    if (this.rowCount >= this.maxRows) throw STOP
  }

  private keepRow(fields: string[], line: number): void {
    if (this.preview.length < PREVIEW_ROWS)
      this.preview.push(fields.filter((_, k) => !this.ignored[k]).map(previewCell))
    if (this.rowCount === this.rowLines.length) {
      const b = new Int32Array(this.rowLines.length * 2)
      b.set(this.rowLines)
      this.rowLines = b
    }
    this.rowLines[this.rowCount++] = line
  }

  private addCells(fields: string[], line: number, endLine: number): void {
    const C = fields.length
    const ignored = this.ignored
    if (endLine === line) {
      for (let k = 0; k < C; k++) if (!ignored[k]) this.cols[k]!.add(fields[k]!, line)
      return
    }
    let l = line
    for (let k = 0; k < C; k++) {
      const f = fields[k]!
      if (!ignored[k]) this.cols[k]!.add(f, l)
      for (let p = f.indexOf('\n'); p >= 0; p = f.indexOf('\n', p + 1)) l++
    }
  }

  private setHeader(fields: string[], line: number): void {
    if (fields.length > MAX_COLUMNS) {
      throw new CsvImportError(
        `line ${line}: ${fields.length.toLocaleString('en-US')} columns; the limit is ${MAX_COLUMNS.toLocaleString('en-US')} columns`,
        line
      )
    }
    const names = this.opts.header === false ? fields.map((_, k) => `column_${k + 1}`) : this.headerNames(fields, line)
    const ov = this.opts.typeOverrides ?? {}
    for (const key of Object.keys(ov)) {
      if (!names.includes(key)) {
        throw new CsvImportError(
          `line ${line}: type override for unknown column ${q(key)} (columns: ${names.map(q).join(', ')})`,
          line,
          key
        )
      }
      if (!TYPES.has(ov[key] as string))
        throw new CsvImportError(`line ${line}: unknown type ${q(String(ov[key]))} for column ${q(key)}`, line, key)
    }
    this.header = names
    const ctx: ColumnContext = {
      decimalComma: this.decimalComma,
      missingWords: new Set(this.opts.missingWords?.map(trimCell).filter((w) => w !== '') ?? MISSING_TOKENS),
      dateOrder: this.opts.dateOrder
    }
    this.ignored = names.map((nm) => Object.hasOwn(ov, nm) && ov[nm] === 'ignore')
    if (this.ignored.every((x) => x)) throw new CsvImportError(`line ${line}: every column is ignored`, line)
    this.cols = names.map((nm) => new ColumnAcc(nm, Object.hasOwn(ov, nm) ? (ov[nm] as ColumnType) : undefined, ctx))
  }

  /** The header's names: trimmed, non-empty, distinct, and not a row of numbers (that is data). */
  private headerNames(fields: string[], line: number): string[] {
    const names = fields.map((f) => f.trim())
    if (names.every((nm) => !Number.isNaN(parseNumber(nm, this.decimalComma)))) {
      throw new CsvImportError(
        `line ${line}: the first row looks like data, not a header; use --no-header (Data screen: untick "First row is the header")`,
        line,
        undefined,
        fields.join(this.delimiter)
      )
    }
    const seen = new Map<string, number>()
    names.forEach((nm, k) => {
      if (nm === '')
        throw new CsvImportError(
          `line ${line}, column ${k + 1}: empty column name in the header`,
          line,
          `#${k + 1}`,
          ''
        )
      if (nm.length > MAX_COLUMN_NAME)
        throw new CsvImportError(
          `line ${line}, column ${k + 1}: the column name ${q(nm.slice(0, 40) + '…')} is ${nm.length.toLocaleString('en')} characters long; names are at most ${MAX_COLUMN_NAME} (a header this long is usually data: use --no-header)`,
          line,
          `#${k + 1}`,
          nm.slice(0, 200)
        )
      const prev = seen.get(nm)
      if (prev !== undefined) {
        throw new CsvImportError(
          `line ${line}, column ${k + 1}: duplicate column name ${q(nm)} (same as column ${prev + 1})`,
          line,
          nm,
          nm
        )
      }
      seen.set(nm, k)
    })
    return names
  }

  result(delimiter: string, encoding: Encoding): ParsedTable {
    if (!this.header) throw new CsvImportError('line 1: the file is empty (no header line)', 1)
    if (this.rowCount === 0) {
      const line = this.blankCount > 0 ? this.blankLines[0]! : 2
      throw new CsvImportError(`line ${line}: no data rows (the file has only a header)`, line)
    }
    const columns: ColumnInfo[] = []
    const values: (Float64Array | (string | null)[])[] = []
    const warnings: string[] = [...this.notes]
    const invalidCells: InvalidCell[] = []
    const lineOf = (row: number): number => this.rowLines[row]!
    this.cols.forEach((c, k) => {
      if (this.ignored[k]) return
      const r = c.finish(lineOf)
      columns.push(r.info)
      values.push(r.values)
      warnings.push(...r.warnings)
      if (r.info.type === 'datetime') {
        const dup = c.duplicates(lineOf)
        if (dup) warnings.push(dup)
      }
      for (const cell of c.kept) invalidCells.push({ column: columns.length - 1, ...cell })
    })
    if (this.blankCount > 0) warnings.push(this.blankWarning())
    return {
      columns,
      rowCount: this.rowCount,
      values,
      preview: this.preview,
      warnings,
      delimiter,
      encoding,
      decimalComma: this.decimalComma,
      rowLines: this.rowLines.slice(0, this.rowCount),
      ...(invalidCells.length > 0 ? { invalidCells } : {}),
      ...(this.opts.duplicates ? { duplicates: this.opts.duplicates } : {})
    }
  }

  private blankWarning(): string {
    const n = this.blankCount
    const more = n > this.blankLines.length ? ', …' : ''
    return `${n} blank line${n === 1 ? '' : 's'} skipped (line${n === 1 ? '' : 's'} ${this.blankLines.join(', ')}${more})`
  }
}
