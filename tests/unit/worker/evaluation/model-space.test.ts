// fromUserUnits is the inverse of toUserUnits (target-transform.ts) for any lags and window layout: baselines
// scored through it land on the run's own loss scale.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fromUserUnits, toUserUnits, type TargetTransform } from '../../../../src-worker/data/target-transform'

describe('fromUserUnits', () => {
  it('undoes toUserUnits (normalised, differenced, over a horizon or step by step)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([] as number[], [1], [12], [1, 3]),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        (lags, ty, aligned, seed) => {
          let s = seed
          const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 10 - 5
          const rows = 60,
            tx = 5,
            n = 4
          const columns = [Float64Array.from({ length: rows }, rnd)]
          // aligned: each step follows one observed row (many-to-many, ty = tx); else steps follow the window
          const T = aligned ? tx : ty,
            yStart = aligned ? 1 : tx
          const starts = Int32Array.from({ length: n }, (_, k) => 20 + 7 * k)
          const anchors = { columns, starts, yStart, tx, ty: T }
          const t: TargetTransform = { norm: { kind: 'zscore', columns: ['v'], a: [0.3], b: [2] }, lags }
          const pred = Float64Array.from({ length: n * T }, rnd)
          const units = toUserUnits(t, pred, new Float64Array(pred.length), anchors)
          const back = fromUserUnits(t, units, new Float64Array(pred.length), anchors)
          for (let i = 0; i < pred.length; i++) expect(back[i]).toBeCloseTo(pred[i], 9)
        }
      ),
      { numRuns: 60 }
    )
  })
})
