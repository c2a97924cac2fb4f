// Predictions as CSV text: RFC 4180 quoting, numbers written as numbers, and text cells that a spreadsheet
// would run as a formula (starting with =, +, -, @, tab or CR) prefixed with ' (OWASP "CSV injection").
export type CsvCell = string | number | boolean | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/

/** One cell: finite numbers as their shortest round-trip text, non-finite and empty as "", text escaped and quoted. */
export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  let s = String(v)
  if (FORMULA_START.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

/** Rows (the first is usually the header) → CSV text with CRLF line ends. */
export function predictionsCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + (rows.length ? '\r\n' : '')
}
