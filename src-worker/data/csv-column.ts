/**
 * One column of the CSV import: decides numeric vs text storage on its first TYPE_SAMPLE non-missing cells, keeps
 * statistics, names every cell that does not fit the column's type (kept as a missing value), and subtypes text
 * columns (datetime with one date format, categorical, id, text) at the end.
 */
import { CsvImportError, q } from './csv-errors'
import {
  type ColumnInfo,
  type ColumnType,
  DISTINCT_CAP,
  INVALID_KEPT,
  NAMED_CELLS,
  NUMERIC_SHARE,
  TYPE_SAMPLE
} from './csv-types'
import {
  dateFormatOf,
  type DateFormat,
  type DateOrder,
  ID_NAME_RE,
  notANumber,
  notationOf,
  type Notation,
  parseDatetime,
  parseNumber,
  slashParts,
  trimCell
} from './csv-values'

const MODE_UNDECIDED = 0,
  MODE_NUM = 1,
  MODE_STR = 2
const MISSING_LINES_SHOWN = 5

/** What every column of one import shares. */
export interface ColumnContext {
  decimalComma: boolean
  missingWords: ReadonlySet<string>
  dateOrder?: DateOrder
}

export interface KeptCell {
  row: number
  line: number
  text: string
  reason: string
}

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

/** Numeric statistics of the non-missing values. */
class NumStats {
  nonMissing = 0
  min = Infinity
  max = -Infinity
  sum = 0
  allInt = true
  increasing = true
  prev = -Infinity
  distinct = new Set<number>()
  capped = false
  add(v: number): void {
    this.nonMissing++
    if (v < this.min) this.min = v
    if (v > this.max) this.max = v
    this.sum += v
    if (this.allInt && !Number.isInteger(v)) this.allInt = false
    if (v <= this.prev) this.increasing = false
    this.prev = v
    if (!this.capped) {
      this.distinct.add(v)
      if (this.distinct.size >= DISTINCT_CAP) this.capped = true
    }
  }
}

interface SeenCell {
  line: number
  text: string
}

/** The day/month order of a column's NN/NN/YYYY cells: the first cell whose first number is over 12 (the day
 * comes first) and the first whose second number is (the month comes first). */
class SlashOrder {
  dayFirst: SeenCell | null = null
  monthFirst: SeenCell | null = null
  note(t: string, line: number): void {
    const p = slashParts(t)
    if (!p) return
    if (p[0] > 12 && p[0] <= 31) this.dayFirst ??= { line, text: t }
    else if (p[1] > 12 && p[1] <= 31) this.monthFirst ??= { line, text: t }
  }

  /** The column's slash format: the order given, else the one its cells show; both orders shown are refused. */
  format(name: string, given: DateOrder | undefined): { format: DateFormat; note?: string } {
    if (given === 'dmy') return { format: 'DD/MM/YYYY' }
    if (given === 'mdy') return { format: 'MM/DD/YYYY' }
    const d = this.dayFirst,
      m = this.monthFirst
    if (d && m) {
      const [a, b] = d.line < m.line ? [d, m] : [m, d]
      const first = (c: SeenCell) => (c === d ? 'the day first (DD/MM/YYYY)' : 'the month first (MM/DD/YYYY)')
      throw new CsvImportError(
        `line ${b.line}, column ${q(name)}: ${q(b.text)} has ${first(b)}, but line ${a.line} ${q(a.text)} has ${first(a)}; choose Reading options → Date order (--date-order dmy|mdy)`,
        b.line,
        name,
        b.text
      )
    }
    if (d) return { format: 'DD/MM/YYYY' }
    if (m) return { format: 'MM/DD/YYYY' }
    return {
      format: 'MM/DD/YYYY',
      note: `column ${q(name)}: dates like NN/NN/YYYY could have the day or the month first (no number over 12); read as MM/DD/YYYY — if the day comes first, choose Reading options → Date order → Day first (--date-order dmy)`
    }
  }
}

/** Non-number words a column of numbers may hold as markers ("-", "?", "n.a."), at most this many and this long. */
const MARKER_WORDS = 3,
  MARKER_LENGTH = 12

/** A text column of numbers and a few short other words: the words, counted, to name them as likely missing-value
 * markers — without a warning such a column would train as classes. */
class NumberMarkers {
  numbers = 0
  private words = new Map<string, number>()
  private many = false

