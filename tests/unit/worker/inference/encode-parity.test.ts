// One encoder for training and serving (data/encoder.ts): a stored run's validation inputs, re-encoded from the same
// CSV through the inference path (the stored statistics, fill values, vocabularies and classes), are bit-identical to
// the tensors training built — for every mapping (one-to-one rows, one-to-many generators, many-to-one and
// many-to-many over series windows and grouped sequences, seq2seq series, text token inputs) and under every
// missing-value policy.
import { describe, expect, it } from 'vitest'
import { rowInputs } from '../../../../src-worker/inference/predict-rows'
import { groupedInputs } from '../../../../src-worker/inference/predict-grouped'
import { textInputs } from '../../../../src-worker/inference/predict-text'
import { seriesInputs } from '../../../../src-worker/inference/series-inputs'
import { seriesLayout } from '../../../../src-worker/inference/series-layout'
import { conditionInputs } from '../../../../src-worker/tasks/generate'
import { specOf } from '../../../../src-worker/export/spec'
import { savedModelSchema } from '../../../../src-worker/model/saved-model'
import type { ExperimentConfigInput } from '../../../../src-shared/contract'
import { trainOn, uniform, type Trained } from './predict-train'

const model = { cell: 'gru' as const, hiddenSize: 3 }
const r = uniform(7)
const rows = Array.from({ length: 60 }, (_, k) => ({
  id: `s${k % 6}`,
  t: Math.floor(k / 6),
  a: Math.round(r() * 1000) / 100,
  b: Math.round(r() * 1000) / 10,
  kind: r() < 0.5 ? 'up' : 'down',
  word: ['cat', 'dog', 'bird', 'fish', 'mouse'][k % 5]! + ['', 's'][k % 2]!,
  spelled: ''
}))
for (const x of rows) x.spelled = [...x.word].join(' ')
const csv = `id,t,a,b,kind,word,spelled\n${rows.map((x) => Object.values(x).join(',')).join('\n')}\n`
/** The same data with gaps in both inputs (a, b): every policy has cells to fill or rows to leave out. */
const gappy = csv
  .split('\n')
  .map((line, k) => {
    const c = line.split(',')
    if (k === 0 || c.length < 4) return line
    if (k % 7 === 3) c[2] = ''
    if (k % 11 === 5) c[3] = ''
    return c.join(',')
  })
  .join('\n')

/** Bitwise equality of two float32 tensors. */
const same = (a: Float32Array, b: Float32Array) =>
  expect(new Uint32Array(a.buffer.slice(0))).toEqual(new Uint32Array(b.buffer.slice(0)))

/**
 * Training's validation x against the inference path's encoding of the same items: `x` and `keys` (the item of
 * each sample: row, id or window start) from inference, `valKeys` from training.
 */
function expectSameItems<K>(tr: Trained, inf: { x: Float32Array; keys: K[] }, valKeys: K[]): void {
  const s = specOf(tr.model)
  const w = s.tx * (s.tokens ? 1 : s.inputSize)
  expect(tr.seqs.val.n).toBeGreaterThan(0)
  const out = new Float32Array(valKeys.length * w)
  valKeys.forEach((key, k) => {
    const i = inf.keys.indexOf(key)
    expect(i).toBeGreaterThanOrEqual(0)
    out.set(inf.x.subarray(i * w, (i + 1) * w), k * w)
  })
  same(out, tr.seqs.val.x)
}

/** Train (one epoch), store the model as a file holds it (JSON parsed by the schema), and compare per source. */
function parity(data: string, config: Partial<ExperimentConfigInput>): Trained {
  const trained = trainOn(data, { model, ...config }, 1)
  const tr = { ...trained, model: savedModelSchema.parse(JSON.parse(JSON.stringify(trained.model))) }
  const val = tr.seqs.val
  if (config.groupBy && !config.window) {
    const g = groupedInputs(tr.model, tr.table)
    expectSameItems(tr, { x: g.x, keys: g.ids }, val.ids!)
  } else if (config.text) {
    const t = textInputs(tr.model, tr.table)
    expectSameItems(tr, { x: t.x, keys: t.rows }, Array.from(val.rows!))
  } else if (config.mapping === 'one-to-one') {
    const o = rowInputs(tr.model, tr.table)
    expectSameItems(tr, { x: o.x, keys: o.rows }, Array.from(val.rows!))
  } else {
    const s = specOf(tr.model)
    const w = seriesInputs(tr.model, tr.table, s, seriesLayout(tr.model, s))
    expectSameItems(tr, { x: w.x, keys: w.ok }, Array.from(val.starts!))
  }
  return tr
}

