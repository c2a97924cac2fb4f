/**
 * Strict CSV import for RNN Workbench.
 *
 * Pure TypeScript (no Electron, no DOM, no SQLite): runs in the main process and in worker threads.
 * See docs/DATA.md for the rules.  Every refusal is a `CsvImportError` whose message starts with the
 * physical line (header = line 1; LF, CRLF and lone CR each end one line, also inside quotes).
 *
 * Pipeline: bytes → `StrictDecoder` (csv-decode.ts) → line breaks normalised, delimiter sniffed → records from
 * papaparse with physical lines and strict quotes (csv-records.ts) → header, field counts, strict numbers, type
 * inference and statistics (here).
 */
import { StrictDecoder, NotTextError, type Encoding } from './csv-decode'
import { CsvImportError, q } from './csv-errors'
import { LineBreaks, RecordReader } from './csv-records'

export { CsvImportError, q } from './csv-errors'

export type ColumnType = 'numeric' | 'categorical' | 'text' | 'datetime' | 'id'

export interface ColumnInfo {
  name: string
  type: ColumnType
  /** empty / NA / NaN / Inf cells */
  missing: number
  min?: number
  max?: number
  mean?: number
  /** distinct non-missing values, counted up to DISTINCT_CAP (10 000) */
  distinct: number
}

export interface ImportOptions {
  delimiter?: ',' | ';' | '\t' | '|'
  decimalComma?: boolean
  typeOverrides?: Record<string, ColumnType>
}

export interface ParsedTable {
  columns: ColumnInfo[]
  rowCount: number
  /** columnar values: numeric columns as Float64Array (NaN = missing), others as (string | null)[] */
  values: (Float64Array | (string | null)[])[]
  /** first 20 data rows as raw strings */
  preview: string[][]
  /** e.g. `column "x": 3 missing values (lines 4, 9, 12)` */
  warnings: string[]
  delimiter: string
  /** physical line (1-based) where each data row starts; used for located messages downstream */
  rowLines?: Int32Array
  /** detected text encoding */
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be'
}

/** Distinct values are counted up to this many per column. */
export const DISTINCT_CAP = 10_000
/** A column's type is decided on its first TYPE_SAMPLE non-missing cells (or all of them if fewer). */
export const TYPE_SAMPLE = 1000
/** Share of numbers among the sampled non-missing cells from which a column is numeric. */
export const NUMERIC_SHARE = 0.9
export const PREVIEW_ROWS = 20
/** A pushed chunk is fed in slices of this many bytes (progress / cancellation granularity). */
const SLICE = 1 << 20
/** Bytes of text used to sniff the delimiter. */
const SNIFF_CHARS = 64 * 1024

/** Cells that mean "no value" in any column (compared after trimming spaces). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'n/a',
  'na',
  'NaN',
  'nan',
  'NAN',
  'null',
  'NULL',
  'Null',
  '#N/A',
  '#NA'
])
/** Non-finite spellings: missing in a numeric column (plain text elsewhere). */
export const NONFINITE_TOKENS: ReadonlySet<string> = new Set([
  'inf',
  '+inf',
  '-inf',
  'Inf',
  '+Inf',
  '-Inf',
  'INF',
  '+INF',
  '-INF',
  'infinity',
  '+infinity',
  '-infinity',
  'Infinity',
  '+Infinity',
  '-Infinity',
  '#DIV/0!'
])

// ---------------------------------------------------------------------------------------------
// small helpers

function isSpace(c: number): boolean {
  return c === 32 || c === 9
}

/** Trim spaces and tabs (not newlines, which are data inside quoted fields). */
function trimCell(s: string): string {
  const n = s.length
  if (n === 0) return s
  if (!isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(n - 1))) return s
  let i = 0,
    j = n
  while (i < j && isSpace(s.charCodeAt(i))) i++
  while (j > i && isSpace(s.charCodeAt(j - 1))) j--
  return s.slice(i, j)
}

/**
 * Strict decimal grammar: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
 * (`,` instead of `.` when decimalComma), then Number.isFinite.  Returns NaN when `s` is not a number.
 * `0x1F`, `1e400`, `1_000`, `Infinity`, `3,14` (without decimalComma) are not numbers.
 */
