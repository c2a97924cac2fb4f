/**
 * CSV records from decoded text. Text without quotes is split by papaparse's low-level `Parser` (the class its own
 * ChunkStreamer drives); text with quotes by `readQuoted` (csv-quoted.ts), which reads the strict quote rules in one
 * pass. Around both, this file does:
 *
 * - line breaks: CRLF and a lone CR become LF before the text is read (also across chunk boundaries), so every
 *   physical line break is exactly one `\n` and no `\r` is ever left in a value;
 * - the physical line of every record (1 + the `\n` before it, also those inside quoted fields);
 * - chunking: text is fed as `leftover + chunk`, the unfinished record is kept for the next chunk, and a record
 *   longer than a chunk is re-read only once the text has doubled (linear time);
 * - strict quotes: `checkQuotes` names the first violation in a record's raw text (line and column), for
 *   readQuoted's refusals and for an unfinished record before a later decoding error is reported.
 */
import Papa from 'papaparse'
import { CsvImportError, MAX_SHOWN, q } from './csv-errors'
import { readQuoted } from './csv-quoted'

/** Receives each record: its fields, first and last physical line, and whether it is a blank line. */
export type RecordSink = (fields: string[], line: number, endLine: number, blank: boolean) => void

interface PapaResult {
  data: string[][]
  meta: { cursor: number }
}
interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): PapaResult
}

const NL = 10,
  CR = 13,
  QUOTE = 34,
  SPACE = 32,
  TAB = 9

export function countNewlines(s: string, from = 0, to = s.length): number {
  let n = 0
  for (let p = s.indexOf('\n', from); p >= 0 && p < to; p = s.indexOf('\n', p + 1)) n++
  return n
}

/** Only spaces and tabs (an empty or whitespace-only line is a blank line, not a record). */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== SPACE && c !== TAB) return false
  }
  return true
}

/** CRLF and lone CR → LF, for text that arrives in chunks (a CRLF split across two chunks stays one break). */
export class LineBreaks {
  private pendingCR = false
  normalise(text: string): string {
    if (text.length === 0) return text
    if (this.pendingCR && text.charCodeAt(0) === NL) text = text.slice(1)
    this.pendingCR = text.charCodeAt(text.length - 1) === CR
    return text.indexOf('\r') >= 0 ? text.replace(/\r\n?/g, '\n') : text
  }
}

export type ColumnName = (k: number) => string | undefined

function where(colName: ColumnName, k: number): string {
  const nm = colName(k)
  return nm === undefined ? `column ${k + 1}` : `column ${q(nm)}`
}

/** The value of a quoted field's content s[from, to): `""` is one quote. */
function unescape(s: string, from: number, to: number): string {
  return s.slice(from, to).replace(/""/g, '"')
}

/**
 * Strict quote rules on the raw text of one record (`line` = its first physical line): a field is quoted only if it
 * starts with `"`, `""` inside is one quote, a closing quote is followed by the delimiter or the end of the record.
 * Throws the first violation as a located CsvImportError.  `complete`: `s` is the whole record; otherwise it is the
 * text read so far, and only violations that more text cannot change are refused.
 */
export function checkQuotes(s: string, delim: string, line: number, colName: ColumnName, complete: boolean): void {
  const D = delim.charCodeAt(0)
  const n = s.length
  // only positions are followed here; line numbers and unescaped text are worked out for a refusal
  let i = 0,
    k = 0
  for (;;) {
    if (s.charCodeAt(i) === QUOTE) {
      let j = i + 1
      for (;;) {
        const c = s.indexOf('"', j)
        if (c < 0) {
          if (!complete) return
          const part = unescape(s, i + 1, n)
          const fieldLine = line + countNewlines(s, 0, i)
          throw new CsvImportError(
            `line ${fieldLine}, ${where(colName, k)}: quoted field is never closed (missing closing quote): ${q('"' + part)}`,
            fieldLine,
            colName(k),
            part.slice(0, MAX_SHOWN)
          )
        }
        if (c + 1 === n) return // closed at the end of the record (or, if incomplete, maybe the first half of "")
        const ch = s.charCodeAt(c + 1)
        if (ch === QUOTE) {
          j = c + 2
          continue
        }
        if (ch === NL) return
        if (ch === D) {
          i = c + 2
          k++
          break
        }
        const part = unescape(s, i + 1, c)
        const l = line + countNewlines(s, 0, c)
        const shown = '"' + part + '"' + String.fromCodePoint(s.codePointAt(c + 1)!)
        throw new CsvImportError(
          `line ${l}, ${where(colName, k)}: text after the closing quote: ${q(shown)}`,
          l,
          colName(k),
          part
        )
      }
      continue
    }
    let e = i
    for (; e < n; e++) {
      const ch = s.charCodeAt(e)
      if (ch === D || ch === NL) break
      if (ch === QUOTE) {
        const text = s.slice(i, e + 1)
        const l = line + countNewlines(s, 0, e)
        throw new CsvImportError(
          `line ${l}, ${where(colName, k)}: quote inside an unquoted field: ${q(text)} (quote the whole field and double the quotes inside it)`,
          l,
          colName(k),
          text
        )
      }
    }
    if (e >= n || s.charCodeAt(e) === NL) return
    i = e + 1
    k++
  }
}

