// Datasets table: the imported CSV's metadata, preview and original bytes (gzip) with their SHA-256. A dataset is
// removed only while no experiment trained on it or predicted from it, and its id is never given to a later one.
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

/** The settings key holding the highest id ever removed, so that ids stay unique across the store's life. */
const REMOVED_KEY = 'datasets.removedUpTo'
const NEXT_ID = `(SELECT MAX(COALESCE(MAX(id), 0), COALESCE((SELECT CAST(value_json AS INTEGER) FROM settings
  WHERE key = '${REMOVED_KEY}'), 0)) + 1 FROM datasets)`

/** Options as one string whatever the order of their keys ({} and absent alike), to find a reading already stored. */
export function optionsKey(o: DatasetImportOptions | undefined): string {
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, x]) => [k, sorted(x)])
        )
      : v
  return JSON.stringify(sorted(o ?? {}))
}

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
  private sameStmt
  private inUseStmt
  private removeStmt
  private removedStmt
  constructor(private db: Db) {
    this.insertStmt =
      db.prepare(`INSERT INTO datasets (id, name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at, options_json)
      VALUES (${NEXT_ID}, @name, @fileName, @sha256, @byteLength, @bytesGz, @rows, @columns, @preview, @warnings, @createdAt, @options)`)
    this.sameStmt = db.prepare('SELECT id, options_json FROM datasets WHERE sha256 = ? AND name = ? ORDER BY id DESC')
    this.inUseStmt = db.prepare(`SELECT 1 FROM experiments WHERE dataset_id = @id UNION ALL
      SELECT 1 FROM events WHERE kind = 'predicted' AND json_extract(detail_json, '$.datasetId') = @id LIMIT 1`)
    this.removeStmt = db.prepare('DELETE FROM datasets WHERE id = ?')
    this.removedStmt =
      db.prepare(`INSERT INTO settings (key, value_json, updated_at) VALUES ('${REMOVED_KEY}', @id, @at)
      ON CONFLICT(key) DO UPDATE SET value_json = MAX(CAST(value_json AS INTEGER), @id), updated_at = @at`)
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

  /**
   * Stores a dataset and gives its id; with `reuse`, the id of the same bytes read with the same options under the
   * same name when one is stored (nothing added). Then the dataset it `replaces` (the one it was read again from) is removed if unused.
   */
  store(d: NewDataset, how: { reuse?: boolean; replaces?: number } = {}): number {
    return this.db.transaction(() => {
      const id = (how.reuse ? this.findSame(d.sha256, d.importOptions, d.name) : undefined) ?? this.insert(d)
      if (how.replaces !== undefined && how.replaces !== id) this.removeUnused(how.replaces)
      return id
    })()
  }

  /** The newest dataset of these bytes (SHA-256) read with these options under this name, if one is stored. */
  findSame(sha256: string, options: DatasetImportOptions | undefined, name: string): number | undefined {
    const key = optionsKey(options)
    const rows = this.sameStmt.all(sha256, name) as { id: number; options_json: string }[]
    return rows.find((r) => optionsKey(JSON.parse(r.options_json)) === key)?.id
  }

  /** True when an experiment trained on the dataset or a model predicted from it. */
  inUse(id: number): boolean {
    return this.inUseStmt.get({ id }) !== undefined
  }

  /** Removes a dataset that is not in use (see inUse); false, and nothing removed, when it is or does not exist. */
  removeUnused(id: number): boolean {
    return this.db.transaction(() => {
      if (this.inUse(id) || !this.get(id)) return false
      this.removedStmt.run({ id, at: new Date().toISOString() })
      this.removeStmt.run(id)
      return true
    })()
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
