// The target transform and its inverse: differencing round-trips exactly (on values whose differences are exact
// in float64), forecasts are added back cumulatively onto the last observed level, and without differencing
// toUserUnits is the inverse of the normalisation.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  differenceColumn,
  seriesTargets,
  toUserUnits,
  undifference,
  type SeriesAnchors
} from '../../../../src-worker/data/target-transform'

const ints = (min: number) => fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: min, maxLength: 60 })

describe('target transform', () => {
  it('differencing round-trips exactly for any lags (integer values)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 2 }),
        ints(20),
        fc.nat(),
        (lags, zs, cut) => {
          const z = Float64Array.from(zs)
          const d = differenceColumn(z, lags)
          const first = lags.reduce((a, b) => a + b, 0)
          if (first >= z.length) return
          // the rows after a = first − 1 + (cut mod …) rebuilt from their differences and the rows up to a
          const a = first - 1 + (cut % (z.length - first))
          const back = undifference(z, a, lags, d.subarray(a + 1))
          expect(Array.from(back)).toEqual(Array.from(z.subarray(a + 1)))
        }
      )
    )
  })

  it('first differences of levels within a factor of two round-trip bit for bit (ppm-like values)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 300, max: 500, noNaN: true }), { minLength: 2, maxLength: 80 }), (zs) => {
        const z = Float64Array.from(zs)
        const back = undifference(z, 0, [1], differenceColumn(z, [1]).subarray(1))
        expect(Array.from(back)).toEqual(Array.from(z.subarray(1)))
      })
    )
  })

  it('a differenced column has NaN where a lag reaches before the first row', () => {
    const d = differenceColumn([1, 4, 9, 16, 25], [1, 2])
    expect(Array.from(d)).toEqual([NaN, NaN, NaN, 7 - 3, 9 - 5])
  })

  it('a horizon is added back cumulatively onto the window’s last level; the normalisation is inverted first', () => {
    const col = Float64Array.from([10, 11, 13, 16, 20, 25, 31])
    // one window of 3 rows starting at row 1, horizon 2: targets are rows 4 and 5, last observed row 3
    const anchors: SeriesAnchors = { columns: [col], starts: [1], yStart: 3, tx: 3, ty: 2 }
    const norm = { kind: 'zscore' as const, columns: ['z'], a: [2], b: [0.5] }
    // predicted changes 4 and 5 on the normalised scale: (4 − 2) / 0.5 = 4, (5 − 2) / 0.5 = 6
    const out = toUserUnits({ norm, lags: [1] }, [4, 6], new Float64Array(2), anchors)
    expect(Array.from(out)).toEqual([20, 25])
    expect(Array.from(seriesTargets(anchors))).toEqual([20, 25])
  })

  it('each many-to-many step is added onto the observed row before it', () => {
    const col = Float64Array.from([1, 2, 4, 8, 16])
    const anchors: SeriesAnchors = { columns: [col], starts: [0], yStart: 1, tx: 3, ty: 3 }
    const none = { kind: 'none' as const, columns: ['z'], a: [0], b: [1] }
    // changes 1, 1, 1 onto rows 0, 1, 2 (not onto each other)
    const out = toUserUnits({ norm: none, lags: [1] }, [1, 1, 1], new Float64Array(3), anchors)
    expect(Array.from(out)).toEqual([2, 3, 5])
  })

  it('seasonal lags within the horizon use the forecast of one period earlier', () => {
    const col = Float64Array.from([1, 2, 3, 4, 5, 6])
    const anchors: SeriesAnchors = { columns: [col], starts: [0], yStart: 2, tx: 2, ty: 4 }
    const none = { kind: 'none' as const, columns: ['z'], a: [0], b: [1] }
    // period 2: rows 2, 3 add onto rows 0, 1 (observed); rows 4, 5 onto the forecasts of rows 2, 3
    const out = toUserUnits({ norm: none, lags: [2] }, [10, 20, 100, 200], new Float64Array(4), anchors)
    expect(Array.from(out)).toEqual([11, 22, 111, 222])
  })

  it('without differencing only the normalisation is inverted, per output column', () => {
    const norm = { kind: 'zscore' as const, columns: ['a', 'b'], a: [1, -1], b: [2, 4] }
    const out = toUserUnits({ norm, lags: [] }, [0, 0, 1, 1], new Float64Array(4))
    expect(Array.from(out)).toEqual([1, -1, 3, 3])
  })

  it('differenced targets without their series, or after a gap, are refused', () => {
    const none = { kind: 'none' as const, columns: ['z'], a: [0], b: [1] }
    expect(() => toUserUnits({ norm: none, lags: [1] }, [1], new Float64Array(1))).toThrow(/series/)
    const anchors: SeriesAnchors = { columns: [new Float64Array(9)], starts: [0], yStart: 4, tx: 3, ty: 1 }
    expect(() => toUserUnits({ norm: none, lags: [1] }, [1], new Float64Array(1), anchors)).toThrow(/gap/)
  })
})