export function parseNumber(s: string, decimalComma = false): number {
  const t = trimCell(s)
  const n = t.length
  if (n === 0) return NaN
  const point = decimalComma ? 44 : 46
  let i = 0
  let c = t.charCodeAt(0)
  let neg = false
  if (c === 43 || c === 45) {
    neg = c === 45
    i++
  }
  let digits = 0
  let m = 0 // mantissa while it stays exact (<= 15 significant digits)
  let frac = 0
  while (i < n && (c = t.charCodeAt(i)) >= 48 && c <= 57) {
    m = m * 10 + (c - 48)
    i++
    digits++
  }
  let sep = -1
  if (i < n && t.charCodeAt(i) === point) {
    sep = i
    i++
    while (i < n && (c = t.charCodeAt(i)) >= 48 && c <= 57) {
      m = m * 10 + (c - 48)
      i++
      digits++
      frac++
    }
  }
  if (digits === 0) return NaN
  if (i === n) {
    // Clinger's fast path: an exact mantissa divided by an exact power of ten is correctly rounded
    if (digits <= 15 && frac <= 22) {
      const v = frac === 0 ? m : m / POW10[frac]!
      return neg ? (v === 0 ? 0 : -v) : v
    }
  } else {
    if ((c = t.charCodeAt(i)) !== 101 && c !== 69) return NaN
    i++
    if (i < n && ((c = t.charCodeAt(i)) === 43 || c === 45)) i++
    let ed = 0
    while (i < n && (c = t.charCodeAt(i)) >= 48 && c <= 57) {
      i++
      ed++
    }
    if (ed === 0 || i !== n) return NaN
  }
  const v = Number(decimalComma && sep >= 0 ? t.slice(0, sep) + '.' + t.slice(sep + 1) : t)
  return Number.isFinite(v) ? (v === 0 ? 0 : v) : NaN
}