const grouped = { groupBy: 'id', orderBy: 't', inputs: ['a', 'b'] }

describe('validation tensors re-encoded through the inference path are bit-identical', () => {
  it('one-to-one rows', () => {
    parity(csv, { mapping: 'one-to-one', inputs: ['a', 'b'], target: 'kind' })
  })

  it('grouped sequences, many-to-one and many-to-many', () => {
    parity(csv, { mapping: 'many-to-one', ...grouped, target: 'kind' })
    parity(csv, { mapping: 'many-to-many', ...grouped, target: 'a' })
  })

  it('series windows: many-to-one, many-to-many, seq2seq', () => {
    for (const mapping of ['many-to-one', 'many-to-many', 'seq2seq'] as const)
      parity(csv, {
        mapping,
        inputs: ['a', 'b'],
        target: 'b',
        window: 5,
        horizon: mapping === 'seq2seq' ? 2 : undefined
      })
  })

  it('text token inputs: many-to-one and seq2seq (characters in, words out)', () => {
    parity(csv, { mapping: 'many-to-one', text: 'word', target: 'kind' })
    parity(csv, { mapping: 'seq2seq', text: 'word', target: 'spelled', sourceTokens: 'char', targetTokens: 'word' })
  })

  it('one-to-many generation: the condition one-hot', () => {
    const tr = trainOn(csv, { mapping: 'one-to-many', target: 'word', condition: 'kind', model }, 1)
    const conds = Array.from(tr.seqs.val.rows!, (row) => rows[row]!.kind)
    expect(conds.length).toBeGreaterThan(0)
    same(conditionInputs(tr.model, conds), tr.seqs.val.x)
  })
})

describe('the missing-value policies encode alike in training and at inference', () => {
  it('the data has gaps in both inputs', () => {
    const lines = gappy.trim().split('\n').slice(1)
    expect(lines.filter((l) => l.split(',')[2] === '').length).toBeGreaterThan(5)
    expect(lines.filter((l) => l.split(',')[3] === '').length).toBeGreaterThan(3)
  })

  it('mean: the stored training means fill rows, grouped sequences and series windows', () => {
    const tr = parity(gappy, { mapping: 'one-to-one', inputs: ['a', 'b'], target: 'kind', missing: 'mean' })
    expect(tr.model.normalization.input!.fill).toHaveLength(2)
    parity(gappy, { mapping: 'many-to-one', ...grouped, target: 'kind', missing: 'mean' })
    parity(gappy, { mapping: 'many-to-one', inputs: ['a', 'b'], target: 'b', window: 5, missing: 'mean' })
  })

  it('ffill: grouped sequences fill along each sequence, series windows along the series', () => {
    parity(gappy, { mapping: 'many-to-many', ...grouped, target: 'a', missing: 'ffill' })
    const tr = parity(gappy, {
      mapping: 'seq2seq',
      inputs: ['a', 'b'],
      target: 'b',
      window: 4,
      horizon: 2,
      missing: 'ffill'
    })
    const s = specOf(tr.model)
    const w = seriesInputs(tr.model, tr.table, s, seriesLayout(tr.model, s))
    expect(w.ok).toHaveLength(w.windows.length) // every gap is filled: no window is left out
  })

  it('drop: the rows with a gap are left out of grouped sequences and series windows alike', () => {
    const tr = parity(gappy, { mapping: 'many-to-one', ...grouped, target: 'kind', missing: 'drop' })
    expect(groupedInputs(tr.model, tr.table).warnings.join()).toMatch(/missing input value skipped/)
    parity(gappy, { mapping: 'many-to-one', inputs: ['a', 'b'], target: 'b', window: 3, missing: 'drop' })
  })
})
