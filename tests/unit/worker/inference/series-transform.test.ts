// predict on a new file for series models that predict the change (difference, seasonal difference) and for
// windows within groups: predictions and closed-loop forecasts in the user's units, checked against values
// computed by hand from the network's own outputs; and the inference path encodes a run's validation windows
// bit for bit as training did.
import { describe, expect, it } from 'vitest'
import { forecastCsv, predictSeries } from '../../../../src-worker/inference'
import { seriesInputs } from '../../../../src-worker/inference/series-inputs'
import { seriesLayout } from '../../../../src-worker/inference/series-layout'
import { referencePredict, specOf } from '../../../../src-worker/export/spec'
import type { SavedModel } from '../../../../src-worker/protocol'
import { trainOn, type Trained } from './predict-train'

const level = (t: number, g = 0) => 10 + 0.5 * t + Math.sin(t * (1 + g)) + 3 * g
const seriesCsv = (n: number) => `t,y\n${Array.from({ length: n }, (_, t) => `${t},${level(t)}`).join('\n')}\n`
/** Two stocks stacked, rows interleaved and out of time order inside the file. */
const groupedCsv = (n: number) => {
  const lines: string[] = []
  for (let t = n - 1; t >= 0; t--) for (const g of [0, 1]) lines.push(`${g ? 'b' : 'a'},${t},${level(t, g)}`)
  return `id,t,y\n${lines.join('\n')}\n`
}
const model = { cell: 'gru' as const, hiddenSize: 4 }

/** Network output (model space) for a window of raw inputs, normalised as stored. */
function out(m: SavedModel, inputs: number[]): Float32Array {
  const n = m.normalization.input!
  return referencePredict(
    m,
    Float32Array.from(inputs, (v) => (v - n.a[0]!) / n.b[0]!),
    1
  )
}
/** Model space → the differenced target's units. */
const denorm = (m: SavedModel, d: number) => d * m.normalization.target!.b[0]! + m.normalization.target!.a[0]!
const diffs = (z: number[], from: number, len: number, lag: number) =>
  Array.from({ length: len }, (_, t) => z[from + t]! - z[from + t - lag]!)

/** The validation windows as training encoded them vs the inference path's encoding of the same windows. */
function expectSameValidationTensors(tr: Trained): void {
  const s = specOf(tr.model)
  const inp = seriesInputs(tr.model, tr.table, s, seriesLayout(tr.model, s))
  const I = s.inputSize,
    w = s.tx * I
  const starts = Array.from(tr.seqs.val.starts!)
  expect(starts.length).toBeGreaterThan(0)
  const again = new Float32Array(starts.length * w)
  starts.forEach((st, k) => {
    const at = inp.ok.indexOf(st)
    expect(at).toBeGreaterThanOrEqual(0)
    again.set(inp.x.subarray(at * w, (at + 1) * w), k * w)
  })
  expect(new Uint32Array(again.buffer)).toEqual(new Uint32Array(tr.seqs.val.x.buffer))
}

