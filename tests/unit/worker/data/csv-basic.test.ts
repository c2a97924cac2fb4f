import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { gzipSync, zipSync } from 'fflate'
import { parseCsv } from '../../../../src-worker/data/csv'
import { buildSeriesWindows } from '../../../../src-worker/data/sequences'

const enc = (s: string) => new TextEncoder().encode(s)

describe('parseCsv basics', () => {
  it('parses the CO2 sample', () => {
    const t = parseCsv(readFileSync('resources/samples/co2-monthly.csv'))
    expect(t.rowCount).toBe(741)
    expect(t.columns.map((c) => c.type)).toEqual(['datetime', 'numeric', 'numeric'])
    expect(t.values[1]).toBeInstanceOf(Float64Array)
    expect(t.preview).toHaveLength(20)
    expect(t.delimiter).toBe(',')
  })
  it('names a non-number in a numeric column; training refuses it until a missing-value policy is chosen', () => {
    const rows = ['temp', ...Array.from({ length: 20 }, (_, k) => String(k))]
    rows[6] = 'abc'
    const t = parseCsv(enc(rows.join('\n')))
    expect(t.columns[0]).toMatchObject({ name: 'temp', type: 'numeric', invalid: 1, missing: 0 })
    expect(t.warnings).toEqual(['line 7, column "temp": "abc" is not a number'])
    expect(t.invalidCells).toEqual([{ column: 0, row: 5, line: 7, text: 'abc', reason: '"abc" is not a number' }])
    expect(() => buildSeriesWindows(t, { mapping: 'many-to-one', targets: ['temp'], inputs: [], window: 3 })).toThrow(
      'line 7, column "temp": "abc" is not a number (1 cell without a value in the used columns); choose Missing values → Drop the row, Repeat the last value or Fill with the mean (--missing drop|ffill|mean)'
    )
    expect(
      buildSeriesWindows(t, { mapping: 'many-to-one', targets: ['temp'], inputs: [], window: 3, missing: 'drop' }).train
        .n
    ).toBeGreaterThan(0)
  })
})

describe('files that are not CSV', () => {
  it('names a compressed file, a workbook, a PDF or a database by its signature', () => {
    const refusal = (bytes: Uint8Array) => {
      try {
        parseCsv(bytes)
      } catch (e) {
        return (e as Error).message
      }
      return 'read'
    }
    const csv = 'a,b\n1,2\n'
    expect(refusal(gzipSync(enc(csv)))).toBe(
      'line 1: not a text file: gzip-compressed data; decompress it (gunzip) and import the CSV inside'
    )
    expect(refusal(zipSync({ 'sheet.csv': enc(csv) }))).toBe(
      'line 1: not a text file: a ZIP archive (an Excel .xlsx or OpenDocument .ods workbook is one); save the sheet as CSV'
    )
    const xls = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0])
    expect(refusal(xls)).toBe(
      'line 1: not a text file: a Microsoft Office file (an Excel .xls workbook); save the sheet as CSV'
    )
    expect(refusal(enc('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n'))).toBe('line 1: not a text file: a PDF document')
    expect(refusal(enc('SQLite format 3\0\u0010\u0000'))).toBe('line 1: not a text file: an SQLite database')
    expect(refusal(enc('PK,BZh\n1,2\n'))).toBe('read')
    expect(refusal(enc('\n  <!DOCTYPE html>\n<html><body>Not found, sorry</body></html>\n'))).toBe(
      'line 1: not a CSV file: an HTML web page (a link that gave a page instead of the file?); save the table as CSV'
    )
    expect(refusal(enc('<?xml version="1.0"?>\n<rows/>\n'))).toBe(
      'line 1: not a CSV file: an XML document; export the table as CSV'
    )
    expect(refusal(enc('\ufeff[{"a": 1, "b": 2}]\n'))).toBe(
      'line 1: not a CSV file: a JSON document; convert it to CSV'
    )
    expect(refusal(enc('[unit],<html>\nkg,x\n'))).toBe('read')
  })
})

describe('series windows basics', () => {
  it('builds many-to-one windows on CO2', () => {
    const t = parseCsv(readFileSync('resources/samples/co2-monthly.csv'))
    const w = buildSeriesWindows(t, { mapping: 'many-to-one', targets: ['CO2'], inputs: [], window: 12 })
    expect(w.mapping).toBe('many-to-one')
    expect([w.tx, w.ty, w.inputSize, w.outputSize]).toEqual([12, 1, 1, 1])
    expect(w.train.x.length).toBe(w.train.n * 12)
    expect(w.val.y.length).toBe(w.val.n)
    expect(w.train.n).toBe(592 - 13 + 1)
    expect(w.val.n).toBe(741 - 592 - 13 + 1)
  })
})
