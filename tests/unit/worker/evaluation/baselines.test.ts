// Baselines scored by hand on small series and label sets, the period detector on seasonal series, and the
// verdict that compares a run with its best baseline.
import { describe, expect, it } from 'vitest'
import {
  classBaselines,
  detectPeriod,
  seriesBaselines,
  unigramBaseline
} from '../../../../src-worker/evaluation/baselines.js'
import { baselinesOf } from '../../../../src-worker/evaluation/of-data.js'
import { buildSeriesWindows } from '../../../../src-worker/data/sequences.js'
import type { ParsedTable } from '../../../../src-worker/data/csv.js'
import { verdictOf } from '../../../../src-shared/metrics.js'

const mse = (pred: Float64Array, truth: number[]) => pred.reduce((s, p, i) => s + (p - truth[i]) ** 2, 0) / pred.length

describe('series baselines', () => {
  // rows 0..9: 0 1 4 9 16 25 36 49 64 81
  const col = Float64Array.from({ length: 10 }, (_, r) => r * r)
  it('persistence repeats the last observed level; seasonal naive reads one period back', () => {
    // two validation windows with horizon 2: targets at rows 6,7 (last observed 5) and 8,9 (last observed 7)
    const s = {
      columns: [col],
      targetRows: Int32Array.from([6, 7, 8, 9]),
      lastRows: Int32Array.from([5, 5, 7, 7])
    }
    const b = seriesBaselines(s, 3, (p) => mse(p, [36, 49, 64, 81]))
    // persistence: 25 25 49 49 against 36 49 64 81 → errors 11 24 15 32
    const e = [11, 24, 15, 32]
    expect(b.persistence!.mae).toBeCloseTo(e.reduce((a, x) => a + x) / 4, 12)
    expect(b.persistence!.rmse).toBeCloseTo(Math.sqrt(e.reduce((a, x) => a + x * x, 0) / 4), 12)
    expect(b.persistence!.loss).toBeCloseTo(e.reduce((a, x) => a + x * x, 0) / 4, 12)
    // period 3: rows 6,7 ← 3,4 ; rows 8,9 ← 5,6  → 9 16 25 36 against 36 49 64 81 → errors 27 33 39 45
    expect(b.seasonalNaive!.period).toBe(3)
    expect(b.seasonalNaive!.mae).toBeCloseTo((27 + 33 + 39 + 45) / 4, 12)
  })

  it('a step further than one period goes back whole periods', () => {
    const s = { columns: [col], targetRows: Int32Array.from([9]), lastRows: Int32Array.from([5]) }
    // h = 4, period 3: two periods back → row 3
    const b = seriesBaselines(s, 3, () => 0)
    expect(b.seasonalNaive!.mae).toBe(81 - 9)
  })

  it('no seasonal naive when the period reaches before the first row', () => {
    const s = { columns: [col], targetRows: Int32Array.from([2]), lastRows: Int32Array.from([1]) }
    expect(seriesBaselines(s, 5, () => 0).seasonalNaive).toBeUndefined()
  })

  it('detects the period of a seasonal series with a trend, and none in noise', () => {
    const n = 400,
      v = new Float64Array(n)
    for (let r = 0; r < n; r++) v[r] = 0.1 * r + Math.sin((2 * Math.PI * r) / 12) + 0.05 * Math.cos(r * 1.7)
    expect(detectPeriod(v, n)).toBe(12)
    let s = 7
    const noise = Float64Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) % 2147483648
      return s / 2147483648
    })
    expect(detectPeriod(noise, n)).toBeNull()
  })
})

describe('label baselines', () => {
  it('class prior and majority from the training frequencies (add-one smoothed)', () => {
    const train = { y: Float32Array.from([0, 0, 0, 1, 2, 2]) },
      val = { y: Float32Array.from([0, 1, 2, 2]) }
    const b = classBaselines(train, val, 3)
    const p = [4 / 9, 2 / 9, 3 / 9]
    expect(b.majority!.accuracy).toBe(0.25)
    expect(b.classPrior!.loss).toBeCloseTo(-(Math.log(p[0]) + Math.log(p[1]) + 2 * Math.log(p[2])) / 4, 12)
  })

  it('masked steps do not count', () => {
    const train = { y: Float32Array.from([1, 1, 0, 0]), mask: Float32Array.from([1, 1, 1, 0]) },
      val = { y: Float32Array.from([1, 0, 0]), mask: Float32Array.from([1, 0, 0]) }
    expect(classBaselines(train, val, 2).majority!.accuracy).toBe(1)
    const u = unigramBaseline(train, val, 2)
    expect(u.unigram!.loss).toBeCloseTo(-Math.log(3 / 5), 12)
  })
})

describe('baselines of built windows', () => {
  it('persistence of a many-to-one window is the last row of the window, in the target units', () => {
    const T = 40,
      v = Float64Array.from({ length: T }, (_, r) => 100 + 2 * r)
    const table = {
      columns: [{ name: 'v', type: 'numeric' }],
      values: [v],
      rowCount: T
    } as unknown as ParsedTable
    const sd = buildSeriesWindows(table, { mapping: 'many-to-one', targets: ['v'], inputs: [], window: 5 }, {})
    const b = baselinesOf(sd)
    // every next value is 2 above the last one
    expect(b.persistence!.rmse).toBeCloseTo(2, 9)
    expect(b.persistence!.mae).toBeCloseTo(2, 9)
    // loss on the normalised scale: (2 / std of the training rows)²
    expect(b.persistence!.loss).toBeCloseTo((2 / sd.targetNorm.b[0]) ** 2, 7) // (against the float32 targets)
  })
})

describe('verdict', () => {
  const b = {
    persistence: { rmse: 1, mae: 0.8, loss: 0.1 },
    seasonalNaive: { rmse: 2, mae: 1.5, loss: 0.4, period: 12 }
  }
  it('says when the run does not beat its best baseline', () => {
    expect(verdictOf(0.2, { rmse: 1.5, mae: 1 }, b)).toBe('does not beat persistence: RMSE 1.50 vs 1.00')
  })
  it('says when it does, naming the closest baseline', () => {
    expect(verdictOf(0.05, { rmse: 0.5, mae: 0.4 }, b)).toBe('beats its best baseline, persistence: RMSE 0.500 vs 1.00')
  })
  it('classification is judged by accuracy against majority and loss against the class prior', () => {
    const c = { classPrior: { loss: 1.2 }, majority: { accuracy: 0.45 } }
    expect(verdictOf(1.3, { accuracy: 0.6 }, c)).toBe('does not beat class prior: loss 1.30 vs 1.20')
    expect(verdictOf(1.0, { accuracy: 0.4 }, c)).toBe('does not beat majority class: accuracy 0.400 vs 0.450')
    expect(verdictOf(1.0, { accuracy: 0.6 }, c)).toMatch(/^beats its best baseline/)
  })
  it('nothing to say without baselines or figures', () => {
    expect(verdictOf(1, { rmse: 1 }, {})).toBeNull()
    expect(verdictOf(null, null, b)).toBeNull()
  })
})
