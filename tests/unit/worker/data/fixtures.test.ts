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

const NUL_HINT = '(binary data, or UTF-16 without a byte-order mark)'
const bad: [file: string, message: string, opts?: ImportOptions][] = [
  ['empty.csv', 'line 1: the file is empty (no header line)'],
  ['only-newlines.csv', 'line 1: the file is empty (no header line)'],
  ['header-only.csv', 'line 2: no data rows (the file has only a header)'],
  [
    'numeric-first-row.csv',
    'line 1: the first row looks like data, not a header; use --no-header (Data screen: untick "First row is the header")'
  ],
  ['too-many-columns.csv', 'line 1: 10,001 columns; the limit is 10,000 columns'],
  [
    'invalid-utf8.csv',
    'line 3, column "b": not a text CSV (invalid UTF-8 byte 0xff at byte 10; save the file as UTF-8)'
  ],
  ['latin1.csv', 'line 2, column "name": not a text CSV (invalid UTF-8 byte 0xfc at byte 12; save the file as UTF-8)'],
  [
    'truncated-utf8.csv',
    'line 2, column "b": not a text CSV (truncated UTF-8 sequence at the end of the file, byte 6)'
  ],
  ['binary.csv', `line 3: not a text file: NUL byte at offset 8 ${NUL_HINT}`],
  ['random-bytes.csv', 'line 1: not a text file: control byte 0x1f at offset 1'],
  ['nul-byte.csv', `line 3: not a text file: NUL byte at offset 11 ${NUL_HINT}`],
  ['utf16le-no-bom.csv', `line 1: not a text file: NUL byte at offset 1 ${NUL_HINT}`],
  [
    'utf16-bom-utf8-text.csv',
    'line 1: the byte-order mark says UTF-16LE, but the bytes after it are not UTF-16LE text; save the file again as UTF-8'
  ],
  [
    'utf8-bom-utf16-text.csv',
    'line 1: the byte-order mark says UTF-8, but the bytes after it are not UTF-8 text; save the file again as UTF-8'
  ],
  [
    'utf16-unpaired-surrogate.csv',
    'line 2, column "b": not a text CSV (invalid UTF-16LE: unpaired high surrogate at byte 14)'
  ],
  ['empty-header-name.csv', 'line 1, column 2: empty column name in the header'],
  ['duplicate-header.csv', 'line 1, column 3: duplicate column name "temp" (same as column 2)'],
  ['too-few-fields.csv', 'line 3: expected 3 fields (as in the header), found 2: "4,5"'],
  ['too-many-fields.csv', 'line 4: expected 2 fields (as in the header), found 3: "5,6,7"'],
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
  [
    'decimal-comma-comma-delimited.csv',
    'line 1: decimal comma needs a delimiter other than "," (the file looks comma-separated; choose ; tab or |)',
    { decimalComma: true }
  ],
  [
    'dates-both-orders.csv',
    'line 4, column "date": "04/14/2024" has the month first (MM/DD/YYYY), but line 3 "13/04/2024" has the day first (DD/MM/YYYY); choose Reading options → Date order (--date-order dmy|mdy)'
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

/** Files that import, with every cell that does not fit its column named (and kept as a missing value). */
const named: [file: string, types: string[], warnings: string[], opts?: ImportOptions][] = [
  ['not-a-number.csv', ['numeric', 'numeric'], ['line 7, column "temp": "abc" is not a number']],
  [
    'half-numbers.csv',
    ['numeric'],
    ['line 3, column "reading": "low" is not a number', 'line 5, column "reading": "high" is not a number']
  ],
  [
    'many-bad-cells.csv',
    ['numeric', 'numeric'],
    [
      ...[4, 7, 10, 13, 16, 19, 22, 25, 28, 31].map((l) => `line ${l}, column "humidity": "abc" is not a number`),
      'column "humidity": and 3 more cells that are not numbers'
    ]
  ],
  ['hex-number.csv', ['numeric'], ['line 14, column "x": "0x1F" is hexadecimal, not a decimal number']],
  ['hex-column.csv', ['id', 'categorical'], ['line 2, column "value": "0x1F" is hexadecimal, not a decimal number']],
  ['overflow-number.csv', ['numeric'], ['line 14, column "x": "1e400" is out of the range of numbers (±1.8e308)']],
  [
    'infinity.csv',
    ['numeric'],
    ['line 3, column "x": "inf" is infinite, not a number', 'line 4, column "x": "-Infinity" is infinite, not a number']
  ],
  [
    'unit-suffix.csv',
    ['numeric', 'numeric'],
    [
      'line 4, column "humidity": "30px" is not a number (it has a unit or suffix)',
      'line 6, column "humidity": "45%" is a percentage; write numbers without "%"'
    ]
  ],
  [
    'thousands-separator.csv',
    ['numeric', 'numeric'],
    ['line 2, column "sales": "1,234.5" has a thousands separator; write numbers without one']
  ],
  [
    'comma-decimal-without-option.csv',
    ['numeric', 'numeric'],
    [
      'line 14, column "y": "3,14" has a decimal comma; turn on "Decimal comma" (--decimal-comma) to read it as a number'
    ]
  ],
  ['error-after-multiline.csv', ['categorical', 'numeric'], ['line 18, column "value": "oops" is not a number']],
  [
    'mixed-date-formats.csv',
    ['datetime', 'numeric'],
    ['line 3, column "date": "01/06/2024" is not in the column\'s date format YYYY-MM-DD']
  ],
  [
    'duplicate-timestamps.csv',
    ['datetime', 'numeric'],
    ['line 4, column "time": "2024-01-05 11:00" repeats the time of line 3']
  ],
  [
    'dates-ambiguous-order.csv',
    ['datetime', 'numeric'],
    [
      'column "date": dates like NN/NN/YYYY could have the day or the month first (no number over 12); read as MM/DD/YYYY — if the day comes first, choose Reading options → Date order → Day first (--date-order dmy)'
    ]
  ],
  [
    'dates-order-given.csv',
    ['datetime', 'numeric'],
    ['line 4, column "date": "04/14/2024" is not a valid date'],
    { dateOrder: 'dmy' }
  ]
]

describe('files with cells that do not fit their column import and name them', () => {
  it('covers every file in named/', () => {
    expect(readdirSync(join(DIR, 'named')).sort()).toEqual(named.map((n) => n[0]).sort())
  })
  for (const [file, types, warnings, opts] of named) {
    it(file, () => {
      const bytes = read(`named/${file}`)
      const t = parseCsv(bytes, opts)
      expect(t.columns.map((c) => c.type)).toEqual(types)
      expect(t.warnings).toEqual(warnings)
      const counted = t.columns.reduce((n, c) => n + (c.invalid ?? 0), 0)
      expect(counted).toBe(t.invalidCells?.length ?? 0)
      for (const size of [1, 3, 17]) expect(streamed(bytes, size, opts)).toEqual(t)
    })
  }
})

const good: [file: string, check: (t: ParsedTable) => void, opts?: ImportOptions][] = [
  [
    'dates-day-first.csv',
    (t) => {
      // a day over 12 decides the order; the repeated time is named, not refused (no series is ordered yet)
      expect(t.columns[0]!.dateFormat).toBe('DD/MM/YYYY')
      expect(t.warnings).toEqual(['line 6, column "date": "14/04/2024" repeats the time of line 5'])
    }
  ],
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
    'nan-names.csv',
    (t) => {
      expect(t.values[0]).toEqual(['Anna', 'nan', 'NA', 'Null', 'Ben'])
      expect(t.columns[0]!.missing).toBe(0)
      expect(t.warnings).toEqual(['column "age": 1 missing value (line 6)'])
    }
  ],
  [
    'no-header.csv',
    (t) => {
      expect(t.columns.map((c) => c.name)).toEqual(['column_1', 'column_2', 'column_3'])
      expect(num(t, 1)).toEqual([21.5, 22, 22.5])
      expect(Array.from(t.rowLines!)).toEqual([1, 2, 3])
    },
    { header: false }
  ],
  [
    'decimal-comma-detected.csv',
    (t) => {
      expect(t.decimalComma).toBe(true)
      expect(num(t, 1)).toEqual([3.5, -1.25, 0.75])
      expect(t.warnings).toEqual([
        'decimal comma detected: values like "3,5" are read as numbers with a decimal comma (set "Decimal comma" to Off or use --no-decimal-comma to read them otherwise)'
      ])
    }
  ],
  [
    'long-cell.csv',
    (t) => {
      expect(t.preview[0]![1]).toBe('x'.repeat(200) + '… (300 characters)')
      expect((t.values[1] as string[])[0]).toHaveLength(300)
    }
  ],
  [
    'custom-missing-words.csv',
    (t) => {
      expect(num(t, 0)).toEqual([1, NaN, 3, NaN])
      expect(t.values[1]).toEqual(['a', 'b', '?', 'd'])
    },
    { missingWords: ['-', '?'] }
  ],
  [
    'datetime-with-na.csv',
    (t) => {
      expect(t.columns[0]).toMatchObject({ type: 'datetime', missing: 1, dateFormat: 'YYYY-MM-DD' })
      expect(t.values[0]).toEqual(['2024-01-01', null, '2024-01-03'])
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
