// buildSeriesWindows with one target (many-to-one, seq2seq): split boundary, training-only normalisation, missing-value policies, errors.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCsv, type ParsedTable } from '../../../../src-worker/data/csv'
import { denormalizeArray } from '../../../../src-worker/data/normalize'
import { buildSeriesWindows, type SeriesSpec } from '../../../../src-worker/data/sequences'

const enc = (s: string) => new TextEncoder().encode(s)

function tableOf(cols: Record<string, number[] | (string | null)[]>): ParsedTable {
  const names = Object.keys(cols)
  const rowCount = cols[names[0]!]!.length
  return {
    columns: names.map((name) => ({
      name,
      type: typeof cols[name]![0] === 'number' ? ('numeric' as const) : ('categorical' as const),
      missing: 0,
      distinct: 0
    })),
    rowCount,
    values: names.map((n) =>
      typeof cols[n]![0] === 'number' ? Float64Array.from(cols[n] as number[]) : (cols[n] as (string | null)[])
    ),
    preview: [],
    warnings: [],
    delimiter: ',',
    rowLines: Int32Array.from({ length: rowCount }, (_, k) => k + 2)
  }
}

/** The one-target series windows: many-to-one, or seq2seq when the horizon is over 1. */
function seriesWindows(
  table: ParsedTable,
  spec: Omit<SeriesSpec, 'mapping' | 'targets'> & { target: string },
  split: { valFraction?: number; gap?: number } = {}
) {
  const { target, ...rest } = spec
  return buildSeriesWindows(
    table,
    { mapping: (spec.horizon ?? 1) > 1 ? 'seq2seq' : 'many-to-one', targets: [target], ...rest },
    split
  )
}

const specArb = fc.record({
  T: fc.integer({ min: 1, max: 120 }),
  W: fc.integer({ min: 1, max: 12 }),
  H: fc.integer({ min: 1, max: 4 }),
  stride: fc.integer({ min: 1, max: 4 }),
  gap: fc.integer({ min: 0, max: 3 }),
  vf: fc.constantFrom(0, 0.1, 0.2, 0.35, 0.5),
  sgap: fc.integer({ min: 0, max: 5 })
})

describe('series windows properties', () => {
  it('windows never cross the split boundary and hold consecutive rows', () => {
    fc.assert(
      fc.property(specArb, ({ T, W, H, stride, gap, vf, sgap }) => {
        const idx = Array.from({ length: T }, (_, k) => k)
        const t = tableOf({ row: idx, other: idx.map((k) => 1000 + k) })
        const B = vf > 0 ? Math.floor(T * (1 - vf)) : T
        const span = W + gap + H
        let w
        try {
          w = seriesWindows(
            t,
            { target: 'row', inputs: ['row', 'other'], window: W, horizon: H, stride, gap, normalize: 'none' },
            { valFraction: vf, gap: sgap }
          )
        } catch (e) {
          expect((e as Error).message).toMatch(/too few rows/)
          expect(B < span || (vf > 0 && T - B - sgap < span)).toBe(true)
          return
        }
        expect(w.train.n).toBe(Math.floor((B - span) / stride) + 1)
        if (vf > 0) expect(w.val.n).toBe(Math.floor((T - B - sgap - span) / stride) + 1)
        const problems: string[] = []
        for (const [name, split, lo, hi] of [
          ['train', w.train, 0, B],
          ['val', w.val, B + sgap, T]
        ] as const) {
          for (let k = 0; k < split.n; k++) {
            const s = split.x[k * W * 2]!
            if (s < lo || s + span - 1 >= hi)
              problems.push(`${name} window ${k} covers rows ${s}..${s + span - 1}, outside [${lo}, ${hi})`)
            for (let tt = 0; tt < W; tt++) {
              if (split.x[(k * W + tt) * 2] !== s + tt || split.x[(k * W + tt) * 2 + 1] !== 1000 + s + tt)
                problems.push(`${name} x ${k},${tt}`)
            }
            for (let h = 0; h < H; h++) if (split.y[k * H + h] !== s + W + gap + h) problems.push(`${name} y ${k},${h}`)
          }
        }
        expect(problems).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it('fits normalisation on the training rows only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 40, maxLength: 80 }),
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 80, maxLength: 80 }),
        fc.constantFrom('zscore' as const, 'minmax' as const),
        (vals, noise, kind) => {
          const T = vals.length
          const B = Math.floor(T * 0.75)
          const spec = { target: 'y', inputs: ['y', 'x'], window: 3, normalize: kind }
          const a = seriesWindows(tableOf({ y: vals, x: vals.map((v) => v * 2) }), spec, { valFraction: 0.25 })
          // change every validation row: the normalisers and the training windows stay the same
          const v2 = vals.map((v, k) => (k >= B ? noise[k]! : v))
          const b = seriesWindows(tableOf({ y: v2, x: v2.map((v) => v * 2) }), spec, { valFraction: 0.25 })
          expect(b.inputNorm).toEqual(a.inputNorm)
          expect(b.targetNorm).toEqual(a.targetNorm)
          expect(b.train.x).toEqual(a.train.x)
          expect(b.train.y).toEqual(a.train.y)
          const train = vals.slice(0, B)
          if (kind === 'minmax') {
            expect(a.targetNorm.a[0]).toBe(Math.min(...train))
          } else {
            expect(a.targetNorm.a[0]).toBeCloseTo(train.reduce((s, v) => s + v, 0) / B, 6)
          }
        }
      ),
      { numRuns: 150 }
    )
  })
})