const POW10: number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`))

export function isMissingToken(s: string): boolean {
  return MISSING_TOKENS.has(trimCell(s))
}

const DATE_RE =
  /^(\d{4}-\d{1,2}(-\d{1,2})?|\d{4}\/\d{1,2}\/\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/
export function looksLikeDatetime(s: string): boolean {
  return DATE_RE.test(s)
}

/**
 * Parse a datetime cell to epoch milliseconds (UTC unless the text has an offset): ISO-like
 * `YYYY-MM[-DD][ T]HH:MM[:SS[.fff]][Z|±HH:MM]`, `YYYY/MM/DD`, `DD.MM.YYYY`, `MM/DD/YYYY`. NaN if not one.
 */
export function parseDatetime(s: string): number {
  const t = s.trim()
  const m = DATE_RE.exec(t)
  if (!m) return NaN
  let y: number, mo: number, d: number
  const datePart = m[1]!
  let dm: RegExpExecArray | null
  if ((dm = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$/.exec(datePart))) {
    y = +dm[1]!
    mo = +dm[2]!
    d = dm[3] ? +dm[3] : 1
  } else if ((dm = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(datePart))) {
    y = +dm[1]!
    mo = +dm[2]!
    d = +dm[3]!
  } else if ((dm = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(datePart))) {
    d = +dm[1]!
    mo = +dm[2]!
    y = +dm[3]!
  } else if ((dm = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(datePart))) {
    mo = +dm[1]!
    d = +dm[2]!
    y = +dm[3]!
  } else return NaN
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return NaN
  let ms = Date.UTC(y, mo - 1, d)
  const tm = /[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t)
  if (tm) {
    const hh = +tm[1]!,
      mi = +tm[2]!,
      ss = tm[3] ? +tm[3] : 0
    if (hh > 23 || mi > 59 || ss > 60) return NaN
    ms += ((hh * 60 + mi) * 60 + ss) * 1000 + (tm[4] ? Math.round(parseFloat(tm[4]) * 1000) : 0)
    if (tm[5] && tm[5] !== 'Z') {
      const sign = tm[5][0] === '-' ? -1 : 1
      const off = tm[5].slice(1).replace(':', '')
      ms -= sign * (+off.slice(0, 2) * 60 + +off.slice(2)) * 60000
    }
  }
  return ms
}

const ID_NAME_RE = /^(id|.*[_\s.-]id|.*[a-z]Id|uuid|guid|key|index|idx|row|rownum|row_?number)$/i

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

// ---------------------------------------------------------------------------------------------
// column accumulation

const MODE_UNDECIDED = 0,
  MODE_NUM = 1,
  MODE_STR = 2
const MISSING_LINES_SHOWN = 5

class GrowF64 {
  a = new Float64Array(16)
  n = 0
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2)
      b.set(this.a)
      this.a = b
    }
    this.a[this.n++] = v
  }
  result(): Float64Array {
    return this.a.slice(0, this.n)
  }
}

class ColumnAcc {
  mode = MODE_UNDECIDED
  // undecided buffer
  bufRaw: (string | null)[] = []
  bufLine: number[] = []
  sampleNonMissing = 0
  sampleNumeric = 0
  // stores
  nums = new GrowF64()
  strs: (string | null)[] = []
  intern = new Map<string, string>()
  // stats
  missing = 0
  missingLines: number[] = []
  nonFinite = 0
  nonMissing = 0
  min = Infinity
  max = -Infinity
  sum = 0
  allInt = true
  increasing = true
  prev = -Infinity
  distinctNum = new Set<number>()
  distinctCapped = false
  allDatetime = true
  spaced = 0
  totalLen = 0
  /** string cells that would be numbers with the other decimal separator (for a hint) */
  otherDecimal = 0
  otherExample = ''

  constructor(
    public name: string,
    public override: ColumnType | undefined,
    private dc: boolean
  ) {
    if (override === 'numeric') this.mode = MODE_NUM
    else if (override) this.mode = MODE_STR
  }

  private noteMissing(line: number): void {
    this.missing++
    if (this.missingLines.length < MISSING_LINES_SHOWN) this.missingLines.push(line)
  }

  add(raw: string, line: number): void {
    const m = this.mode
    if (m === MODE_NUM) return this.addNum(raw, line)
    if (m === MODE_STR) return this.addStr(raw, line)
    // undecided: sample
    const t = trimCell(raw)
    if (MISSING_TOKENS.has(t)) {
      this.bufRaw.push(null)
      this.bufLine.push(line)
      return
    }
    this.bufRaw.push(raw)
    this.bufLine.push(line)
    this.sampleNonMissing++
    if (!Number.isNaN(parseNumber(t, this.dc)) || NONFINITE_TOKENS.has(t)) this.sampleNumeric++
    if (this.sampleNonMissing >= TYPE_SAMPLE) this.decide()
  }

  /** Decide numeric vs string storage from the sample and replay the buffered cells. */
  decide(): void {
    if (this.mode !== MODE_UNDECIDED) return
    this.mode =
      this.sampleNumeric > 0 && this.sampleNumeric >= NUMERIC_SHARE * this.sampleNonMissing ? MODE_NUM : MODE_STR
    const raw = this.bufRaw,
      lines = this.bufLine
    this.bufRaw = []
    this.bufLine = []
    for (let k = 0; k < raw.length; k++) this.add(raw[k] ?? '', lines[k]!)
  }

  private addNum(raw: string, line: number): void {
    let v = parseNumber(raw, this.dc)
    if (Number.isNaN(v)) {
      const t = trimCell(raw)
      if (MISSING_TOKENS.has(t)) {
        this.noteMissing(line)
      } else if (NONFINITE_TOKENS.has(t)) {
        this.nonFinite++
        this.noteMissing(line)
      } else {
        throw new CsvImportError(`line ${line}, column ${q(this.name)}: ${q(t)} is not a number`, line, this.name, t)
      }
      this.nums.push(NaN)
      return
    }
    if (v === 0) v = 0 // -0 -> 0
    this.nums.push(v)
    this.nonMissing++
    if (v < this.min) this.min = v
    if (v > this.max) this.max = v
    this.sum += v
    if (this.allInt && !Number.isInteger(v)) this.allInt = false
    if (v <= this.prev) this.increasing = false
    this.prev = v
    if (!this.distinctCapped) {
      this.distinctNum.add(v)
      if (this.distinctNum.size >= DISTINCT_CAP) this.distinctCapped = true
    }
  }

  private addStr(raw: string, line: number): void {
    const t = trimCell(raw)
    if (MISSING_TOKENS.has(t)) {
      this.noteMissing(line)
      this.strs.push(null)
      return
    }
    if (this.override === 'datetime' && Number.isNaN(parseDatetime(t))) {
      throw new CsvImportError(`line ${line}, column ${q(this.name)}: ${q(t)} is not a date/time`, line, this.name, t)
    }
    this.nonMissing++
    let v: string
    if (!this.distinctCapped) {
      const got = this.intern.get(t)
      if (got === undefined) {
        v = t
        this.intern.set(t, t)
        if (this.intern.size >= DISTINCT_CAP) this.distinctCapped = true
      } else v = got
    } else v = t
    this.strs.push(v)
    this.totalLen += t.length
    if (this.allDatetime && !DATE_RE.test(t)) this.allDatetime = false
    if (/\s/.test(t)) this.spaced++
    if (!this.override && !Number.isNaN(parseNumber(t, !this.dc))) {
      if (
        this.otherDecimal++ === 0 ||
        (!this.otherExample.includes(this.dc ? '.' : ',') && t.includes(this.dc ? '.' : ','))
      )
        this.otherExample = t
    }
  }

  finish(): { info: ColumnInfo; values: Float64Array | (string | null)[] } {
    this.decide()
    const name = this.name
    if (this.mode === MODE_NUM) {
      const values = this.nums.result()
      const distinct = this.distinctNum.size
      let type: ColumnType = 'numeric'
      if (this.override) type = this.override
      else if (
        ID_NAME_RE.test(name) &&
        this.allInt &&
        this.nonMissing > 0 &&
        (this.increasing || (!this.distinctCapped && distinct === this.nonMissing))
      )
        type = 'id'
      const info: ColumnInfo = { name, type, missing: this.missing, distinct }
      if (this.nonMissing > 0) {
        info.min = this.min
        info.max = this.max
        info.mean = this.sum / this.nonMissing
      }
      return { info, values }
    }
    const distinct = this.intern.size
    const n = this.nonMissing
    let type: ColumnType
    if (this.override) type = this.override
    else if (n === 0) type = 'text'
    else if (this.allDatetime) type = 'datetime'
    else if (!this.distinctCapped && (distinct <= 20 || distinct <= 0.5 * n) && this.totalLen / n <= 64)
      type = 'categorical'
    else if (
      ID_NAME_RE.test(name) ||
      (this.spaced === 0 && !this.distinctCapped && distinct === n && this.totalLen / n <= 64)
    )
      type = 'id'
    else if (this.spaced >= 0.5 * n || this.totalLen / n > 20) type = 'text'
    else type = 'categorical'
    return { info: { name, type, missing: this.missing, distinct }, values: this.strs }
  }
}

// ---------------------------------------------------------------------------------------------
// table builder (consumes records)

const STOP = Symbol('stop')

class TableBuilder {
  header: string[] | null = null
  cols: ColumnAcc[] = []
  rowCount = 0
  preview: string[][] = []
  rowLines = new Int32Array(1024)
  blankLines: number[] = []
  blankCount = 0

  delimiter = ','
  constructor(
    private opts: ImportOptions,
    private keepRows: boolean,
    private maxRows = Infinity
  ) {}

  get done(): boolean {
    return this.rowCount >= this.maxRows
  }

  record = (fields: string[], line: number, endLine: number, blank: boolean): void => {
    if (blank) {
      if (this.header) {
        this.blankCount++
        if (this.blankLines.length < MISSING_LINES_SHOWN) this.blankLines.push(line)
      }
      return
    }
    if (!this.header) return this.setHeader(fields, line)
    if (this.rowCount >= this.maxRows) throw STOP
    const C = this.cols.length
    if (fields.length !== C) {
      const text = fields.join(this.delimiter)
      throw new CsvImportError(
        `line ${line}: expected ${C} field${C === 1 ? '' : 's'} (as in the header), found ${fields.length}: ${q(text)}`,
        line,
        undefined,
        text
      )
    }
    if (this.preview.length < PREVIEW_ROWS) this.preview.push(fields.slice())
    if (this.keepRows) {
      if (this.rowCount === this.rowLines.length) {
        const b = new Int32Array(this.rowLines.length * 2)
        b.set(this.rowLines)
        this.rowLines = b
      }
      this.rowLines[this.rowCount] = line
    }
    this.rowCount++
    if (this.rowCount >= this.maxRows) {
      for (let k = 0; k < C; k++) this.cols[k]!.add(fields[k]!, line)
      throw STOP
    }
    if (endLine === line) {
      for (let k = 0; k < C; k++) this.cols[k]!.add(fields[k]!, line)
    } else {
      let l = line
      for (let k = 0; k < C; k++) {
        const f = fields[k]!
        this.cols[k]!.add(f, l)
        for (let p = f.indexOf('\n'); p >= 0; p = f.indexOf('\n', p + 1)) l++
      }
    }
  }

  private setHeader(fields: string[], line: number): void {
    const names = fields.map((f) => f.trim())
    const seen = new Map<string, number>()
    names.forEach((nm, k) => {
      if (nm === '') {
        throw new CsvImportError(
          `line ${line}, column ${k + 1}: empty column name in the header`,
          line,
          `#${k + 1}`,
          ''
        )
      }
      const prev = seen.get(nm)
      if (prev !== undefined) {
        throw new CsvImportError(
          `line ${line}, column ${k + 1}: duplicate column name ${q(nm)} (same as column ${prev + 1})`,
          line,
          nm,
          nm
        )
      }
      seen.set(nm, k)
    })
    const ov = this.opts.typeOverrides ?? {}
    for (const key of Object.keys(ov)) {
      if (!seen.has(key)) {
        throw new CsvImportError(
          `line ${line}: type override for unknown column ${q(key)} (columns: ${names.map(q).join(', ')})`,
          line,
          key
        )
      }
    }
    this.header = names
    const VALID: ReadonlySet<string> = new Set(['numeric', 'categorical', 'text', 'datetime', 'id'])
    for (const key of Object.keys(ov)) {
      if (!VALID.has(ov[key] as string)) {
        throw new CsvImportError(`line ${line}: unknown type ${q(String(ov[key]))} for column ${q(key)}`, line, key)
      }
    }
    this.cols = names.map(
      (nm) => new ColumnAcc(nm, Object.hasOwn(ov, nm) ? ov[nm] : undefined, !!this.opts.decimalComma)
    )
  }

  result(delimiter: string, encoding: Encoding): ParsedTable {
    if (!this.header) throw new CsvImportError('line 1: the file is empty (no header line)', 1)
    const columns: ColumnInfo[] = []
    const values: (Float64Array | (string | null)[])[] = []
    const warnings: string[] = []
    if (this.rowCount === 0) warnings.push('the file has a header but no data rows')
    for (const c of this.cols) {
      const { info, values: v } = c.finish()
      columns.push(info)
      values.push(v)
      if (this.rowCount > 0 && info.missing === this.rowCount)
        warnings.push(`column ${q(info.name)}: every value is missing`)
      else if (info.missing > 0) {
        const more = info.missing > c.missingLines.length ? ', …' : ''
        warnings.push(
          `column ${q(info.name)}: ${info.missing} missing value${info.missing === 1 ? '' : 's'} (line${info.missing === 1 ? '' : 's'} ${c.missingLines.join(', ')}${more})`
        )
      }
      if (
        !(v instanceof Float64Array) &&
        info.type !== 'numeric' &&
        c.nonMissing > 0 &&
        c.otherDecimal >= NUMERIC_SHARE * c.nonMissing
      ) {
        warnings.push(
          `column ${q(info.name)}: values like ${q(c.otherExample)} are numbers with a decimal ${this.opts.decimalComma ? 'point' : 'comma'}; ${this.opts.decimalComma ? 'turn off' : 'turn on'} the decimal-comma option to read them as numbers`
        )
      }
      if (c.nonFinite > 0)
        warnings.push(
          `column ${q(info.name)}: ${c.nonFinite} infinite value${c.nonFinite === 1 ? '' : 's'} counted as missing`
        )
    }
    if (this.blankCount > 0) {
      warnings.push(
        `${this.blankCount} blank line${this.blankCount === 1 ? '' : 's'} skipped (line${this.blankCount === 1 ? '' : 's'} ${this.blankLines.join(', ')}${this.blankCount > this.blankLines.length ? ', …' : ''})`
      )
    }
    const t: ParsedTable = {
      columns,
      rowCount: this.rowCount,
      values,
      preview: this.preview,
      warnings,
      delimiter,
      encoding
    }
    if (this.keepRows) t.rowLines = this.rowLines.slice(0, this.rowCount)
    return t
  }
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

