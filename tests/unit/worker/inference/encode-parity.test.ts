// One encoder for training and serving (data/encoder.ts): a stored run's validation inputs, re-encoded from the same
// CSV through the inference path (the stored statistics, fill values, vocabularies and classes), are bit-identical to
// the tensors training built — under every missing-value policy, and for every mapping: one-to-one rows, one-to-many generators (their condition), many-to-one and many-to-many
// (series windows and grouped sequences), seq2seq series, and text token inputs (many-to-one, seq2seq).
import { describe, expect, it } from 'vitest'
import { rowInputs } from '../../../../src-worker/inference/predict-rows'
import { groupedInputs } from '../../../../src-worker/inference/predict-grouped'
import { textInputs } from '../../../../src-worker/inference/predict-text'
import { seriesInputs } from '../../../../src-worker/inference/series-inputs'
import { seriesLayout } from '../../../../src-worker/inference/series-layout'
import { conditionInputs } from '../../../../src-worker/tasks/generate'
import { specOf } from '../../../../src-worker/export/spec'
import { savedModelSchema } from '../../../../src-worker/model/saved-model'
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

/** Bitwise equality of two float32 tensors. */
const same = (a: Float32Array, b: Float32Array) =>
  expect(new Uint32Array(a.buffer.slice(0))).toEqual(new Uint32Array(b.buffer.slice(0)))

/** The inference path's encoding of the items training put in validation (`pick` → (index in x, width)). */
function gather(x: Float32Array, at: number[], w: number): Float32Array {
  const out = new Float32Array(at.length * w)
  at.forEach((i, k) => {
    expect(i).toBeGreaterThanOrEqual(0)
    out.set(x.subarray(i * w, (i + 1) * w), k * w)
  })
  return out
}

function valOf(tr: Trained): { x: Float32Array; w: number } {
  const s = specOf(tr.model)
  expect(tr.seqs.val.n).toBeGreaterThan(0)
  return { x: tr.seqs.val.x, w: s.tx * (s.tokens ? 1 : s.inputSize) }
}

describe('validation tensors re-encoded through the inference path are bit-identical', () => {
  it('one-to-one rows', () => {
    const tr = trainOn(csv, { mapping: 'one-to-one', inputs: ['a', 'b'], target: 'kind', model }, 1)
    const inp = rowInputs(tr.model, tr.table),
      v = valOf(tr)
    same(
      gather(
        inp.x,
        Array.from(tr.seqs.val.rows!, (row) => inp.rows.indexOf(row)),
        v.w
      ),
      v.x
    )
  })

  it('grouped sequences, many-to-one and many-to-many', () => {
    for (const mapping of ['many-to-one', 'many-to-many'] as const) {
      const tr = trainOn(
        csv,
        {
          mapping,
          groupBy: 'id',
          orderBy: 't',
          inputs: ['a', 'b'],
          target: mapping === 'many-to-one' ? 'kind' : 'a',
          model
        },
        1
      )
      const inp = groupedInputs(tr.model, tr.table),
        v = valOf(tr)
      same(
        gather(
          inp.x,
          tr.seqs.val.ids!.map((id) => inp.ids.indexOf(id)),
          v.w
        ),
        v.x
      )
    }
  })

  it('series windows: many-to-one, many-to-many, seq2seq', () => {
    for (const mapping of ['many-to-one', 'many-to-many', 'seq2seq'] as const) {
      const tr = trainOn(
        csv,
        { mapping, inputs: ['a', 'b'], target: 'b', window: 5, horizon: mapping === 'seq2seq' ? 2 : undefined, model },
        1
      )
      const s = specOf(tr.model)
      const inp = seriesInputs(tr.model, tr.table, s, seriesLayout(tr.model, s)),
        v = valOf(tr)
      same(
        gather(
          inp.x,
          Array.from(tr.seqs.val.starts!, (st) => inp.ok.indexOf(st)),
          v.w
        ),
        v.x
      )
    }
  })

  it('text token inputs: many-to-one and seq2seq (characters in, words out)', () => {
    const cls = trainOn(csv, { mapping: 'many-to-one', text: 'word', target: 'kind', model }, 1)
    const s2s = trainOn(
      csv,
      { mapping: 'seq2seq', text: 'word', target: 'spelled', sourceTokens: 'char', targetTokens: 'word', model },
      1
    )
    for (const tr of [cls, s2s]) {
      const inp = textInputs(tr.model, tr.table),
        v = valOf(tr)
      same(
        gather(
          inp.x,
          Array.from(tr.seqs.val.rows!, (row) => inp.rows.indexOf(row)),
          v.w
        ),
        v.x
      )
    }
  })

  it('one-to-many generation: the condition one-hot', () => {
    const tr = trainOn(csv, { mapping: 'one-to-many', target: 'word', condition: 'kind', model }, 1)
    const conds = Array.from(tr.seqs.val.rows!, (row) => rows[row]!.kind)
    expect(conds.length).toBeGreaterThan(0)
    same(conditionInputs(tr.model, conds), tr.seqs.val.x)
  })
})

