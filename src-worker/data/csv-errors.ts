/** The one error type of the CSV import: a message that starts with the physical line, plus where and what. */

export class CsvImportError extends Error {
  line: number
  column?: string
  text?: string
  constructor(message: string, line: number, column?: string, text?: string) {
    super(message)
    this.name = 'CsvImportError'
    this.line = line
    if (column !== undefined) this.column = column
    if (text !== undefined) this.text = text
  }
}

/** Cells longer than this are shortened in messages. */
export const MAX_SHOWN = 60

/** Quote a cell or name for a message: JSON-style escapes, long text shortened. */
export function q(text: string): string {
  const t = text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN) + '…' : text
  return JSON.stringify(t)
}
