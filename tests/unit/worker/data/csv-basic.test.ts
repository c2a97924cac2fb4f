import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { CsvImportError, parseCsv } from '../../../../src-worker/data/csv'
import { buildWindows } from '../../../../src-worker/data/windows'

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
  it('refuses a non-number in a numeric column with the located message', () => {
    const rows = ['temp', ...Array.from({ length: 20 }, (_, k) => String(k))]
    rows[6] = 'abc'
    const e = (() => {
      try {
        parseCsv(enc(rows.join('\n')))
      } catch (err) {
        return err
      }
    })()
    expect(e).toBeInstanceOf(CsvImportError)
    expect((e as CsvImportError).message).toBe('line 7, column "temp": "abc" is not a number')
    expect((e as CsvImportError).line).toBe(7)
    expect((e as CsvImportError).column).toBe('temp')
    expect((e as CsvImportError).text).toBe('abc')
    expect((e as CsvImportError).name).toBe('CsvImportError')
  })
})

describe('buildWindows basics', () => {
  it('builds many-to-one windows on CO2', () => {
    const t = parseCsv(readFileSync('resources/samples/co2-monthly.csv'))
    const w = buildWindows(t, { target: 'CO2', inputs: [], window: 12 })
    expect(w.mapping).toBe('many-to-one')
    expect([w.tx, w.ty, w.inputSize, w.outputSize]).toEqual([12, 1, 1, 1])
    expect(w.train.x.length).toBe(w.train.n * 12)
    expect(w.val.y.length).toBe(w.val.n)
    expect(w.train.n).toBe(592 - 13 + 1)
    expect(w.val.n).toBe(741 - 592 - 13 + 1)
  })
})