describe('series windows contract', () => {
  const csv =
    'time,temp,hum,city\n' +
    Array.from({ length: 30 }, (_, k) => `${k},${k % 7 === 3 && k > 10 ? '' : 20 + k},${50 - k},c${k % 3}`).join('\n')
  const t = parseCsv(enc(csv))

  it('uses the target alone when inputs is empty; the target may also be an input', () => {
    const full = parseCsv(enc('v\n' + Array.from({ length: 40 }, (_, k) => k).join('\n')))
    const w = seriesWindows(full, { target: 'v', inputs: [], window: 4 })
    expect(w.inputSize).toBe(1)
    expect(w.inputNorm.columns).toEqual(['v'])
    expect(w.train.x.length).toBe(w.train.n * 4)
  })
  it('refuses missing values without a policy, naming line and column', () => {
    expect(() => seriesWindows(t, { target: 'temp', inputs: ['hum'], window: 3 })).toThrow(
      'line 19, column "temp": missing value (2 cells without a value in the used columns); choose Missing values → Drop the row, Repeat the last value or Fill with the mean (--missing drop|ffill|mean)'
    )
  })
  it('ffill, mean and drop policies', () => {
    const f = seriesWindows(
      t,
      { target: 'temp', inputs: [], window: 3, missing: 'ffill', normalize: 'none' },
      { valFraction: 0 }
    )
    // row 17 (line 19) is missing: filled with row 16's value 36
    expect(f.train.x[17 * 3 - 2]).toBeCloseTo(36)
    const m = seriesWindows(
      t,
      { target: 'temp', inputs: [], window: 3, missing: 'mean', normalize: 'none' },
      { valFraction: 0.2 }
    )
    const trainVals = Array.from({ length: 24 }, (_, k) => (k % 7 === 3 && k > 10 ? NaN : 20 + k)).filter(
      (v) => !Number.isNaN(v)
    )
    expect(m.train.x[17 * 3 - 2]).toBeCloseTo(trainVals.reduce((a, b) => a + b, 0) / trainVals.length, 4)
    const d = seriesWindows(
      t,
      { target: 'temp', inputs: [], window: 3, missing: 'drop', normalize: 'none' },
      { valFraction: 0 }
    )
    expect(d.train.n).toBe(27 - 8)
    expect(Array.from(d.train.x).some(Number.isNaN)).toBe(false)
  })
  it('names the column or size when the windows are impossible', () => {
    expect(() => seriesWindows(t, { target: 'nope', inputs: [], window: 3 })).toThrow(
      'target column "nope" not found (columns: "time", "temp", "hum", "city")'
    )
    expect(() => seriesWindows(t, { target: 'hum', inputs: ['city'], window: 3 })).toThrow(
      'input column "city" is categorical, not numeric'
    )
    expect(() => seriesWindows(t, { target: 'hum', inputs: [], window: 24 })).toThrow(
      'too few rows: 30 rows give 24 training rows, but one window needs 25 rows'
    )
    expect(() => seriesWindows(t, { target: 'hum', inputs: [], window: 6 })).toThrow(
      'too few rows for validation: 6 validation rows, but one window needs 7 rows'
    )
    expect(() => seriesWindows(t, { target: 'hum', inputs: [], window: 0 })).toThrow(
      'window must be an integer >= 1 (got 0)'
    )
    const long = tableOf({ v: Array.from({ length: 300_000 }, (_, k) => k) })
    expect(() => seriesWindows(long, { target: 'v', inputs: [], window: 2000 })).toThrow(
      'training windows too large: 238,000 windows × 2000 steps × 1 inputs = 1.8 GiB'
    )
  })
  it('normalisers are JSON-serialisable and map normalised targets back', () => {
    const w = seriesWindows(t, { target: 'hum', inputs: ['hum', 'time'], window: 3 })
    const n = JSON.parse(JSON.stringify(w.targetNorm))
    expect(n).toEqual(w.targetNorm)
    const y = denormalizeArray(n, Float32Array.from(w.train.y))
    expect(y[0]).toBeCloseTo(50 - 3, 4)
  })
})
