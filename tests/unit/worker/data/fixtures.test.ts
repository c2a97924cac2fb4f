// One test per tricky / bad CSV file in tests/fixtures/csv: the exact refusal message, or the parsed result.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CsvImportError,
  createCsvStream,
  parseCsv,
  type ImportOptions,
  type ParsedTable
} from '../../../../src-worker/data/csv'

const DIR = 'tests/fixtures/csv'
const read = (f: string) => new Uint8Array(readFileSync(join(DIR, f)))

function refusal(bytes: Uint8Array, opts?: ImportOptions): CsvImportError {
  try {
    parseCsv(bytes, opts)
  } catch (e) {
    expect(e).toBeInstanceOf(CsvImportError)
    return e as CsvImportError
  }
  throw new Error('expected a CsvImportError')
}

function streamed(bytes: Uint8Array, size: number, opts?: ImportOptions): ParsedTable | string {
  try {
    const s = createCsvStream(opts)
    for (let o = 0; o < bytes.length; o += size) s.push(bytes.subarray(o, o + size))
    return s.end()
  } catch (e) {
    if (e instanceof CsvImportError) return e.message
    throw e
  }
}

const bad: [file: string, message: string, opts?: ImportOptions][] = [
  ['empty.csv', 'line 1: the file is empty (no header line)'],
  ['only-newlines.csv', 'line 1: the file is empty (no header line)'],
  ['invalid-utf8.csv', 'line 3: not a text CSV (invalid UTF-8 byte 0xff at byte 10; save the file as UTF-8)'],
  ['latin1.csv', 'line 2: not a text CSV (invalid UTF-8 byte 0xfc at byte 12; save the file as UTF-8)'],
  ['truncated-utf8.csv', 'line 2: not a text CSV (truncated UTF-8 sequence at the end of the file, byte 6)'],
  ['binary.csv', 'line 1: not a text CSV (invalid UTF-8 byte 0x89 at byte 0; save the file as UTF-8)'],
  ['nul-byte.csv', 'line 3: not a text CSV (NUL byte found; binary file or UTF-16 without a byte-order mark)'],
  ['utf16le-no-bom.csv', 'line 1: not a text CSV (NUL byte found; binary file or UTF-16 without a byte-order mark)'],
  ['utf16-unpaired-surrogate.csv', 'line 2: not a text CSV (invalid UTF-16LE: unpaired high surrogate at byte 14)'],
  ['empty-header-name.csv', 'line 1, column 2: empty column name in the header'],
  ['duplicate-header.csv', 'line 1, column 3: duplicate column name "temp" (same as column 2)'],
  ['too-few-fields.csv', 'line 3: expected 3 fields (as in the header), found 2: "4,5"'],
  ['too-many-fields.csv', 'line 4: expected 2 fields (as in the header), found 3: "5,6,7"'],
  ['not-a-number.csv', 'line 7, column "temp": "abc" is not a number'],
  ['hex-number.csv', 'line 14, column "x": "0x1F" is not a number'],
  ['overflow-number.csv', 'line 14, column "x": "1e400" is not a number'],
  ['comma-decimal-without-option.csv', 'line 14, column "y": "3,14" is not a number'],
  [
    'unterminated-quote.csv',
    'line 2, column "b": quoted field is never closed (missing closing quote): "\\"open\\n2,3\\n"'
  ],
  ['text-after-quote.csv', 'line 2, column "b": text after the closing quote: "\\"closed\\"x"'],
  // papaparse drops whitespace after a closing quote silently; the import keeps refusing it
  ['space-after-quote.csv', 'line 2, column "b": text after the closing quote: "\\"x\\" "'],
  [
    'quote-in-unquoted.csv',
    'line 2, column "b": quote inside an unquoted field: "5\'11\\"" (quote the whole field and double the quotes inside it)'
  ],
  ['error-after-multiline.csv', 'line 18, column "value": "oops" is not a number'],
  [
    'decimal-comma-comma-delimited.csv',
    'line 1: decimal comma needs a delimiter other than "," (the file looks comma-separated; choose ; tab or |)',
    { decimalComma: true }
  ]
]

describe('bad CSV files are refused with one located message', () => {
  it('covers every file in bad/', () => {
    expect(readdirSync(join(DIR, 'bad')).sort()).toEqual(bad.map((b) => b[0]).sort())
  })
  for (const [file, message, opts] of bad) {
    it(file, () => {
      const bytes = read(`bad/${file}`)
      const e = refusal(bytes, opts)
      expect(e.message).toBe(message)
      expect(e.name).toBe('CsvImportError')
      expect(e.message.startsWith(`line ${e.line}`)).toBe(true)
      for (const size of [1, 3, 17]) expect(streamed(bytes, size, opts)).toBe(message)
    })
  }
})

const num = (t: ParsedTable, k: number) => Array.from(t.values[k] as Float64Array)