  /** a cell: a number, or a word (`numberLike`: a number in another notation, named by its own warning) */
  note(t: string, isNumber: boolean, numberLike = false): void {
    if (isNumber) this.numbers++
    else if (!this.many) {
      this.words.set(t, (this.words.get(t) ?? 0) + 1)
      if (numberLike || this.words.size > MARKER_WORDS || t.length > MARKER_LENGTH) this.many = true
    }
  }

  /** The warning, when at least a fifth of the column's `values` are numbers and the others a few short words. */
  warning(name: string, type: string, values: number): string | null {
    if (this.many || this.words.size === 0 || this.numbers === 0 || this.numbers < 0.2 * values) return null
    const list = [...this.words].map(([w, n]) => `${q(w)} (${n} cell${n === 1 ? '' : 's'})`).join(', ')
    const one = this.words.size === 1
    return (
      `column ${q(name)}: ${this.numbers} of ${values} values are numbers and the others are ${list}, so the ` +
      `column is ${type}; if ${one ? 'that means' : 'those mean'} no value, add ${one ? 'it' : 'them'} to the missing-value ` +
      `words (--missing-words) or read the column as numbers (--types ${name}=numeric)`
    )
  }
}

/** The first cell of a text column written as a number in a notation the grammar refuses (e.g. `0x1F`). */
interface NotationSeen {
  line: number
  text: string
  notation: Notation
}

export class ColumnAcc {
  private mode = MODE_UNDECIDED
  private bufRaw: string[] = []
  private bufLine: number[] = []
  private sampleNonMissing = 0
  private sampleNumeric = 0
  private rows = 0
  private nums = new GrowF64()
  private strs: (string | null)[] = []
  private intern = new Map<string, string>()
  private stats = new NumStats()
  missing = 0
  missingLines: number[] = []
  invalid = 0
  kept: KeptCell[] = []
  // text columns
  private nonMissingStr = 0
  private words = 0
  private spaced = 0
  private totalLen = 0
  private formats = new Map<DateFormat, number>()
  private numberLike = 0
  private notation: NotationSeen | null = null
  private markers = new NumberMarkers()
  private slashOrder = new SlashOrder()
  private dateFormat: DateFormat | undefined
  private dateNote: string | undefined

  constructor(
    readonly name: string,
    readonly override: ColumnType | undefined,
    private readonly ctx: ColumnContext
  ) {
    if (override === 'numeric') this.mode = MODE_NUM
    else if (override) this.mode = MODE_STR
  }

  private noteMissing(line: number): void {
    this.missing++
    if (this.missingLines.length < MISSING_LINES_SHOWN) this.missingLines.push(line)
  }

  private noteInvalid(row: number, line: number, text: string, reason: string): void {
    this.invalid++
    if (this.kept.length < INVALID_KEPT) this.kept.push({ row, line, text, reason })
  }

  add(raw: string, line: number): void {
    const m = this.mode
    if (m === MODE_NUM) return this.addNum(raw, line)
    if (m === MODE_STR) return this.addStr(raw, line)
    const t = trimCell(raw)
    this.bufRaw.push(raw)
    this.bufLine.push(line)
    if (t === '' || this.ctx.missingWords.has(t)) return
    this.sampleNonMissing++
    if (!Number.isNaN(parseNumber(t, this.ctx.decimalComma))) this.sampleNumeric++
    if (this.sampleNonMissing >= TYPE_SAMPLE) this.decide()
  }

  /** Decide numeric vs string storage from the sample and replay the buffered cells. */
  decide(): void {
    if (this.mode !== MODE_UNDECIDED) return
    const numeric = this.sampleNumeric > 0 && this.sampleNumeric >= NUMERIC_SHARE * this.sampleNonMissing
    this.mode = numeric ? MODE_NUM : MODE_STR
    const raw = this.bufRaw,
      lines = this.bufLine
    this.bufRaw = []
    this.bufLine = []
    for (let k = 0; k < raw.length; k++) this.add(raw[k]!, lines[k]!)
  }

  private addNum(raw: string, line: number): void {
    const row = this.rows++
    let v = parseNumber(raw, this.ctx.decimalComma)
    if (Number.isNaN(v)) {
      const t = trimCell(raw)
      if (t === '' || this.ctx.missingWords.has(t)) this.noteMissing(line)
      else this.noteInvalid(row, line, t, notANumber(q(t), notationOf(t, this.ctx.decimalComma)))
      this.nums.push(NaN)
      return
    }
    if (v === 0) v = 0 // -0 -> 0
    this.nums.push(v)
    this.stats.add(v)
  }

