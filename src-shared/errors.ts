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

export type ErrorKind = 'validation' | 'input' | 'not-found' | 'conflict' | 'internal'

export function errorKind(e: unknown): ErrorKind {
  const n = e instanceof Error ? e.name : ''
  if (n === 'ValidationError') return 'validation'
  if (n === 'InputError' || n === 'CsvImportError' || n === 'ImportCancelled' || n === 'BackupError') return 'input'
  if (n === 'NotFoundError') return 'not-found'
  if (n === 'ConflictError') return 'conflict'
  return 'internal'
}
