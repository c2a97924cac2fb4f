// Predictions as CSV text: RFC 4180 quoting, numbers written as numbers, and text cells that a spreadsheet
// would run as a formula (starting with =, +, -, @, tab or CR) prefixed with ' (OWASP "CSV injection"); a model's
// non-finite output is refused rather than written as a blank.
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

/**
 * Rows (the first is the header) → CSV text with CRLF line ends. A number cell that is NaN or ±Infinity is refused
 * (InputError naming its column and line, nothing written): a model whose output overflows would otherwise give
 * blank cells and a score over fewer rows without saying so. Missing values are null.
 */
export function predictionsCsv(rows: readonly (readonly CsvCell[])[]): string {
  checkFinite(rows)
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + (rows.length ? '\r\n' : '')
}

function checkFinite(rows: readonly (readonly CsvCell[])[]): void {
  let count = 0,
    first = ''
  for (let r = 1; r < rows.length; r++)
    rows[r]!.forEach((v, c) => {
      if (typeof v !== 'number' || Number.isFinite(v)) return
      if (!count) first = `${rows[0]![c] ?? `column ${c + 1}`} is ${v} on line ${r + 1}`
      count++
    })
  if (count)
    throw Object.assign(
      new Error(
        `the model's output is not a finite number in ${count} cell(s) of the predictions (first: ${first}): its weights or normalisation overflow on this data; nothing was written`
      ),
      { name: 'InputError' }
    )
}
