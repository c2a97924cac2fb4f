// Series options through the experiment config: predicting the change (--difference, --seasonal-difference) on the
// CO2 sample, windows within groups (--group-by with --window), and per-side tokens for text → text.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../../src-worker/data/csv'
import { buildSequences } from '../../../../src-worker/tasks/build-data'
import { experimentConfig, type ExperimentConfigInput } from '../../../../src-shared/contract'
import { anchorsOf, seriesTargets, targetTransformOf, toUserUnits } from '../../../../src-worker/data/target-transform'

const co2 = parseCsv(readFileSync('resources/samples/co2-monthly.csv'))
const base: ExperimentConfigInput = {
  mapping: 'many-to-one',
  target: 'CO2',
  window: 12,
  model: { hiddenSize: 8 },
  optimizer: { lr: 0.01 },
  epochs: 1
}
const build = (c: Partial<ExperimentConfigInput>, table = co2) =>
  buildSequences(table, experimentConfig.parse({ ...base, ...c }))

describe('predicting the change', () => {
  it('--difference 1: targets and inputs are normalised first differences; mapped back they are the series', () => {
    const sd = build({ difference: 1, mapping: 'seq2seq', horizon: 3 })
    const values = build({ mapping: 'seq2seq', horizon: 3 })
    expect(sd.difference).toEqual([1])
    // the first window needs the row before it: it starts one row later
    expect(sd.train.starts![0]).toBe(1)
    // the statistics are the training rows' differences (a few ppm), not the levels (~350 ppm)
    expect(Math.abs(sd.targetNorm.a[0])).toBeLessThan(1)
    expect(values.targetNorm.a[0]).toBeGreaterThan(300)
    const col = sd.series!.columns[0]
    const s = sd.train.starts![5]
    const dx = (col[s + 3] - col[s + 2] - sd.inputNorm.a[0]) / sd.inputNorm.b[0]
    expect(sd.train.x[5 * 12 + 3]).toBe(Math.fround(dx))
    // the validation targets, mapped back through toUserUnits, are the file's values (to float32 rounding)
    const anchors = anchorsOf(sd, sd.val)!
    const back = toUserUnits(targetTransformOf(sd), sd.val.y, new Float64Array(sd.val.y.length), anchors)
    const truth = seriesTargets(anchors)
    let worst = 0
    for (let i = 0; i < back.length; i++) worst = Math.max(worst, Math.abs(back[i] - truth[i]))
    expect(worst).toBeLessThan(1e-4)
  })

  it('--seasonal-difference 12 after --difference 1 leaves out the first 13 rows', () => {
    const sd = build({ difference: 1, seasonalDifference: 12 })
    expect(sd.difference).toEqual([1, 12])
    expect(sd.train.starts![0]).toBe(13)
  })

  it('refuses a gap and class targets', () => {
    expect(() => experimentConfig.parse({ ...base, difference: 1, gap: 2 })).toThrow(/gap 0/)
    const sea = parseCsv(readFileSync('resources/samples/seattle-weather.csv'))
    expect(() =>
      buildSequences(sea, experimentConfig.parse({ ...base, target: 'weather', inputs: ['temp_max'], difference: 1 }))
    ).toThrow(/regression only/)
  })
})

describe('windows within groups', () => {
  // two interleaved stocks: A counts up from 0, B down from 1000, rows shuffled in file order
  const lines = ['ticker,day,price']
  for (let d = 0; d < 40; d++) lines.push(`A,${d},${d}`, `B,${d},${1000 - d}`)
  const table = parseCsv(new TextEncoder().encode(lines.join('\n')))
  const c = { target: 'price', groupBy: 'ticker', orderBy: 'day', source: 'series' as const, window: 5 }

  it('windows never cross groups or a group’s chronological split', () => {
    const sd = build(c, table)
    const col = sd.series!.columns[0]
    const groupOf = (pos: number) => (pos < 40 ? 'A' : 'B')
    for (const split of [sd.train, sd.val]) for (const s of split.starts!) expect(groupOf(s)).toBe(groupOf(s + 5)) // the window and its target
    // per group: 32 training rows, 8 validation rows; training windows end before row 32 of their group
    for (const s of sd.train.starts!) expect((s % 40) + 5).toBeLessThan(32)
    for (const s of sd.val.starts!) expect(s % 40).toBeGreaterThanOrEqual(32)
    expect(sd.train.n).toBe(2 * (32 - 5))
    expect(sd.val.n).toBe(2 * (8 - 5))
    // each group's values are in its own order
    expect(Array.from(col.subarray(0, 3))).toEqual([0, 1, 2])
    expect(Array.from(col.subarray(40, 43))).toEqual([1000, 999, 998])
  })

  it('normalisation is fitted on the training rows of all groups', () => {
    const sd = build(c, table)
    // training rows: A 0..31 and B 1000..969 → mean (15.5 + 984.5) / 2 = 500
    expect(sd.targetNorm.a[0]).toBeCloseTo(500, 10)
  })

  it('differences start afresh in each group', () => {
    const sd = build({ ...c, difference: 1 }, table)
    // the model's differences are +1 (A) and −1 (B): never the jump from one group to the next
    const ys = Array.from(sd.train.y, (v) => Math.round(v * sd.targetNorm.b[0] + sd.targetNorm.a[0]))
    expect(new Set(ys)).toEqual(new Set([1, -1]))
    expect(sd.train.starts!.includes(40)).toBe(false)
  })
})

describe('per-side tokens', () => {
  const cmu = parseCsv(readFileSync('resources/samples/cmudict-pronunciations.csv'))
  const cols = cmu.columns.map((k) => k.name)
  const text = { mapping: 'seq2seq' as const, text: cols[0], target: cols[1], window: undefined, maxLength: 40 }

  it('a character source and a word target', () => {
    const sd = build({ ...text, sourceTokens: 'char', targetTokens: 'word' }, cmu)
    // source tokens are single characters; target tokens are whole phonemes (several letters, no spaces)
    const src = sd.inputVocab!.slice(4),
      tgt = sd.targetVocab!.slice(4)
    expect(src.every((t) => Array.from(t).length === 1)).toBe(true)
    expect(tgt.some((t) => t.length > 1)).toBe(true)
    expect(tgt.every((t) => !/\s/.test(t))).toBe(true)
    expect(sd.preview[0].yText).toMatch(/^\S+( \S+)*$/)
    expect(sd.preview[0].xText).not.toMatch(/ /)
  })

  it('--tokens sets both sides; a side of its own overrides it', () => {
    const both = build({ ...text, tokens: 'word' }, cmu)
    const mixed = build({ ...text, tokens: 'word', sourceTokens: 'char' }, cmu)
    expect(mixed.targetVocab).toEqual(both.targetVocab)
    expect(mixed.inputVocab!.length).toBeLessThan(both.inputVocab!.length)
  })
})