const good: [file: string, check: (t: ParsedTable) => void, opts?: ImportOptions][] = [
  [
    'crlf.csv',
    (t) => {
      expect(num(t, 1)).toEqual([10.5, 11, 12.25])
    }
  ],
  [
    'lone-cr.csv',
    (t) => {
      expect(num(t, 1)).toEqual([10.5, 11, 12.25])
    }
  ],
  [
    'mixed-newlines.csv',
    (t) => {
      expect(num(t, 1)).toEqual([10.5, 11, 12.25])
      expect(Array.from(t.rowLines!)).toEqual([2, 3, 4])
    }
  ],
  [
    'quoted-multiline.csv',
    (t) => {
      expect(t.values[1]).toEqual(['hello, world', 'two\nlines', 'say "hi"', 'lone\ncr'])
      expect(Array.from(t.rowLines!)).toEqual([2, 3, 5, 6])
      expect(num(t, 2)).toEqual([1.5, 2.5, 3.5, 4.5])
    }
  ],
  [
    'semicolon-decimal-comma.csv',
    (t) => {
      expect(t.delimiter).toBe(';')
      expect(t.columns.map((c) => c.type)).toEqual(['datetime', 'numeric', 'numeric'])
      expect(num(t, 1)).toEqual([3.5, -1.25, 0.75])
    },
    { decimalComma: true }
  ],
  [
    'tab.csv',
    (t) => {
      expect(t.delimiter).toBe('\t')
      expect(t.values[2]).toEqual(['x', 'y'])
    }
  ],
  [
    'pipe.csv',
    (t) => {
      expect(t.delimiter).toBe('|')
      expect(t.values[1]).toEqual(['x|y', 'z'])
    }
  ],
  [
    'utf8-bom.csv',
    (t) => {
      expect(t.columns[0]!.name).toBe('name')
      expect(t.values[0]).toEqual(['Äpfel', 'Öl'])
    }
  ],
  [
    'utf16le-bom.csv',
    (t) => {
      expect(t.encoding).toBe('utf-16le')
      expect(t.values[0]).toEqual(['Äpfel', 'Öl'])
      expect(num(t, 1)).toEqual([1, 2])
    }
  ],
  [
    'utf16be-bom.csv',
    (t) => {
      expect(t.encoding).toBe('utf-16be')
      expect(t.values[0]).toEqual(['Äpfel', 'Öl'])
    }
  ],
  [
    'missing-values.csv',
    (t) => {
      expect(t.columns[0]!.missing).toBe(3)
      expect(t.values[1]).toEqual(['a', 'b', 'c', null, 'e', 'f'])
      expect(t.warnings).toContain('column "x": 3 missing values (lines 3, 4, 6)')
      expect(t.warnings).toContain('column "y": 1 missing value (line 5)')
    }
  ],
  [
    'blank-lines.csv',
    (t) => {
      expect(t.rowCount).toBe(2)
      expect(t.warnings).toEqual(['3 blank lines skipped (lines 3, 5, 6)'])
    }
  ],
  [
    'no-final-newline.csv',
    (t) => {
      expect(num(t, 1)).toEqual([2, 4])
    }
  ],
  [
    'padded.csv',
    (t) => {
      expect(t.columns.map((c) => c.name)).toEqual(['x', 'y'])
      expect(num(t, 1)).toEqual([2.5, 4])
    }
  ],
  [
    'infinity.csv',
    (t) => {
      expect(t.columns[0]!.missing).toBe(2)
      expect(t.warnings).toContain('column "x": 2 infinite values counted as missing')
    }
  ],
  [
    'quoted-numbers.csv',
    (t) => {
      expect(num(t, 1)).toEqual([2, 400])
    }
  ],
  [
    'single-column.csv',
    (t) => {
      expect(t.columns).toHaveLength(1)
      expect(num(t, 0)).toEqual([1, 2, 3])
    }
  ],
  [
    'quoted-header.csv',
    (t) => {
      expect(t.columns.map((c) => c.name)).toEqual(['id, with comma', 'say "hi"'])
    }
  ],
  [
    'leading-blank-lines.csv',
    (t) => {
      expect(t.columns.map((c) => c.name)).toEqual(['x', 'y'])
      expect(Array.from(t.rowLines!)).toEqual([5])
    }
  ],
  [
    'trailing-empty-field.csv',
    (t) => {
      expect(t.values[2]).toEqual([null, null])
      expect(t.warnings).toEqual(['column "c": every value is missing'])
    }
  ]
]

describe('tricky but valid CSV files', () => {
  it('covers every file in good/', () => {
    expect(readdirSync(join(DIR, 'good')).sort()).toEqual(good.map((g) => g[0]).sort())
  })
  for (const [file, check, opts] of good) {
    it(file, () => {
      const bytes = read(`good/${file}`)
      const t = parseCsv(bytes, opts)
      check(t)
      for (const v of t.values) if (!(v instanceof Float64Array)) for (const s of v) expect(s ?? '').not.toContain('\r')
      for (const size of [1, 2, 5]) expect(streamed(bytes, size, opts)).toEqual(t)
    })
  }
})
