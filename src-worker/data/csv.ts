/**
 * Strict CSV import for RNN Workbench.
 *
 * Pure TypeScript (no Electron, no DOM, no SQLite): runs in the main process and in worker threads.
 * See docs/DATA.md for the rules.  Every refusal is a `CsvImportError` whose message starts with the
 * physical line (header = line 1; LF, CRLF and lone CR each end one line, also inside quotes).
 *
 * Pipeline: bytes → `StrictDecoder` (csv-decode.ts) → line breaks normalised, delimiter and decimal comma sniffed →
 * records from papaparse with physical lines and strict quotes (csv-records.ts) → header, field counts
 * (csv-table.ts) → strict numbers, type inference, named cells and statistics per column (csv-column.ts).
 */
import { StrictDecoder, NotTextError } from './csv-decode'
import { CsvImportError, q } from './csv-errors'
import { LineBreaks, RecordReader } from './csv-records'
import { STOP, TableBuilder } from './csv-table'
import type { ImportOptions, ParsedTable } from './csv-types'

export { CsvImportError, q } from './csv-errors'
export * from './csv-types'
export {
  MISSING_TOKENS,
  NONFINITE_TOKENS,
  isMissingToken,
  looksLikeDatetime,
  notationOf,
  parseDatetime,
  parseNumber
} from './csv-values'

/** A pushed chunk is fed in slices of this many bytes (progress / cancellation granularity). */
const SLICE = 1 << 20
/** Bytes of text used to sniff the delimiter and the decimal comma. */
const SNIFF_CHARS = 64 * 1024

// ---------------------------------------------------------------------------------------------
// delimiter sniffing

const CANDIDATES = [',', ';', '\t', '|'] as const

/** Count each candidate delimiter outside quotes on each complete line of `sample` (newlines already normalised to \n). */
export function sniffDelimiter(sample: string, complete: boolean): ',' | ';' | '\t' | '|' {
  const lines: number[][] = []
  let counts = [0, 0, 0, 0]
  let inQ = false
  let lineHasContent = false
  for (let i = 0; i < sample.length && lines.length < 100; i++) {
    const c = sample[i]
    if (c === '"') {
      inQ = !inQ
      lineHasContent = true
      continue
    }
    if (inQ) continue
    if (c === '\n') {
      if (lineHasContent) lines.push(counts)
      counts = [0, 0, 0, 0]
      lineHasContent = false
      continue
    }
    lineHasContent = true
    const k = c === ',' ? 0 : c === ';' ? 1 : c === '\t' ? 2 : c === '|' ? 3 : -1
    if (k >= 0) counts[k]!++
  }
  if (complete && lineHasContent && !inQ && lines.length < 100) lines.push(counts)
  if (lines.length === 0) return ','
  const header = lines[0]!
  let best = -1,
    bestCount = 0
  // a delimiter must give the header's count on (almost) every line
  for (let k = 0; k < 4; k++) {
    const h = header[k]!
    if (h === 0) continue
    let agree = 0
    for (const l of lines) if (l[k] === h) agree++
    if (agree >= Math.max(1, Math.ceil(lines.length * 0.9)) && h > bestCount) {
      best = k
      bestCount = h
    }
  }
  if (best < 0) {
    for (let k = 0; k < 4; k++)
      if (header[k]! > bestCount) {
        best = k
        bestCount = header[k]!
      }
  }
  return best < 0 ? ',' : CANDIDATES[best]!
}

/**
 * Whether the sample's numbers use a decimal comma, when that is unambiguous: a delimiter other than `,`, cells like
 * `3,5`, none like `3.5`, and at least one that is not a thousands group (`1,234`). Returns one such cell, or null.
 */
export function sniffDecimalComma(sample: string, delimiter: string): string | null {
  if (delimiter === ',') return null
  let example: string | null = null
  let unambiguous = false
  for (const line of sample.split('\n', 200)) {
    for (const raw of line.split(delimiter)) {
      const cell = raw.trim().replace(/^"(.*)"$/, '$1')
      if (/^[+-]?\d*\.\d+$/.test(cell)) return null
      const m = /^[+-]?(\d+),(\d+)$/.exec(cell)
      if (!m) continue
      example ??= cell
      if (m[2]!.length !== 3 || m[1] === '0' || m[1]!.length > 3) unambiguous = true
    }
  }
  return unambiguous ? example : null
}

// ---------------------------------------------------------------------------------------------
// streaming API

export interface CsvStreamOptions extends ImportOptions {
  /** called after each pushed chunk (and at the end) */
  onProgress?: (p: { bytes: number; rows: number; line: number }) => void
  signal?: AbortSignal
  /** stop after this many data rows (fast preview); the stream then ignores further input */
  maxRows?: number
}

export interface CsvStream {
  /** feed the next bytes (any chunking gives the same result) */
  push(chunk: Uint8Array): void
  /** finish and return the table; throws CsvImportError */
  end(): ParsedTable
  /** true once maxRows data rows were read (further pushes are ignored) */
  readonly done: boolean
}

/** Decoded text → sniffing (delimiter, decimal comma) → records → the table builder. */
class TextFeed {
  reader: RecordReader | null = null
  private breaks = new LineBreaks()
  private sniffBuf = ''

  constructor(
    private readonly opts: CsvStreamOptions,
    private readonly builder: TableBuilder
  ) {}

