/**
 * Cell values for the CSV import: the strict decimal grammar (and why a cell is not a number), missing-value
 * words, and date formats.
 */

/** Words that mean "no value" in numeric and datetime columns (compared after trimming spaces); in text and
 * categorical columns they are ordinary values. An empty cell is missing in every column. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
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
/** Non-finite spellings: never numbers (named as such in numeric columns). */
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

/** A space, a tab, or a no-break space (U+00A0, figure U+2007, narrow U+202F) that spreadsheets leave around
 * numbers and that cannot be seen in a cell. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x2007 || c === 0x202f
}

/** Trim spaces, tabs and no-break spaces (not newlines, which are data inside quoted fields). */
export function trimCell(s: string): string {
  const n = s.length
  if (n === 0) return s
  if (!isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(n - 1))) return s
  let i = 0,
    j = n
  while (i < j && isSpace(s.charCodeAt(i))) i++
  while (j > i && isSpace(s.charCodeAt(j - 1))) j--
  return s.slice(i, j)
}

/** Empty or one of the default missing words (used where no import options apply, e.g. inference). */
export function isMissingToken(s: string): boolean {
  const t = trimCell(s)
  return t === '' || MISSING_TOKENS.has(t)
}

const POW10: number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`))

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

/** A notation that looks like a number but is not one in the strict grammar. */
export type Notation =
  | 'hexadecimal'
  | 'binary'
  | 'octal'
  | 'infinite'
  | 'overflow'
  | 'thousands'
  | 'decimal-comma'
  | 'decimal-point'
  | 'percent'
  | 'currency'
  | 'unicode-minus'
  | 'unit'

const NOTATIONS: [Notation, RegExp][] = [
  ['hexadecimal', /^[+-]?0[xX][0-9a-fA-F]+$/],
  ['binary', /^[+-]?0[bB][01]+$/],
  ['octal', /^[+-]?0[oO][0-7]+$/],
  ['overflow', /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/]
]
const THOUSANDS_POINT = /^[+-]?\d{1,3}([,' \u00a0\u202f]\d{3})+(\.\d+)?$/
const THOUSANDS_COMMA = /^[+-]?\d{1,3}([.' \u00a0\u202f]\d{3})+(,\d+)?$/
/** a plain or digit-grouped amount, with either decimal mark */
const AMOUNT = String.raw`(\d{1,3}([,.' \u00a0\u202f]\d{3})+([.,]\d+)?|\d+([.,]\d*)?|[.,]\d+)`
const PERCENT = new RegExp(`^[+-]?${AMOUNT}\\s?%$`)
const CURRENCY = new RegExp(`^[+-]?([$€£¥₹]\\s?[+-]?${AMOUNT}|${AMOUNT}\\s?[$€£¥₹])$`)
const UNICODE_MINUS = new RegExp(`^\u2212${AMOUNT}([eE][+-]?\\d+)?$`)
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/
const DECIMAL_POINT = /^[+-]?\d*\.\d+$/
const UNIT = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)\s*[^\d\s.,+-][^\d]*$/

/** Cells longer than this are not looked at as numbers in another notation (a 1 MB cell of digits stays linear). */
const NOTATION_MAX_LENGTH = 100

/** Which number-like notation the (trimmed, non-number) cell `t` is written in, if any. */
export function notationOf(t: string, decimalComma: boolean): Notation | null {
  if (t.length > NOTATION_MAX_LENGTH) return null
  if (NONFINITE_TOKENS.has(t)) return 'infinite'
  for (const [name, re] of NOTATIONS) if (re.test(t)) return name
  if ((decimalComma ? THOUSANDS_COMMA : THOUSANDS_POINT).test(t)) return 'thousands'
  if (!decimalComma && DECIMAL_COMMA.test(t)) return 'decimal-comma'
  if (decimalComma && DECIMAL_POINT.test(t)) return 'decimal-point'
  if (PERCENT.test(t)) return 'percent'
  if (CURRENCY.test(t)) return 'currency'
  if (UNICODE_MINUS.test(t)) return 'unicode-minus'
  if (UNIT.test(t)) return 'unit'
  return null
}

/** Why a cell is not a number, as the end of a message: `"0x1F" is hexadecimal, not a decimal number`. */
export function notANumber(shown: string, notation: Notation | null): string {
  switch (notation) {
    case 'hexadecimal':
    case 'binary':
    case 'octal':
      return `${shown} is ${notation}, not a decimal number`
    case 'infinite':
      return `${shown} is infinite, not a number`
    case 'overflow':
      return `${shown} is out of the range of numbers (±1.8e308)`
    case 'thousands':
      return `${shown} has a thousands separator; write numbers without one`
    case 'decimal-comma':
      return `${shown} has a decimal comma; turn on "Decimal comma" (--decimal-comma) to read it as a number`
    case 'decimal-point':
      return `${shown} has a decimal point, but "Decimal comma" is on (--decimal-comma)`
    case 'percent':
      return `${shown} is a percentage; write numbers without "%"`
    case 'currency':
      return `${shown} has a currency sign; write numbers without one`
    case 'unicode-minus':
      return `${shown} has a Unicode minus sign (−); write "-" instead`
    case 'unit':
      return `${shown} is not a number (it has a unit or suffix)`
    default:
      return `${shown} is not a number`
  }
}

// ---------------------------------------------------------------------------------------------
// dates

/** Date formats a datetime column may use (one per column); the time part may follow any of them. `NN/NN/YYYY` is
 * MM/DD/YYYY or DD/MM/YYYY: the column's cells (a part over 12) or the date order (`dateOrder`) decide. English month
 * names, whole or cut short, read either way round: `Jan 5, 2024`, `January 5 2024`, `5 Jan 2024`, `05-Jan-2024`. */
export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYY/MM/DD',
  'DD.MM.YYYY',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'MMM D, YYYY',
  'D MMM YYYY'
] as const
export type DateFormat = (typeof DATE_FORMATS)[number]
/** How dates written with slashes are read: day first, month first, or only year-first dates are dates. */
export type DateOrder = 'dmy' | 'mdy' | 'ymd'

/** An English month's name (`Jan`, `Sept.`, `january`), whole or cut to three letters or more: its number, else 0. */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH_NAMES = 'january february march april may june july august september october november december'.split(' ')
function monthOf(name: string): number {
  const n = name.toLowerCase().replace(/\.$/, '')
  const k = MONTHS.indexOf(n.slice(0, 3)) + 1
  return k && MONTH_NAMES[k - 1]!.startsWith(n) ? k : 0
}

const MONTH = '([A-Za-z]{3,9}\\.?)'
const DATE_PARTS: [DateFormat, RegExp][] = [
  ['YYYY-MM-DD', /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?/],
  ['YYYY/MM/DD', /^(\d{4})\/(\d{1,2})\/(\d{1,2})/],
  ['DD.MM.YYYY', /^(\d{1,2})\.(\d{1,2})\.(\d{4})/],
  ['MM/DD/YYYY', /^(\d{1,2})\/(\d{1,2})\/(\d{4})/],
  ['DD/MM/YYYY', /^(\d{1,2})\/(\d{1,2})\/(\d{4})/],
  ['MMM D, YYYY', new RegExp(`^${MONTH} (\\d{1,2}),? (\\d{4})`)],
  ['D MMM YYYY', new RegExp(`^(\\d{1,2})[ -]${MONTH}[ -](\\d{4})`)]
]

const DATE_RE = new RegExp(
  `^(\\d{4}-\\d{1,2}(-\\d{1,2})?|\\d{4}/\\d{1,2}/\\d{1,2}|\\d{1,2}[./]\\d{1,2}[./]\\d{4}|${MONTH} \\d{1,2},? \\d{4}|\\d{1,2}[ -]${MONTH}[ -]\\d{4})` +
    `([T ]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$`
)
export function looksLikeDatetime(s: string): boolean {
  return DATE_RE.test(s)
}

/** The date format of a (trimmed) cell, or null when it is not a date/time; `NN/NN/YYYY` is MM/DD/YYYY unless
 * `dayFirst`. */
export function dateFormatOf(t: string, dayFirst = false): DateFormat | null {
  if (!DATE_RE.test(t)) return null
  for (const [f, re] of DATE_PARTS) {
    const m = re.exec(t)
    if (!m) continue
    if (f === 'MMM D, YYYY' && !monthOf(m[1]!)) return null
    if (f === 'D MMM YYYY' && !monthOf(m[2]!)) return null
    return f === 'MM/DD/YYYY' && dayFirst ? 'DD/MM/YYYY' : f
  }
  return null
}

/** Year, month and day of a date cell in format `f` (matched by its DATE_PARTS pattern `dm`). */
function ymdOf(f: DateFormat, dm: RegExpExecArray): [number, number, number] {
  if (f === 'MMM D, YYYY') return [+dm[3]!, monthOf(dm[1]!), +dm[2]!]
  if (f === 'D MMM YYYY') return [+dm[3]!, monthOf(dm[2]!), +dm[1]!]
  const [a, b, c] = [+dm[1]!, +dm[2]!, dm[3] ? +dm[3] : 1]
  if (f === 'DD.MM.YYYY' || f === 'DD/MM/YYYY') return [c, b, a]
  return f === 'MM/DD/YYYY' ? [c, a, b] : [a, b, c]
}

/** `NN/NN/YYYY`: its first two numbers (to tell day-first from month-first cells), else null. */
export function slashParts(t: string): [number, number] | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/\d{4}/.exec(t)
  return m ? [+m[1]!, +m[2]!] : null
}

/** Days in month `mo` (1–12) of year `y` (proleptic Gregorian): 2024-02-30 is no date, not 1 March. */
function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate()
}

/**
 * Parse a datetime cell to epoch milliseconds (UTC unless the text has an offset): ISO-like
 * `YYYY-MM[-DD][ T]HH:MM[:SS[.fff]][Z|±HH:MM]`, `YYYY/MM/DD`, `DD.MM.YYYY`, `MM/DD/YYYY` (`DD/MM/YYYY` when that is
 * the column's `format`), `Jan 5, 2024`, `5 Jan 2024`. NaN if not one.
 */
export function parseDatetime(s: string, format?: string): number {
  const t = s.trim()
  const f = dateFormatOf(t, format === 'DD/MM/YYYY')
  if (!f) return NaN
  const [y, mo, d] = ymdOf(f, DATE_PARTS.find((p) => p[0] === f)![1].exec(t)!)
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN
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

/** Column names that suggest an identifier (a numeric column of distinct integers so named is typed `id`). */
export const ID_NAME_RE = /^(id|.*[_\s.-]id|.*[a-z]Id|uuid|guid|key|index|idx|row|rownum|row_?number)$/i
