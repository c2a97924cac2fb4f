// Datasets table: the imported CSV's metadata, preview and original bytes (gzip) with their SHA-256.
import type { Db } from './db'
import type { ColumnInfo, DatasetDetail, DatasetImportOptions, DatasetSummary } from '../../src-shared/contract'

export interface NewDataset {
  name: string
  fileName: string
  sha256: string
  byteLength: number
  bytesGz: Uint8Array
  rows: number
  columns: ColumnInfo[]
  preview: string[][]
  warnings: string[]
  importOptions?: DatasetImportOptions
}

interface Row {
  id: number
  name: string
  file_name: string
  sha256: string
  byte_length: number
  rows: number
  columns_json: string
  preview_json: string
  warnings_json: string
  created_at: string
  options_json: string
  column_count: number
}

const SUMMARY =
  'id, name, file_name, sha256, byte_length, rows, json_array_length(columns_json) AS column_count, created_at'
const COLS = `${SUMMARY}, columns_json, preview_json, warnings_json, options_json`

type SummaryRow = Pick<Row, 'id' | 'name' | 'file_name' | 'sha256' | 'byte_length' | 'rows' | 'created_at'> & {
  column_count: number
}

function toSummary(r: SummaryRow): DatasetSummary {
  return {
    id: r.id,
    name: r.name,
    fileName: r.file_name,
    sha256: r.sha256,
    byteLength: r.byte_length,
    rows: r.rows,
    columnCount: r.column_count,
    createdAt: r.created_at
  }
}

export class DatasetsRepo {
  private insertStmt
  private listStmt
  private getStmt
  private bytesStmt
  constructor(db: Db) {
    this.insertStmt =
      db.prepare(`INSERT INTO datasets (name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at, options_json)
      VALUES (@name, @fileName, @sha256, @byteLength, @bytesGz, @rows, @columns, @preview, @warnings, @createdAt, @options)`)
    this.listStmt = db.prepare(`SELECT ${SUMMARY} FROM datasets ORDER BY id DESC`)
    this.getStmt = db.prepare(`SELECT ${COLS} FROM datasets WHERE id = ?`)
    this.bytesStmt = db.prepare('SELECT bytes_gz FROM datasets WHERE id = ?')
  }

  insert(d: NewDataset): number {
    const info = this.insertStmt.run({
      name: d.name,
      fileName: d.fileName,
      sha256: d.sha256,
      byteLength: d.byteLength,
      bytesGz: Buffer.from(d.bytesGz.buffer, d.bytesGz.byteOffset, d.bytesGz.byteLength),
      rows: d.rows,
      columns: JSON.stringify(d.columns),
      preview: JSON.stringify(d.preview),
      warnings: JSON.stringify(d.warnings),
      createdAt: new Date().toISOString(),
      options: JSON.stringify(d.importOptions ?? {})
    })
    return Number(info.lastInsertRowid)
  }

  list(): DatasetSummary[] {
    return (this.listStmt.all() as SummaryRow[]).map(toSummary)
  }

  get(id: number): DatasetDetail | undefined {
    const r = this.getStmt.get(id) as Row | undefined
    return (
      r && {
        ...toSummary(r),
        columns: JSON.parse(r.columns_json),
        warnings: JSON.parse(r.warnings_json),
        importOptions: JSON.parse(r.options_json),
        preview: JSON.parse(r.preview_json)
      }
    )
  }

  /** How the dataset's CSV was read ({} for the defaults). */
  importOptions(id: number): DatasetImportOptions {
    return this.get(id)?.importOptions ?? {}
  }

  bytesGz(id: number): Buffer | undefined {
    return (this.bytesStmt.get(id) as { bytes_gz: Buffer } | undefined)?.bytes_gz
  }
}
