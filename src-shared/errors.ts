// Errors the service raises on purpose, with the category each shell maps to a status or exit code.
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}
/** The user's input cannot be used (a refused CSV, a column that does not exist, too few rows…). */
export class InputError extends Error {
  override name = 'InputError'
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: string
  ) {
    super(message)
  }
}
export class ConflictError extends Error {
  override name = 'ConflictError'
}

/** The store or the file system could not do what was asked (full disk, read-only folder, a damaged store…). */
export class StorageError extends Error {
  override name = 'StorageError'
}

export type ErrorKind = 'validation' | 'input' | 'not-found' | 'conflict' | 'storage' | 'internal'

/** Node's file-system failures carry a `syscall` and an E… code; SQLite's a SQLITE_… code. */
function isFileSystemError(e: unknown): boolean {
  const x = e as { code?: unknown; syscall?: unknown }
  return typeof x?.code === 'string' && (typeof x.syscall === 'string' || x.code.startsWith('SQLITE_'))
}

export function errorKind(e: unknown): ErrorKind {
  const n = e instanceof Error ? e.name : ''
  if (n === 'ValidationError') return 'validation'
  if (n === 'StorageError' || n === 'SqliteError' || n === 'StoreTooNewError' || isFileSystemError(e)) return 'storage'
  if (n === 'InputError' || n === 'CsvImportError' || n === 'ImportCancelled' || n === 'BackupError') return 'input'
  if (n === 'NotFoundError') return 'not-found'
  if (n === 'ConflictError') return 'conflict'
  return 'internal'
}