export function createCsvStream(opts: CsvStreamOptions = {}): CsvStream {
  if (opts.delimiter !== undefined && !CANDIDATES.includes(opts.delimiter)) {
    throw new CsvImportError(`line 1: unsupported delimiter ${q(String(opts.delimiter))} (use , ; tab or |)`, 1)
  }
  const decoder = new StrictDecoder()
  const builder = new TableBuilder(opts, true, opts.maxRows ?? Infinity)
  let reader: RecordReader | null = null
  let delimiter: string | undefined = opts.delimiter
  const breaks = new LineBreaks()
  let sniffBuf = ''
  let bytes = 0
  let ended = false
  let stopped = false

  const checkAbort = (): void => {
    if (opts.signal?.aborted) {
      const e = new Error('CSV import cancelled')
      e.name = 'AbortError'
      throw e
    }
  }

  const startReader = (d: string): RecordReader => {
    if (d === ',' && opts.decimalComma) {
      throw new CsvImportError(
        'line 1: decimal comma needs a delimiter other than "," (the file looks comma-separated; choose ; tab or |)',
        1
      )
    }
    delimiter = d
    builder.delimiter = d
    return new RecordReader(d, builder.record, (k) => builder.header?.[k])
  }

  /** `force`: read every complete record now (a decoding error follows) */
  const feedText = (raw: string, final: boolean, force = false): void => {
    let text = breaks.normalise(raw)
    if (!reader) {
      sniffBuf += text
      if (sniffBuf.length < SNIFF_CHARS && !final && !force && delimiter === undefined) return
      text = sniffBuf
      sniffBuf = ''
      reader = startReader(delimiter ?? sniffDelimiter(text.slice(0, SNIFF_CHARS), final && text.length <= SNIFF_CHARS))
    }
    reader.push(text, final, force)
  }

  const currentLine = (): number => (reader ? reader.currentLine : 1 + (sniffBuf.match(/\n/g)?.length ?? 0))

  const feedBytes = (chunk: Uint8Array, final: boolean): void => {
    let text: string
    try {
      text = decoder.decode(chunk, final)
    } catch (e) {
      if (!(e instanceof NotTextError)) throw e
      // records before the bad byte are read (and refused) first, then a quote error in the unfinished one
      feedText(e.validText, false, true)
      reader!.checkUnfinished()
      const line = currentLine()
      throw new CsvImportError(`line ${line}: not a text CSV (${e.reason})`, line)
    }
    feedText(text, final)
  }

  let failed: unknown = null
  /** run f; STOP (maxRows reached) ends the input quietly, any other error makes the stream unusable */
  function guard<T>(f: () => T): T {
    try {
      return f()
    } catch (e) {
      if (e === STOP) {
        stopped = true
        return undefined as T
      }
      failed = e
      throw e
    }
  }

  const stream: CsvStream = {
    get done() {
      return stopped
    },
    push(chunk: Uint8Array): void {
      if (failed) throw failed
      if (ended) throw new Error('push() after end()')
      // big chunks are fed in slices so that progress and cancellation stay responsive
      for (let off = 0; off < chunk.length || off === 0; off += SLICE) {
        checkAbort()
        const part = off === 0 && chunk.length <= SLICE ? chunk : chunk.subarray(off, off + SLICE)
        bytes += part.length
        if (!stopped) guard(() => feedBytes(part, false))
        opts.onProgress?.({ bytes, rows: builder.rowCount, line: currentLine() })
        if (chunk.length === 0) break
      }
    },
    end(): ParsedTable {
      if (failed) throw failed
      if (ended) throw new Error('end() called twice')
      checkAbort()
      ended = true
      if (!stopped) guard(() => feedBytes(new Uint8Array(0), true))
      opts.onProgress?.({ bytes, rows: builder.rowCount, line: currentLine() })
      return guard(() => builder.result(delimiter ?? ',', decoder.encoding))
    }
  }
  return stream
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

/**
 * Fast preview for big files: reads only until `maxRows` data rows (default TYPE_SAMPLE = 1000, the rows the full import decides column types on) are parsed.
 * Column types/stats in the result describe those rows only.
 */
export function previewCsv(bytes: Uint8Array, opts: ImportOptions & { maxRows?: number } = {}): ParsedTable {
  const maxRows = opts.maxRows ?? TYPE_SAMPLE
  const s = createCsvStream({ ...opts, maxRows })
  const step = 64 * 1024
  for (let off = 0; off < bytes.length && !s.done; off += step) s.push(bytes.subarray(off, off + step))
  return s.end()
}