describe('predict for models of differenced targets', () => {
  it('first differences: each prediction is the last value plus the predicted change; the forecast chains them', () => {
    const tr = trainOn(seriesCsv(40), { target: 'y', inputs: ['y'], window: 4, difference: 1, model }, 1)
    const m = tr.model,
      z = Array.from({ length: 40 }, (_, t) => level(t))
    const p = predictSeries(m, tr.table, { steps: 2 })
    expect(p.rows[0]!.prediction).toBeNull()
    expect(p.warnings).toContain(
      'the first window of the file gets no prediction: the model reads differences, which need 1 earlier row'
    )
    for (const w of [1, 17, 36]) {
      const byHand = z[w + 3]! + denorm(m, out(m, diffs(z, w, 4, 1))[0]!)
      expect(p.rows[w]!.prediction).toBeCloseTo(byHand, 10)
      expect(p.rows[w]!.actual).toBe(w + 4 < 40 ? z[w + 4] : null)
    }
    const f0 = z[39]! + denorm(m, out(m, diffs(z, 36, 4, 1))[0]!)
    const f1 = f0 + denorm(m, out(m, [...diffs(z, 37, 3, 1), f0 - z[39]!])[0]!)
    expect(p.forecast![0]).toBeCloseTo(f0, 10)
    expect(p.forecast![1]).toBeCloseTo(f1, 10)
    expectSameValidationTensors(tr)
  })

  it('seasonal difference with a horizon: step h adds its change to the value one period before it', () => {
    const cfg = { target: 'y', inputs: ['y'], window: 6, mapping: 'seq2seq' as const, horizon: 2 }
    const tr = trainOn(seriesCsv(48), { ...cfg, seasonalDifference: 4, model }, 1)
    const m = tr.model,
      z = Array.from({ length: 48 }, (_, t) => level(t))
    const p = predictSeries(m, tr.table, { steps: 3 })
    expect(p.rows.slice(0, 4).every((r) => r.prediction === null)).toBe(true)
    const w = 20,
      y = out(m, diffs(z, w, 6, 4))
    const h0 = z[w + 2]! + denorm(m, y[0]!),
      h1 = z[w + 3]! + denorm(m, y[1]!)
    expect(p.rows[w]!.horizon![0]).toBeCloseTo(h0, 10)
    expect(p.rows[w]!.horizon![1]).toBeCloseTo(h1, 10)
    // the forecast: two steps from the last window, the third from the window moved on by two
    const last = out(m, diffs(z, 42, 6, 4))
    const f0 = z[44]! + denorm(m, last[0]!),
      f1 = z[45]! + denorm(m, last[1]!)
    const ext = [...z, f0, f1]
    const f2 = ext[46]! + denorm(m, out(m, diffs(ext, 44, 6, 4))[0]!)
    expect(p.forecast).toEqual([expect.closeTo(f0, 10), expect.closeTo(f1, 10), expect.closeTo(f2, 10)])
    expectSameValidationTensors(tr)
  })

  it('second differences and many-to-many: every step adds back onto the rows it follows', () => {
    const cfg = { target: 'y', inputs: ['y'], window: 5, mapping: 'many-to-many' as const, difference: 2 }
    const tr = trainOn(seriesCsv(40), { ...cfg, model }, 1)
    const m = tr.model,
      z = Array.from({ length: 40 }, (_, t) => level(t))
    const p = predictSeries(m, tr.table)
    const w = 10
    const d2 = diffs(z, w, 5, 1).map((v, t) => v - (z[w + t - 1]! - z[w + t - 2]!))
    const y = out(m, d2)
    // the last step predicts row w + 5: z[w+4] + (z[w+4] − z[w+3]) + d
    const byHand = 2 * z[w + 4]! - z[w + 3]! + denorm(m, y[4]!)
    expect(p.rows[w]!.prediction).toBeCloseTo(byHand, 10)
    expect(p.rows[w]!.targetLine).toBe(w + 5 + 2)
    expectSameValidationTensors(tr)
  })

  it('a differenced model needs the target column when it does not read it', () => {
    const csv = `t,x,y\n${Array.from({ length: 30 }, (_, t) => `${t},${Math.cos(t)},${level(t)}`).join('\n')}\n`
    const tr = trainOn(csv, { target: 'y', inputs: ['x'], window: 4, difference: 1, model }, 1)
    const noTarget = trainOn(`t,x\n${Array.from({ length: 30 }, (_, t) => `${t},${t}`).join('\n')}\n`, {
      target: 't',
      inputs: ['x'],
      window: 4,
      model
    }).table
    expect(() => predictSeries(tr.model, noTarget)).toThrow(
      `the CSV does not fit the model: missing target column "y" (the file's columns: "t", "x"); a model of differenced targets adds its predicted changes to the target's last values`
    )
  })
})

describe('predict for windows within groups', () => {
  it('windows each group in its own time order; predictions and forecasts per group', () => {
    const cfg = { source: 'series' as const, groupBy: 'id', orderBy: 't', target: 'y', inputs: ['y'], window: 3 }
    const tr = trainOn(groupedCsv(24), { ...cfg, difference: 1, model }, 1)
    const m = tr.model,
      zb = Array.from({ length: 24 }, (_, t) => level(t, 1))
    const p = predictSeries(m, tr.table, { steps: 2 })
    const b = p.rows.filter((r) => r.group === 'b')
    expect(b).toHaveLength(24 - 3 + 1)
    expect(p.rows.filter((r) => r.group === 'a')).toHaveLength(22)
    // group b's window 5 covers t = 5..7: in the file, t = 23 − k sits on line 2 + 2k + 1
    const lineOfB = (t: number) => 2 + 2 * (23 - t) + 1
    expect(b[5]).toMatchObject({ window: 5, firstLine: lineOfB(5), lastLine: lineOfB(7), targetLine: lineOfB(8) })
    expect(b[5]!.prediction).toBeCloseTo(zb[7]! + denorm(m, out(m, diffs(zb, 5, 3, 1))[0]!), 10)
    expect(b[5]!.actual).toBe(zb[8])
    expect(p.forecastGroups).toEqual(['a', 'a', 'b', 'b'])
    expect(p.forecast![2]).toBeCloseTo(zb[23]! + denorm(m, out(m, diffs(zb, 21, 3, 1))[0]!), 10)
    expect(forecastCsv(p).split('\r\n').slice(0, 4)).toEqual([
      'group,step,forecast_y',
      `a,1,${p.forecast![0]}`,
      `a,2,${p.forecast![1]}`,
      `b,1,${p.forecast![2]}`
    ])
    expectSameValidationTensors(tr)
  })
})
