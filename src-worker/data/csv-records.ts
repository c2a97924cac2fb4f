/**
 * CSV records from decoded text.  papaparse's low-level `Parser` (the class its own ChunkStreamer drives) splits
 * the text into records and fields; this file adds what papaparse does not do by itself:
 *
 * - line breaks: CRLF and a lone CR become LF before papaparse sees the text (also across chunk boundaries), so
 *   every physical line break is exactly one `\n` and no `\r` is ever left in a value;
 * - the physical line of every record (1 + the `\n` before it, also those inside quoted fields);
 * - chunking: text is fed as `leftover + chunk` with `ignoreLastRow`, the unfinished record is kept for the next
 *   chunk, and a record longer than a chunk is re-read only once the text has doubled (linear time);
 * - strict quotes: papaparse reports `"ab"c` (InvalidQuotes) and an unclosed quote but recovers from them, it
 *   silently drops whitespace between a closing quote and the delimiter (`"ab" ,`), and it reads a quote inside an
 *   unquoted field (`5'11"`) as a literal character.  Records where any of these can happen (a papaparse error, a
 *   quote inside a value, a quote followed by whitespace) are checked again by `checkQuotes`, which turns the
 *   first violation into one located refusal.
 */
import Papa from 'papaparse'
import { CsvImportError, MAX_SHOWN, q } from './csv-errors'

/** Receives each record: its fields, first and last physical line, and whether it is a blank line. */
export type RecordSink = (fields: string[], line: number, endLine: number, blank: boolean) => void

interface PapaError {
  code: string
  row: number
  index: number
}
interface PapaResult {
  data: string[][]
  errors: PapaError[]
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
function isBlank(s: string): boolean {
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

/** Start offsets of physical lines in one text, looked up in increasing order (each text is scanned once). */
class LineIndex {
  private off = 0
  constructor(
    private readonly s: string,
    private line: number
  ) {}
  private seek(target: number): number {
    while (this.line < target) {
      const p = this.s.indexOf('\n', this.off)
      if (p < 0) {
        this.off = this.s.length
        this.line = target
        break
      }
      this.off = p + 1
      this.line++
    }
    return this.off
  }
  /** raw text of the record on lines first..first+extra, without its final line break */
  record(first: number, extra: number): string {
    const a = this.seek(first)
    const b = this.seek(first + extra)
    const e = this.s.indexOf('\n', b)
    return this.s.slice(a, e < 0 ? this.s.length : e)
  }
}

type ColumnName = (k: number) => string | undefined

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
    const r = this.parser.parse(input, 0, true)
    const rows = r.data
    const cursor = r.meta.cursor
    const rest = input.slice(cursor)
    const restNl = countNewlines(rest)
    let errRow = rows.length
    let restError = false
    for (const e of r.errors) {
      if (e.row < errRow) errRow = e.row
      else if (e.row >= rows.length) restError = true
    }
    const firstQuote = input.indexOf('"')
    let line = this.line
    if (firstQuote < 0 || firstQuote >= cursor) {
      // no quotes in these records: one record per line
      for (let k = 0; k < rows.length; k++) {
        const f = rows[k]!
        this.sink(f, line, line, f.length === 1 && isBlank(f[0]!))
        line++
      }
    } else {
      const consumedNl = this.pendingNl + (closed ? 1 : 0) - restNl
      const multiline = consumedNl !== rows.length
      const lines = new LineIndex(input, this.line)
      // papaparse accepts whitespace after a closing quote without an error: find where a quote is followed by
      // whitespace (other than the delimiter and \n) and check the records on those lines
      const wsAfterQuote = this.delim === '\t' ? /"[^\S\n\t]/g : /"[^\S\n]/g
      let wsLine = this.line
      let wsOff = 0
      const nextWs = (): void => {
        const m = wsAfterQuote.exec(input)
        if (!m || m.index >= cursor) {
          wsLine = Infinity
          return
        }
        wsLine += countNewlines(input, wsOff, m.index)
        wsOff = m.index
      }
      nextWs()
      for (let k = 0; k < rows.length; k++) {
        const f = rows[k]!
        let extra = 0
        let quoteInValue = false
        for (let c = 0; c < f.length; c++) {
          const v = f[c]!
          if (!quoteInValue && v.indexOf('"') >= 0) quoteInValue = true
          if (multiline) extra += countNewlines(v)
        }
        while (wsLine < line) nextWs()
        if (quoteInValue || k === errRow || wsLine <= line + extra) {
          // a quote inside a value comes from "" in a quoted field or is a bare quote; papaparse errors are refused
          const raw = lines.record(line, extra)
          checkQuotes(raw, this.delim, line, this.colName, true)
          if (k === errRow) throw unreadable(raw, line)
        }
        // a record of one empty field is a blank line unless it was written as "" (a quoted empty value)
        const blank = f.length === 1 && isBlank(f[0]!) && lines.record(line, 0).indexOf('"') < 0
        this.sink(f, line, line + extra, blank)
        line += extra + 1
      }
    }
    this.line = line
    this.pending = rest
    this.pendingNl = restNl
    this.readAt = 2 * rest.length
    if (final) {
      if (rest.length > 0) {
        const raw = closed ? rest.slice(0, -1) : rest
        checkQuotes(raw, this.delim, line, this.colName, true)
        throw unreadable(raw, line)
      }
    } else if (restError) {
      checkQuotes(rest, this.delim, line, this.colName, false)
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