  /** `force`: read every complete record now (a decoding error follows) */
  feed(raw: string, final: boolean, force = false): void {
    let text = this.breaks.normalise(raw)
    if (!this.reader) {
      this.sniffBuf += text
      const o = this.opts
      const waiting = o.delimiter === undefined || (o.decimalComma === undefined && o.delimiter !== ',')
      if (this.sniffBuf.length < SNIFF_CHARS && !final && !force && waiting) return
      text = this.sniffBuf
      this.sniffBuf = ''
      this.reader = this.start(text.slice(0, SNIFF_CHARS), final && text.length <= SNIFF_CHARS)
    }
    this.reader.push(text, final, force)
  }

  private start(sample: string, complete: boolean): RecordReader {
    const d = this.opts.delimiter ?? sniffDelimiter(sample, complete)
    const b = this.builder
    if (this.opts.decimalComma === undefined) {
      const example = sniffDecimalComma(sample, d)
      if (example !== null) {
        b.decimalComma = true
        b.notes.push(
          `decimal comma detected: values like ${q(example)} are read as numbers with a decimal comma (set "Decimal comma" to Off or use --no-decimal-comma to read them otherwise)`
        )
      }
    } else if (d === ',' && this.opts.decimalComma) {
      throw new CsvImportError(
        'line 1: decimal comma needs a delimiter other than "," (the file looks comma-separated; choose ; tab or |)',
        1
      )
    }
    b.delimiter = d
    return new RecordReader(d, b.record, (k) => b.header?.[k])
  }

  get currentLine(): number {
    return this.reader ? this.reader.currentLine : 1 + (this.sniffBuf.match(/\n/g)?.length ?? 0)
  }

  /** Where the text read so far ends, for a decoding error: `line 3, column "b"`. */
  where(): string {
    const line = this.currentLine
    if (!this.reader) return `line ${line}`
    const k = this.reader.currentField
    const name = this.builder.header?.[k]
    return `line ${line}, column ${name === undefined ? k + 1 : q(name)}`
  }
}

function abortError(): Error {
  const e = new Error('CSV import cancelled')
  e.name = 'AbortError'
  return e
}

class CsvStreamImpl implements CsvStream {
  private decoder = new StrictDecoder()
  private builder: TableBuilder
  private text: TextFeed
  private bytes = 0
  private ended = false
  private stopped = false
  private failed: unknown = null

  constructor(private readonly opts: CsvStreamOptions) {
    if (opts.delimiter !== undefined && !CANDIDATES.includes(opts.delimiter)) {
      throw new CsvImportError(`line 1: unsupported delimiter ${q(String(opts.delimiter))} (use , ; tab or |)`, 1)
    }
    this.builder = new TableBuilder(opts, opts.maxRows ?? Infinity)
    this.text = new TextFeed(opts, this.builder)
  }

  get done(): boolean {
    return this.stopped
  }

  private checkAbort(): void {
    if (this.opts.signal?.aborted) throw abortError()
  }

  private progress(): void {
    this.opts.onProgress?.({ bytes: this.bytes, rows: this.builder.rowCount, line: this.text.currentLine })
  }

  private feedBytes(chunk: Uint8Array, final: boolean): void {
    let text: string
    try {
      text = this.decoder.decode(chunk, final)
    } catch (e) {
      if (!(e instanceof NotTextError)) throw e
      if (e.binary) {
        const line = 1 + (e.validText.match(/\r\n?|\n/g)?.length ?? 0)
        throw new CsvImportError(`line ${line}: ${e.reason}`, line)
      }
      // records before the bad byte are read (and refused) first, then a quote error in the unfinished one
      this.text.feed(e.validText, false, true)
      this.text.reader!.checkUnfinished()
      const line = this.text.currentLine
      if (e.reason.startsWith('the byte-order mark')) throw new CsvImportError(`line 1: ${e.reason}`, 1)
      const what = e.reason.startsWith('not a text file') ? e.reason : `not a text CSV (${e.reason})`
      throw new CsvImportError(`${this.text.where()}: ${what}`, line)
    }
    this.text.feed(text, final)
  }

  /** run f; STOP (maxRows reached) ends the input quietly, any other error makes the stream unusable */
  private guard<T>(f: () => T): T {
    try {
      return f()
    } catch (e) {
      if (e === STOP) {
        this.stopped = true
        return undefined as T
      }
      this.failed = e
      throw e
    }
  }

  push(chunk: Uint8Array): void {
    if (this.failed) throw this.failed
    if (this.ended) throw new Error('push() after end()')
    // big chunks are fed in slices so that progress and cancellation stay responsive
    for (let off = 0; off < chunk.length || off === 0; off += SLICE) {
      this.checkAbort()
      const part = off === 0 && chunk.length <= SLICE ? chunk : chunk.subarray(off, off + SLICE)
      this.bytes += part.length
      if (!this.stopped) this.guard(() => this.feedBytes(part, false))
      this.progress()
      if (chunk.length === 0) break
    }
  }

  end(): ParsedTable {
    if (this.failed) throw this.failed
    if (this.ended) throw new Error('end() called twice')
    this.checkAbort()
    this.ended = true
    if (!this.stopped) this.guard(() => this.feedBytes(new Uint8Array(0), true))
    this.progress()
    return this.guard(() => this.builder.result(this.builder.delimiter, this.decoder.encoding))
  }
}

export function createCsvStream(opts: CsvStreamOptions = {}): CsvStream {
  return new CsvStreamImpl(opts)
}

/** Parse a whole CSV file (bytes as read from disk). Throws CsvImportError with a located message. */
export function parseCsv(
  bytes: Uint8Array,
  opts: ImportOptions & Pick<CsvStreamOptions, 'onProgress' | 'signal'> = {}
): ParsedTable {
  const s = createCsvStream(opts)
  s.push(bytes)
  return s.end()
}