  private addStr(raw: string, line: number): void {
    this.rows++
    const t = trimCell(raw)
    if (t === '') {
      this.noteMissing(line)
      this.strs.push(null)
      return
    }
    this.nonMissingStr++
    let v = t
    if (this.intern.size < DISTINCT_CAP) {
      const got = this.intern.get(t)
      if (got === undefined) this.intern.set(t, t)
      else v = got
    }
    this.strs.push(v)
    if (this.ctx.missingWords.has(t)) {
      this.words++
      return
    }
    this.totalLen += t.length
    if (/\s/.test(t)) this.spaced++
    let f = dateFormatOf(t)
    if (f && this.ctx.dateOrder === 'ymd' && !f.startsWith('YYYY') && !f.includes('MMM')) f = null
    if (f === 'MM/DD/YYYY') this.slashOrder.note(t, line)
    if (f) this.formats.set(f, (this.formats.get(f) ?? 0) + 1)
    else if (!this.override) this.noteNotation(t, line)
  }

  private noteNotation(t: string, line: number): void {
    if (!Number.isNaN(parseNumber(t, this.ctx.decimalComma))) {
      this.markers.note(t, true)
      this.numberLike++
      return
    }
    const n = notationOf(t, this.ctx.decimalComma)
    this.markers.note(t, false, n !== null)
    if (n === null || n === 'unit') return
    this.numberLike++
    if (!this.notation) this.notation = { line, text: t, notation: n }
  }

  /** The finished column: its info, values and warnings; `lineOf(row)` gives a data row's first line. */
  finish(lineOf: (row: number) => number): {
    info: ColumnInfo
    values: Float64Array | (string | null)[]
    warnings: string[]
  } {
    this.decide()
    const r = this.mode === MODE_NUM ? this.finishNum() : this.finishStr(lineOf)
    if (this.invalid > 0) r.info.invalid = this.invalid
    return { ...r, warnings: this.warnings(r.info) }
  }

  private finishNum(): { info: ColumnInfo; values: Float64Array } {
    const s = this.stats
    const distinct = s.distinct.size
    let type: ColumnType = this.override ?? 'numeric'
    const distinctInts = s.allInt && (s.increasing || (!s.capped && distinct === s.nonMissing))
    if (!this.override && ID_NAME_RE.test(this.name) && s.nonMissing > 0 && distinctInts) type = 'id'
    const info: ColumnInfo = { name: this.name, type, missing: this.missing, distinct }
    if (s.nonMissing > 0) {
      info.min = s.min
      info.max = s.max
      info.mean = s.sum / s.nonMissing
    }
    return { info, values: this.nums.result() }
  }

  private textType(): ColumnType {
    const n = this.nonMissingStr
    const distinct = this.intern.size
    const capped = distinct >= DISTINCT_CAP
    const avgLen = this.totalLen / Math.max(1, n - this.words)
    if (n === 0) return 'text'
    if (this.dominantFormat()) return 'datetime'
    if (!capped && (distinct <= 20 || distinct <= 0.5 * n) && avgLen <= 64) return 'categorical'
    if (ID_NAME_RE.test(this.name) || (this.spaced === 0 && !capped && distinct === n && avgLen <= 64)) return 'id'
    if (this.spaced >= 0.5 * n || avgLen > 20) return 'text'
    return 'categorical'
  }

  /** The date format of at least half of the column's values (the most frequent one), if any. */
  private dominantFormat(): DateFormat | null {
    let best: DateFormat | null = null,
      count = 0
    for (const [f, c] of this.formats) if (c > count) [best, count] = [f, c]
    const values = this.nonMissingStr - this.words
    return count > 0 && count >= NUMERIC_SHARE * values ? best : null
  }

  private finishStr(lineOf: (row: number) => number): { info: ColumnInfo; values: (string | null)[] } {
    const type = this.override ?? this.textType()
    const info: ColumnInfo = { name: this.name, type, missing: this.missing, distinct: this.intern.size }
    if (type === 'datetime') {
      let format = this.dominantFormat() ?? [...this.formats.keys()][0] ?? 'YYYY-MM-DD'
      if (format === 'MM/DD/YYYY') {
        const o = this.slashOrder.format(this.name, this.ctx.dateOrder)
        format = o.format
        this.dateNote = o.note
      }
      this.dateFormat = info.dateFormat = format
      this.checkDates(format, lineOf)
      info.missing = this.missing
      info.distinct = new Set(this.strs.filter((v) => v !== null)).size
    }
    return { info, values: this.strs }
  }

