// Type inference, overrides, missing/Inf cells, delimiter sniffing, streaming from files and the fast preview.
import { MAX_COLUMN_NAME } from '../../../../src-shared/contract'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  CsvImportError,
  DISTINCT_CAP,
  TYPE_SAMPLE,
  createCsvStream,
  notationOf,
  parseCsv,
  parseDatetime,
  sniffDelimiter,
  type ImportOptions
} from '../../../../src-worker/data/csv'
import { importCsvFile, previewCsvFile } from '../../../../src-worker/data/csv-file'

const enc = (s: string) => new TextEncoder().encode(s)
const table = (header: string, rows: string[], opts?: ImportOptions) =>
  parseCsv(enc([header, ...rows].join('\n')), opts)
const types = (header: string, rows: string[], opts?: ImportOptions) =>
  table(header, rows, opts).columns.map((c) => c.type)
const err = (f: () => unknown): CsvImportError => {
  try {
    f()
  } catch (e) {
    if (e instanceof CsvImportError) return e
    throw e
  }
  throw new Error('no error')
}

describe('type inference', () => {
  it('numeric when at least half of the non-missing sampled cells are numbers; every other cell is named', () => {
    const rows = Array.from({ length: 30 }, (_, k) => `${k}`)
    rows[20] = 'n/a?'
    const t = table('x', rows)
    expect(t.columns[0]).toMatchObject({ type: 'numeric', invalid: 1, missing: 0 })
    expect(t.warnings).toEqual(['line 22, column "x": "n/a?" is not a number'])
    const half = Array.from({ length: 30 }, (_, k) => (k % 2 === 0 ? 'low' : `${k}`)) // 50 % numbers
    expect(types('x', half)).toEqual(['numeric'])
    expect(table('x', half).warnings).toHaveLength(11) // ten named, then "and 5 more"
    const few = Array.from({ length: 30 }, (_, k) => (k % 5 < 3 ? 'low' : `${k}`)) // 40 % numbers
    expect(types('x', few)).toEqual(['categorical'])
    expect(types('x', half, { typeOverrides: { x: 'text' } })).toEqual(['text'])
  })
  it('decides on the first TYPE_SAMPLE non-missing cells: a late non-number is named at its line', () => {
    const rows = Array.from({ length: TYPE_SAMPLE + 50 }, (_, k) => String(k))
    rows.push('oops')
    const t = table('x', rows)
    expect(t.warnings).toEqual([`line ${TYPE_SAMPLE + 52}, column "x": "oops" is not a number`])
    expect(t.invalidCells![0]).toMatchObject({ row: TYPE_SAMPLE + 50, line: TYPE_SAMPLE + 52 })
  })
  it('categorical, text, id and datetime', () => {
    const n = 40
    const rows = Array.from({ length: n }, (_, k) =>
      [
        `${['red', 'green', 'blue'][k % 3]}`,
        `"sentence number ${k} with words"`,
        `u${k}x${k * 7}`,
        `2024-01-${String((k % 28) + 1).padStart(2, '0')} 12:00`,
        String(k + 1)
      ].join(',')
    )
    expect(types('color,note,code,when,row_id', rows)).toEqual(['categorical', 'text', 'id', 'datetime', 'id'])
  })
  it('overrides: numeric names non-numbers, categorical keeps the raw text of numbers, datetime names non-dates', () => {
    const t = table('zip,v', ['01234,1', '02134,2', '1e3,3'], { typeOverrides: { zip: 'categorical' } })
    expect(t.values[0]).toEqual(['01234', '02134', '1e3'])
    expect(t.columns[0]!.type).toBe('categorical')
    expect(table('a,b', ['x,1', 'y,2'], { typeOverrides: { a: 'numeric' } }).warnings).toEqual([
      'line 2, column "a": "x" is not a number',
      'line 3, column "a": "y" is not a number'
    ])
    const d = table('d', ['2024-01-01', 'soon'], { typeOverrides: { d: 'datetime' } })
    expect(d.warnings).toEqual(['line 3, column "d": "soon" is not a date/time'])
    expect(d.values[0]).toEqual(['2024-01-01', null])
    expect(err(() => table('a', ['1'], { typeOverrides: { b: 'numeric' } })).message).toBe(
      'line 1: type override for unknown column "b" (columns: "a")'
    )
  })
  it('ignore leaves a column out: no values, stats, preview cells or named cells; the field count still holds', () => {
    const t = table('a,b,c', ['1,x,2024-01-01', '2,y,13/04/2024', '3,z,04/14/2024'], { typeOverrides: { c: 'ignore' } })
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b'])
    expect(t.values).toHaveLength(2)
    expect(t.preview).toEqual([
      ['1', 'x'],
      ['2', 'y'],
      ['3', 'z']
    ])
    expect(t.warnings).toEqual([])
    const named = table('a,b,c', ['1,x,1', 'oops,y,2'], { typeOverrides: { b: 'ignore' } })
    expect(named.invalidCells).toEqual([{ column: 0, row: 1, line: 3, text: 'oops', reason: '"oops" is not a number' }])
    expect(err(() => table('a,b', ['1,2', '3'], { typeOverrides: { b: 'ignore' } })).message).toBe(
      'line 3: expected 2 fields (as in the header), found 1: "3"'
    )
    expect(err(() => table('a', ['1'], { typeOverrides: { a: 'ignore' } })).message).toBe(
      'line 1: every column is ignored'
    )
  })
  it('column names that are Object.prototype keys are plain columns', () => {
    const t = table('constructor,toString,__proto__', ['1,a,x', '2,b,y'])
    expect(t.columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'categorical'])
    expect(err(() => table('a', ['1'], { typeOverrides: { a: 'number' as never } })).message).toBe(
      'line 1: unknown type "number" for column "a"'
    )
  })
  it('counts distinct values up to the cap, and numeric stats skip missing cells', () => {
    const t = table(
      'v,w',
      Array.from({ length: DISTINCT_CAP + 5 }, (_, k) => `${k},${k % 2 ? 'NA' : '4'}`)
    )
    expect(t.columns[0]!.distinct).toBe(DISTINCT_CAP)
    const ids = table(
      'row_id,v',
      Array.from({ length: DISTINCT_CAP + 5 }, (_, k) => `${k + 1},${k}`)
    )
    expect(ids.columns.map((c) => c.type)).toEqual(['id', 'numeric'])
    expect(t.columns[1]).toMatchObject({ type: 'numeric', missing: 5002, min: 4, max: 4, mean: 4, distinct: 1 })
  })
  it('a missing-values warning lists the first lines', () => {
    const t = table('v,w', ['1,a', ',a', '3,a', 'NA,a', 'NaN,a', '6,a', 'null,a', ',a', '9,a'])
    expect(t.columns[0]!.missing).toBe(5)
    expect(t.warnings).toEqual(['column "v": 5 missing values (lines 3, 5, 6, 8, 9)'])
    const u = table('v,w', ['1,a', ',a', '3,a', 'NA,a', 'NaN,a', '6,a', 'null,a', ',a', '9,a', '#N/A,b'])
    expect(u.warnings).toEqual(['column "v": 6 missing values (lines 3, 5, 6, 8, 9, …)'])
    // in a one-column file an empty line is a blank line, not a missing value
    expect(table('v', ['1', '', '3']).warnings).toEqual(['1 blank line skipped (line 3)'])
    expect(table('v,w', ['1,2', ' \t ', '3,4']).warnings).toEqual(['1 blank line skipped (line 3)'])
    expect(table('v', ['1', '""', '3']).columns[0]!.missing).toBe(1) // a quoted empty field is a value, not a blank line
  })
  it('parses datetimes to UTC milliseconds', () => {
    expect(parseDatetime('2024-02-03')).toBe(Date.UTC(2024, 1, 3))
    expect(parseDatetime('2024-02-03T04:05:06.5Z')).toBe(Date.UTC(2024, 1, 3, 4, 5, 6, 500))
    expect(parseDatetime('2024-02-03 04:05+01:00')).toBe(Date.UTC(2024, 1, 3, 3, 5))
    expect(parseDatetime('03.02.2024')).toBe(Date.UTC(2024, 1, 3))
    expect(parseDatetime('1958-03')).toBe(Date.UTC(1958, 2, 1))
    expect(parseDatetime('2024-13-01')).toBeNaN()
    expect(parseDatetime('2024-02-29')).toBe(Date.UTC(2024, 1, 29))
    expect(parseDatetime('2023-02-29')).toBeNaN()
    expect(parseDatetime('31.04.2024')).toBeNaN()
    expect(parseDatetime('02/30/2024 10:00')).toBeNaN()
  })
  it('names a column of percentages, amounts of money or Unicode minus signs once instead of reading it silently as classes', () => {
    const rows = Array.from({ length: 30 }, (_, k) => `${k},${k * 1.5}%,$${k * 100 + 1000},\u2212${k}`)
    const t = table('t,rate,price,delta', rows)
    expect(t.columns.map((c) => c.type)).toEqual(['numeric', 'id', 'id', 'id'])
    expect(t.warnings).toEqual([
      'line 2, column "rate": "0%" is a percentage; write numbers without "%"',
      'line 2, column "price": "$1000" has a currency sign; write numbers without one',
      'line 2, column "delta": "\u22120" has a Unicode minus sign (−); write "-" instead'
    ])
    const eu = table('t;price', ['1;"1\u00a0200,50 €"', '2;"3,50 €"', '3;4,00 €'], { decimalComma: true })
    expect(eu.warnings).toEqual([
      'line 2, column "price": "1\u00a0200,50 €" has a currency sign; write numbers without one'
    ])
    const one = table('x', [...Array.from({ length: 20 }, (_, k) => String(k)), '12%', '1\u202f234'])
    expect(one.columns[0]!.type).toBe('numeric')
    expect(one.warnings).toEqual([
      'line 22, column "x": "12%" is a percentage; write numbers without "%"',
      'line 23, column "x": "1\u202f234" has a thousands separator; write numbers without one'
    ])
  })
  it('names the few words of a column of numbers that they turn into classes ("-" for no value)', () => {
    const rows = Array.from({ length: 20 }, (_, k) => `${k},${k % 5 ? '-' : k / 2},${k % 4 ? 'a' + (k % 6) : k}`)
    const t = table('t,y,z', rows)
    expect(t.columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'categorical'])
    expect(t.warnings).toEqual([
      'column "y": 4 of 20 values are numbers and the others are "-" (16 cells), so the column is categorical; if that means no value, add it to the missing-value words (--missing-words) or read the column as numbers (--types y=numeric)'
    ])
    const fixed = table('t,y,z', rows, { missingWords: ['-'] })
    expect(fixed.columns[1]).toMatchObject({ type: 'numeric', missing: 16 })
  })
  it('names an impossible day of the month instead of rolling it into the next month', () => {
    const t = table('date,y', ['2024-02-28,1', '2024-02-30,2', '2024-03-01,3'])
    expect(t.columns[0]!.type).toBe('datetime')
    expect(t.warnings).toEqual(['line 3, column "date": "2024-02-30" is not a valid date'])
  })
})