/**
 * Feeds text (line breaks already normalised) through one papaparse Parser and hands every record, with its
 * physical lines, to the sink.  Any chunking of the text gives the same records and the same refusal.
 */
export class RecordReader {
  private readonly parser: PapaParser
  /** text not yet read into records: the unfinished record and anything after it */
  private pending = ''
  private pendingNl = 0
  /** physical line where `pending` starts */
  private line = 1
  /** read `pending` once it is at least this long (twice the unfinished record of the last read) */
  private readAt = 0

  constructor(
    private readonly delim: string,
    private readonly sink: RecordSink,
    private readonly colName: ColumnName = () => undefined
  ) {
    this.parser = new Papa.Parser({ delimiter: delim, newline: '\n', quoteChar: '"' }) as unknown as PapaParser
  }

  /** the physical line the text read so far ends on */
  get currentLine(): number {
    return this.line + this.pendingNl
  }

  /** `force`: read every complete record now (before a decoding error is reported) */
  push(text: string, final: boolean, force = false): void {
    if (text.length > 0) {
      this.pending += text
      this.pendingNl += countNewlines(text)
    }
    if (final || force || (this.pending.length > 0 && this.pending.length >= this.readAt)) this.read(final)
  }

  /** The field (0-based) the text read so far ends in: delimiters outside quotes in the unfinished record. */
  get currentField(): number {
    const s = this.pending
    let k = 0,
      inQuotes = false
    for (let i = 0; i < s.length; i++) {
      const c = s[i]
      if (c === '"') inQuotes = !inQuotes
      else if (inQuotes) continue
      else if (c === this.delim) k++
      else if (c === '\n') k = 0
    }
    return k
  }

  /** Refuse a quote error already visible in the unfinished record (before reporting a later decoding error). */
  checkUnfinished(): void {
    if (this.pending.indexOf('"') >= 0) checkQuotes(this.pending, this.delim, this.line, this.colName, false)
  }

  private read(final: boolean): void {
    let input = this.pending
    if (input.length === 0) return
    // the end of the file ends the last record: with a line break added, every record is read with ignoreLastRow
    const closed = final && input.charCodeAt(input.length - 1) !== NL
    if (closed) input += '\n'
    let cursor: number
    let line = this.line
    if (input.indexOf('"') >= 0) {
      const r = readQuoted(input, this.delim, line, this.sink, this.colName)
      cursor = r.cursor
      line = r.line
    } else {
      // no quotes: papaparse splits lines and fields, one record per line
      const r = this.parser.parse(input, 0, true)
      cursor = r.meta.cursor
      for (const f of r.data) {
        this.sink(f, line, line, f.length === 1 && isBlank(f[0]!))
        line++
      }
    }
    const rest = input.slice(cursor)
    this.line = line
    this.pending = rest
    this.pendingNl = countNewlines(rest)
    this.readAt = 2 * rest.length
    if (final && rest.length > 0) {
      // only a quoted field never closed is left unread at the end
      const raw = closed ? rest.slice(0, -1) : rest
      checkQuotes(raw, this.delim, line, this.colName, true)
      throw unreadable(raw, line)
    }
  }
}

/** papaparse found a problem that the strict quote rules did not name (not expected; kept as a located refusal) */
function unreadable(raw: string, line: number): CsvImportError {
  return new CsvImportError(
    `line ${line}: the quotes in this record cannot be read: ${q(raw)}`,
    line,
    undefined,
    raw.slice(0, MAX_SHOWN)
  )
}