describe('the missing-value policies encode alike in training and at inference', () => {
  // the same data with gaps in both inputs: every policy has cells to fill or rows to leave out
  const gappy = csv
    .split('\n')
    .map((line, k) => {
      if (k === 0 || !line) return line
      const c = line.split(',')
      if (k % 7 === 3) c[2] = ''
      if (k % 11 === 5) c[3] = ''
      return c.join(',')
    })
    .join('\n')
  /** The model as a file holds it: JSON, parsed by the saved-model schema. */
  const stored = (tr: Trained): Trained => ({
    ...tr,
    model: savedModelSchema.parse(JSON.parse(JSON.stringify(tr.model))) as Trained['model']
  })

  it('mean: the stored training means fill rows, grouped sequences and series windows', () => {
    const rowsTr = stored(
      trainOn(gappy, { mapping: 'one-to-one', inputs: ['a', 'b'], target: 'kind', missing: 'mean', model }, 1)
    )
    expect(rowsTr.model.normalization.input!.fill).toHaveLength(2)
    const inp = rowInputs(rowsTr.model, rowsTr.table)
    same(
      gather(
        inp.x,
        Array.from(rowsTr.seqs.val.rows!, (row) => inp.rows.indexOf(row)),
        2
      ),
      rowsTr.seqs.val.x
    )
    const grTr = stored(
      trainOn(
        gappy,
        {
          mapping: 'many-to-one',
          groupBy: 'id',
          orderBy: 't',
          inputs: ['a', 'b'],
          target: 'kind',
          missing: 'mean',
          model
        },
        1
      )
    )
    const g = groupedInputs(grTr.model, grTr.table)
    same(
      gather(
        g.x,
        grTr.seqs.val.ids!.map((id) => g.ids.indexOf(id)),
        valOf(grTr).w
      ),
      grTr.seqs.val.x
    )
    const seTr = stored(
      trainOn(gappy, { mapping: 'many-to-one', inputs: ['a', 'b'], target: 'b', window: 5, missing: 'mean', model }, 1)
    )
    const s = specOf(seTr.model)
    const w = seriesInputs(seTr.model, seTr.table, s, seriesLayout(seTr.model, s))
    same(
      gather(
        w.x,
        Array.from(seTr.seqs.val.starts!, (st) => w.ok.indexOf(st)),
        valOf(seTr).w
      ),
      seTr.seqs.val.x
    )
  })

  it('ffill: grouped sequences fill along each sequence, series windows along the series', () => {
    const grTr = trainOn(
      gappy,
      {
        mapping: 'many-to-many',
        groupBy: 'id',
        orderBy: 't',
        inputs: ['a', 'b'],
        target: 'a',
        missing: 'ffill',
        model
      },
      1
    )
    const g = groupedInputs(grTr.model, grTr.table)
    same(
      gather(
        g.x,
        grTr.seqs.val.ids!.map((id) => g.ids.indexOf(id)),
        valOf(grTr).w
      ),
      grTr.seqs.val.x
    )
    const seTr = trainOn(
      gappy,
      { mapping: 'seq2seq', inputs: ['a', 'b'], target: 'b', window: 4, horizon: 2, missing: 'ffill', model },
      1
    )
    const s = specOf(seTr.model)
    const w = seriesInputs(seTr.model, seTr.table, s, seriesLayout(seTr.model, s))
    expect(w.ok).toHaveLength(w.windows.length) // every gap is filled: no window is left out
    same(
      gather(
        w.x,
        Array.from(seTr.seqs.val.starts!, (st) => w.ok.indexOf(st)),
        valOf(seTr).w
      ),
      seTr.seqs.val.x
    )
  })

  it('drop: the rows with a gap are left out of grouped sequences and series windows alike', () => {
    const grTr = trainOn(
      gappy,
      {
        mapping: 'many-to-one',
        groupBy: 'id',
        orderBy: 't',
        inputs: ['a', 'b'],
        target: 'kind',
        missing: 'drop',
        model
      },
      1
    )
    const g = groupedInputs(grTr.model, grTr.table)
    expect(g.warnings.join()).toMatch(/missing input value skipped/)
    same(
      gather(
        g.x,
        grTr.seqs.val.ids!.map((id) => g.ids.indexOf(id)),
        valOf(grTr).w
      ),
      grTr.seqs.val.x
    )
    const seTr = trainOn(
      gappy,
      { mapping: 'many-to-one', inputs: ['a', 'b'], target: 'b', window: 3, missing: 'drop', model },
      1
    )
    const s = specOf(seTr.model)
    const w = seriesInputs(seTr.model, seTr.table, s, seriesLayout(seTr.model, s))
    same(
      gather(
        w.x,
        Array.from(seTr.seqs.val.starts!, (st) => w.ok.indexOf(st)),
        valOf(seTr).w
      ),
      seTr.seqs.val.x
    )
  })
})
