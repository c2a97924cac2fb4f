// predictSeries: stored input columns and normalisation applied to a new CSV, one-step-ahead predictions per
// window (inverse-normalised), clear errors for missing / mistyped columns, and the closed-loop forecast.
import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../../src-worker/data/csv'
import { forecastCsv, predictSeries, seriesCsv } from '../../../../src-worker/inference'
import { referencePredict } from '../../../../src-worker/export/spec'
import type { SavedModel } from '../../../../src-worker/protocol'
import { buildModel } from '../export/models'

const csv = (text: string) => parseCsv(new TextEncoder().encode(text))
const rowsText = (n: number, f: (r: number) => string) => Array.from({ length: n }, (_, r) => f(r)).join('\n')
const table = csv(
  `time,a,b,y,label\n${rowsText(12, (r) => `2024-01-${String(r + 1).padStart(2, '0')},${Math.sin(r)},${r % 3},${10 + r},w${r}`)}\n`
)

function twoInputModel(): SavedModel {
  const m = buildModel({ cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 1, I: 2, O: 1, tx: 4 })
  return {
    ...m,
    inputs: ['a', 'b'],
    target: 'y',
    normalization: {
      input: { kind: 'zscore', columns: ['a', 'b'], a: [0.1, 1], b: [0.7, 0.8] },
      target: { kind: 'zscore', columns: ['y'], a: [15], b: [3] }
    }
  }
}

describe('predictSeries', () => {
  it('normalises the stored input columns, predicts each window and inverse-normalises', () => {
    const model = twoInputModel()
    const p = predictSeries(model, table)
    expect(p.window).toBe(4)
    expect(p.rows).toHaveLength(12 - 4 + 1)
    const a = table.values[1] as Float64Array,
      b = table.values[2] as Float64Array
    const w = 3,
      x = new Float32Array(8)
    for (let t = 0; t < 4; t++) {
      x[t * 2] = (a[w + t]! - 0.1) / 0.7
      x[t * 2 + 1] = (b[w + t]! - 1) / 0.8
    }
    const expected = referencePredict(model, x, 1)[0]! * 3 + 15
    expect(p.rows[3]).toEqual({
      window: 3,
      firstLine: 5,
      lastLine: 8,
      targetLine: 9,
      prediction: expected,
      actual: 10 + 7
    })
    expect(p.rows[8]).toMatchObject({ window: 8, targetLine: null, actual: null })
    expect(p.rows[8]!.prediction).toEqual(expect.any(Number))
    expect(p.forecast).toBeNull()
    const text = seriesCsv(p)
    expect(text.split('\r\n')[0]).toBe('window,first_line,last_line,target_line,predicted_y,actual_y')
    expect(text.split('\r\n')[4]).toBe(`3,5,8,9,${expected},17`)
  })

  it('names every missing or mistyped input column', () => {
    const model = {
      ...twoInputModel(),
      inputs: ['a', 'pressure', 'label', 'time'],
      data: { ...twoInputModel().data, inputSize: 4 }
    }
    expect(() => predictSeries(model, table)).toThrow(
      'the CSV does not fit the model: missing input column "pressure"; input column "label" is categorical, not numeric; input column "time" is datetime, not numeric (the file\'s columns: "time", "a", "b", "y", "label")'
    )
  })

  it('a cell that is not a number is named by line and column, not read as a gap', () => {
    const t = csv(`a,b,y\n${rowsText(30, (r) => `${r === 9 ? 'oops' : r},${r},${r}`)}\n`)
    expect(t.invalidCells?.length).toBe(1)
    expect(() => predictSeries(twoInputModel(), t)).toThrow(/^line 11, column "a": .*oops/)
  })

  it('windows with missing values get no prediction and one warning with the first location', () => {
    const t = csv(`a,b,y\n${rowsText(8, (r) => `${r === 5 ? '' : r},${r},${r}`)}\n`)
    const p = predictSeries(twoInputModel(), t)
    expect(p.rows.map((r) => r.prediction === null)).toEqual([false, false, true, true, true])
    expect(p.warnings).toEqual([
      '3 of 5 windows have missing input values and get no prediction (first: line 7, column "a")'
    ])
    expect(() => predictSeries(twoInputModel(), csv('a,b\n1,2\n2,3\n'))).toThrow(
      'the CSV has 2 data rows, but the model reads windows of 4 rows'
    )
    expect(() => predictSeries(twoInputModel(), csv('a,b\n1,2\n'))).toThrow(
      'the CSV has 1 data row, but the model reads windows of 4 rows'
    )
  })

  it('closed-loop forecast feeds predictions back when the target is the only input', () => {
    const m = buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 2, I: 1, O: 1, tx: 3 })
    const model: SavedModel = {
      ...m,
      inputs: ['y'],
      target: 'y',
      normalization: {
        input: { kind: 'zscore', columns: ['y'], a: [15], b: [4] },
        target: { kind: 'zscore', columns: ['y'], a: [15], b: [4] }
      }
    }
    const p = predictSeries(model, table, { steps: 3 })
    expect(p.forecast).toHaveLength(3)
    expect(p.forecast![0]).toBeCloseTo(p.rows.at(-1)!.prediction!, 5)
    // step 2 by hand: the window is the last two rows and the first forecast
    const win = Float32Array.from([(20 - 15) / 4, (21 - 15) / 4, (p.forecast![0]! - 15) / 4])
    expect(p.forecast![1]).toBeCloseTo(referencePredict(model, win, 1)[0]! * 4 + 15, 5)
    expect(forecastCsv(p).split('\r\n').slice(0, 2)).toEqual(['step,forecast_y', `1,${p.forecast![0]}`])
    expect(() => predictSeries(twoInputModel(), table, { steps: 2 })).toThrow(
      'steps: a closed-loop forecast feeds each prediction back as the next input, so the target "y" must be the model\'s only input (this model reads "a", "b")'
    )
    expect(() => predictSeries(model, table, { steps: 0 })).toThrow('steps must be a positive integer, got 0')
  })

  it('seq2seq models give every horizon step; the closed loop appends all of them', () => {
    const m = buildModel({ cell: 'lstm', mapping: 'seq2seq', task: 'regression', layers: 1, I: 1, O: 1, tx: 4, ty: 3 })
    const model: SavedModel = {
      ...m,
      inputs: ['y'],
      target: 'y',
      normalization: {
        input: { kind: 'zscore', columns: ['y'], a: [15], b: [4] },
        target: { kind: 'zscore', columns: ['y'], a: [15], b: [4] }
      }
    }
    const p = predictSeries(model, table, { steps: 5 })
    expect(p.horizon).toBe(3)
    for (const r of p.rows) {
      expect(r.horizon).toHaveLength(3)
      expect(r.prediction).toBe(r.horizon![0])
    }
    expect(p.forecast!.slice(0, 3)).toEqual(p.rows.at(-1)!.horizon!.map((v) => expect.closeTo(v, 5)))
    expect(p.forecast).toHaveLength(5)
  })

  it('refuses mappings that are not sliding windows', () => {
    const m = buildModel({ cell: 'lstm', mapping: 'one-to-many', task: 'classification', layers: 1 })
    expect(() => predictSeries(m, table)).toThrow(/mapping is one-to-many/)
  })
})