  /** Datetime columns: missing words become missing values; cells in another format (or no date) are named. */
  private checkDates(format: DateFormat, lineOf: (row: number) => number): void {
    const strs = this.strs
    const missingBefore = this.missingLines.length
    for (let r = 0; r < strs.length; r++) {
      const v = strs[r]
      if (v === null || v === undefined) continue
      if (this.ctx.missingWords.has(v)) {
        this.missing++
        if (this.missingLines.length < MISSING_LINES_SHOWN) this.missingLines.push(lineOf(r))
        strs[r] = null
        continue
      }
      const f = dateFormatOf(v, format === 'DD/MM/YYYY')
      if (f === format && !Number.isNaN(parseDatetime(v, format))) continue
      const reason =
        f === null
          ? `${q(v)} is not a date/time`
          : f === format
            ? `${q(v)} is not a valid date`
            : `${q(v)} is not in the column's date format ${format}`
      this.noteInvalid(r, lineOf(r), v, reason)
      strs[r] = null
    }
    if (missingBefore !== this.missingLines.length) this.missingLines.sort((a, b) => a - b)
  }

  private warnings(info: ColumnInfo): string[] {
    const out: string[] = []
    const col = `column ${q(this.name)}`
    for (const c of this.kept.slice(0, NAMED_CELLS)) out.push(`line ${c.line}, ${col}: ${c.reason}`)
    if (this.invalid > NAMED_CELLS) {
      const what = info.type === 'datetime' ? 'that are not dates in its format' : 'that are not numbers'
      out.push(`${col}: and ${this.invalid - NAMED_CELLS} more cells ${what}`)
    }
    if (this.rows > 0 && this.missing === this.rows) out.push(`${col}: every value is missing`)
    else if (this.missing > 0) {
      const m = this.missing
      const more = m > this.missingLines.length ? ', …' : ''
      out.push(
        `${col}: ${m} missing value${m === 1 ? '' : 's'} (line${m === 1 ? '' : 's'} ${this.missingLines.join(', ')}${more})`
      )
    }
    if (this.dateNote) out.push(this.dateNote)
    const n = this.notation
    const values = this.nonMissingStr - this.words
    if (n && info.type !== 'numeric' && info.type !== 'datetime' && this.numberLike >= NUMERIC_SHARE * values)
      out.push(`line ${n.line}, ${col}: ${notANumber(q(n.text), n.notation)}`)
    const markers =
      info.type !== 'numeric' && info.type !== 'datetime' && this.markers.warning(this.name, info.type, values)
    if (markers) out.push(markers)
    return out
  }

  /** Datetime columns: the first repeated timestamp (both lines) and how many cells repeat one. */
  duplicates(lineOf: (row: number) => number): string | null {
    return findDuplicateTimes(this.strs, lineOf, this.name, this.dateFormat)
  }
}

/** Repeated timestamps in a datetime column: `line 4, column "t": "…" repeats the time of line 3 (…)`. */
function findDuplicateTimes(
  strs: (string | null)[],
  lineOf: (row: number) => number,
  name: string,
  format: DateFormat | undefined
): string | null {
  const rows: number[] = []
  const ms: number[] = []
  for (let r = 0; r < strs.length; r++) {
    const v = strs[r]
    if (v === null || v === undefined) continue
    rows.push(r)
    ms.push(parseDatetime(v, format))
  }
  const order = Array.from(rows.keys()).sort((a, b) => ms[a]! - ms[b]! || rows[a]! - rows[b]!)
  let count = 0,
    first = -1,
    firstOf = -1
  for (let k = 1, start = 0; k < order.length; k++) {
    if (ms[order[k]!] !== ms[order[start]!]) {
      start = k
      continue
    }
    count++
    const r = rows[order[k]!]!
    if (first < 0 || r < first) [first, firstOf] = [r, rows[order[start]!]!]
  }
  if (count === 0) return null
  const more = count > 1 ? ` (${count} cells repeat an earlier time)` : ''
  return `line ${lineOf(first)}, column ${q(name)}: ${q(strs[first]!)} repeats the time of line ${lineOf(firstOf)}${more}`
}