describe('pathological shapes stay linear', () => {
  it('a very wide file, one long line of quoted fields, and a multi-megabyte quoted field', () => {
    const t0 = performance.now()
    const n = 10_000
    const wide =
      Array.from({ length: n }, (_, k) => `"c${k}"`).join(',') +
      '\n' +
      Array.from({ length: n }, (_, k) => `"${k}"`).join(',') +
      '\n'
    expect(parseCsv(enc(wide)).columns).toHaveLength(n)
    const big = 'x\n"' + 'a""b\r\n'.repeat(500_000) + '"\n'
    const t = parseCsv(enc(big))
    expect((t.values[0] as string[])[0]).toHaveLength(2_000_000)
    expect(performance.now() - t0).toBeLessThan(5000)
  })
  it('a long cell of digits in a text column is not searched for a number notation (no regex backtracking)', () => {
    expect(notationOf('1'.repeat(100) + 'px', false)).toBeNull()
    expect(notationOf('1'.repeat(90) + 'px', false)).toBe('unit')
    const digits = '1'.repeat(1_000_000) + 'x1'
    const t = table('a,b', ['1,word', '2,words', '3,' + digits])
    expect((t.values[1] as string[])[2]).toHaveLength(digits.length)
  })
})

describe('delimiters', () => {
  it('sniffs outside quotes and prefers a delimiter that gives every line the header count', () => {
    expect(sniffDelimiter('a;b\n"1,2,3";4\n"5,6";7\n', true)).toBe(';')
    expect(sniffDelimiter('a,b\n1;2,3\n', true)).toBe(',')
    expect(sniffDelimiter('a\tb|c\n1\t2|3\n', true)).toBe('\t')
    expect(sniffDelimiter('value\n1\n', true)).toBe(',')
  })
  it('detects an unambiguous decimal comma, and names the control when it is turned off or on wrongly', () => {
    const csv = enc('a;b\n3,5;x\n-0,25;y\n7;z\n')
    const auto = parseCsv(csv)
    expect(auto.decimalComma).toBe(true)
    expect(Array.from(auto.values[0] as Float64Array)).toEqual([3.5, -0.25, 7])
    const t = parseCsv(csv, { decimalComma: false })
    expect(t.columns[0]!.type).toBe('categorical')
    expect(t.warnings).toEqual([
      'line 2, column "a": "3,5" has a decimal comma; turn on "Decimal comma" (--decimal-comma) to read it as a number'
    ])
    const u = parseCsv(enc('a;b\n3.5;x\n-0.25;y\n'), { decimalComma: true })
    expect(u.warnings).toEqual([
      'line 2, column "a": "3.5" has a decimal point, but "Decimal comma" is on (--decimal-comma)'
    ])
    // thousands groups are ambiguous: no detection
    expect(parseCsv(enc('a;b\n1,234;x\n2,500;y\n')).decimalComma).toBe(false)
  })
  it('the delimiter option overrides sniffing', () => {
    const t = parseCsv(enc('a;b,c\n1;2,3\n'), { delimiter: ',' })
    expect(t.columns.map((c) => c.name)).toEqual(['a;b', 'c'])
    expect(t.delimiter).toBe(',')
  })
  it('decimal comma: ";" files with "3,5"; a "." is then not a decimal point', () => {
    const t = parseCsv(enc('a;b\n3,5;1\n-0,25;2\n'), { decimalComma: true })
    expect(Array.from(t.values[0] as Float64Array)).toEqual([3.5, -0.25])
    const named = parseCsv(enc('a;b\n' + Array.from({ length: 12 }, (_, k) => `${k},5;1`).join('\n') + '\n1.5;2\n'), {
      decimalComma: true
    })
    expect(named.warnings).toEqual([
      'line 14, column "a": "1.5" has a decimal point, but "Decimal comma" is on (--decimal-comma)'
    ])
  })
})

describe('streaming import from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-data-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const body =
    'date,v,label\r\n' +
    Array.from({ length: 30000 }, (_, k) => `2024-01-01,${k * 0.5},"l${k % 4}\r\nx"`).join('\r\n') +
    '\r\n'
  const file = join(dir, 'big.csv')
  writeFileSync(file, body)

  it('gives the same table as parseCsv, for several chunk sizes, with progress', async () => {
    const whole = parseCsv(enc(body))
    for (const chunkSize of [4093, 1 << 20]) {
      const seen: number[] = []
      const t = await importCsvFile(file, { chunkSize, onProgress: (p) => seen.push(p.bytes) })
      expect(t).toEqual(whole)
      expect(seen.at(-1)).toBe(enc(body).length)
    }
    expect(whole.rowLines![29999]).toBe(2 + 29999 * 2)
  })
  it('can be cancelled with an AbortSignal', async () => {
    const ac = new AbortController()
    let calls = 0
    const p = importCsvFile(file, {
      chunkSize: 1000,
      signal: ac.signal,
      onProgress: () => {
        if (++calls === 3) ac.abort()
      }
    })
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
  })
  it('a fast preview reads only the beginning of a big file', async () => {
    const t = await previewCsvFile(file, { chunkSize: 4096, maxRows: 20 })
    expect(t.rowCount).toBe(20)
    expect(t.preview).toHaveLength(20)
    expect(t.bytesRead).toBeLessThan(t.totalBytes / 10)
    expect(t.columns.map((c) => c.type)).toEqual(['datetime', 'numeric', 'categorical'])
    expect((await previewCsvFile(file)).rowCount).toBe(1000)
  })
  it('one big push reports progress per MiB and honours the signal; a failed stream stays failed', () => {
    const big = enc('v\n' + '1234567\n'.repeat(400_000))
    const seen: number[] = []
    const t = parseCsv(big, { onProgress: (p) => seen.push(p.bytes) })
    expect(t.rowCount).toBe(400_000)
    expect(seen.length).toBeGreaterThanOrEqual(4)
    expect(seen.at(-1)).toBe(big.length)
    const ac = new AbortController()
    ac.abort()
    expect(() => parseCsv(big, { signal: ac.signal })).toThrow(expect.objectContaining({ name: 'AbortError' }))
    const s = createCsvStream({ delimiter: ',' }) // no sniffing: the tokenizer starts at once
    const e = err(() => s.push(enc('a,b\n1,"x"y\n' + '1,2\n'.repeat(200))))
    expect(() => s.push(enc('2,3\n'))).toThrow(e)
    expect(() => s.end()).toThrow(e)
  })
  it('the stream refuses bad data wherever the chunk boundaries fall', () => {
    const bad = enc('a,b\n1,2\n3,"x\n')
    for (const size of [1, 2, 3, 100]) {
      const s = createCsvStream()
      const run = () => {
        for (let o = 0; o < bad.length; o += size) s.push(bad.subarray(o, o + size))
        s.end()
      }
      expect(err(run).message).toBe(
        'line 3, column "b": quoted field is never closed (missing closing quote): "\\"x\\n"'
      )
    }
  })
})

describe('no-break spaces around a number', () => {
  it('are trimmed like spaces: a column of numbers with a trailing U+00A0, U+2007 or U+202F stays numeric', () => {
    const t = table('x,y', ['1,2', '2\u00a0,3', '\u202f3,4', '4\u2007,5'])
    expect(t.columns[0]!.type).toBe('numeric')
    expect(Array.from(t.values[0] as Float64Array)).toEqual([1, 2, 3, 4])
  })
})

describe('header names', () => {
  it('a name longer than a mapping can name is refused at import, shown cut short', () => {
    const long = 'x'.repeat(MAX_COLUMN_NAME + 1)
    expect(() => table(`a,${long}`, ['1,2'])).toThrow(
      `line 1, column 2: the column name "${'x'.repeat(40)}…" is 501 characters long; names are at most 500 (a header this long is usually data: use --no-header)`
    )
    expect(table(`a,${'y'.repeat(MAX_COLUMN_NAME)}`, ['1,2']).columns[1]!.name).toHaveLength(MAX_COLUMN_NAME)
  })
})

describe('dates with month names', () => {
  it('read either way round, whole or cut short, with or without a comma and a time', () => {
    expect(parseDatetime('Jan 5, 2024')).toBe(Date.UTC(2024, 0, 5))
    expect(parseDatetime('January 5 2024')).toBe(Date.UTC(2024, 0, 5))
    expect(parseDatetime('Sept. 2, 2024 10:30')).toBe(Date.UTC(2024, 8, 2, 10, 30))
    expect(parseDatetime('05-Jan-2024')).toBe(Date.UTC(2024, 0, 5))
    expect(parseDatetime('7 february 2024')).toBe(Date.UTC(2024, 1, 7))
    for (const no of ['Feb 30, 2024', 'Jun 5', 'Mayo 5, 2024', 'Xyz 5, 2024', '5 Foo 2024'])
      expect(parseDatetime(no)).toBeNaN()
  })

  it('type a column as datetime in its format, and a day the month lacks is named', () => {
    const t = table('Date,Price', ['"Jan 5, 2024",10', '"Jan 6, 2024",11', '"Feb 30, 2024",12', '"Mar 1, 2024",13'])
    expect(t.columns[0]).toMatchObject({ type: 'datetime', dateFormat: 'MMM D, YYYY' })
    expect(t.warnings.join()).toMatch('line 4, column "Date": "Feb 30, 2024" is not a valid date')
    expect(table('day,v', ['05-Jan-2024,1', '6 Jan 2024,2']).columns[0]).toMatchObject({
      type: 'datetime',
      dateFormat: 'D MMM YYYY'
    })
  })
})
