// Text models on a new CSV: tokens encoded with the stored vocabulary (unknown → <unk>, or a located error when the
// vocabulary has none), the class of each text, and greedy decoding for text → text, all equal to the engine's
// own predictions on the builder's samples; the target column is optional.
import { describe, expect, it } from 'vitest'
import { predictTable, predictionTableCsv } from '../../../../src-worker/inference/predict-table'
import { decodeTokens } from '../../../../src-worker/inference/predict-text'
import { Batch, Model } from '../../../../src-worker/engine/model'
import { importTorch } from '../../../../src-worker/engine/params'
import { modelSpecOf, type TrainConfig } from '../../../../src-worker/trainer'
import type { SavedModel } from '../../../../src-worker/protocol'
import { column, csvTable, enginePredict, trainOn, uniform } from './predict-train'

function reviewsCsv(withTarget = true): string {
  const u = uniform(3)
  const lines = [withTarget ? 'review,sentiment' : 'review']
  for (let r = 0; r < 60; r++) {
    const len = 3 + Math.floor(u() * 6)
    let text = ''
    for (let k = 0; k < len; k++) text += 'abcd '[Math.floor(u() * 5)]
    text = text.trim() || 'a'
    const pos = (text.match(/a/g) ?? []).length >= (text.match(/b/g) ?? []).length
    // a few texts start like a formula: escaped in the CSV written
    if (r % 10 === 0) text = `=${text}`
    lines.push(withTarget ? `${text},${pos ? 'pos' : 'neg'}` : text)
  }
  return lines.join('\n') + '\n'
}

describe('predict: text classification (one row per text)', () => {
  const tr = trainOn(reviewsCsv(), { mapping: 'many-to-one', text: 'review', target: 'sentiment' })
  const { model, seqs } = tr

  it('equals the engine on every text, with the true label and correctness; text cells are escaped', () => {
    const p = predictTable(model, tr.table)
    expect(p.header).toEqual(['line', 'review', 'predicted_sentiment', 'p_neg', 'p_pos', 'actual_sentiment', 'correct'])
    expect(p.rows).toHaveLength(60)
    for (const split of [seqs.train, seqs.val]) {
      const y = enginePredict(model, split)
      split.rows!.forEach((r, k) => {
        const row = p.rows[r]!
        expect(row[0]).toBe(r + 2)
        expect([row[3], row[4]]).toEqual([y.output[k * 2], y.output[k * 2 + 1]])
        expect(row[2]).toBe(seqs.classes![y.classes![k]!])
        expect(row[5]).toBe(seqs.classes![split.y[k]!])
      })
    }
    expect(p.score!.count).toBe(60)
    const lines = predictionTableCsv(p).split('\r\n')
    expect(lines[1]!.startsWith(`2,'=`)).toBe(true)
  })

  it('the label column is optional', () => {
    const a = predictTable(model, tr.table),
      b = predictTable(model, csvTable(reviewsCsv(false)))
    expect(b.header).toEqual(['line', 'review', 'predicted_sentiment', 'p_neg', 'p_pos'])
    expect(b.rows).toEqual(a.rows.map((r) => r.slice(0, 5)))
  })

  it('reads a character the vocabulary lacks as <unk> (with a located warning), or names it when there is no <unk>', () => {
    const vocab = model.vocab!.inputVocab!
    const p = predictTable(model, csvTable('review\nabzc\nab\n'))
    const tx = model.data.tx,
      x = new Float32Array(2 * tx)
    x.set(
      ['a', 'b', 'z', 'c'].map((c) => (vocab.indexOf(c) >= 0 ? vocab.indexOf(c) : 1)),
      0
    )
    x.set([vocab.indexOf('a'), vocab.indexOf('b')], tx)
    const y = enginePredict(model, { n: 2, x, y: new Float32Array(0) })
    expect(column(p, 'p_neg')).toEqual([y.output[0], y.output[2]])
    expect(p.warnings).toContain('1 token not in the model\'s vocabulary read as <unk> (first: line 2: character "z")')
    const noUnk: SavedModel = {
      ...model,
      vocab: { ...model.vocab, inputVocab: vocab.map((t) => (t === '<unk>' ? '<unused>' : t)) }
    }
    try {
      predictTable(noUnk, csvTable('review\nab\nabzc\n'))
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({
        name: 'InputError',
        line: 3,
        column: 'review',
        message:
          'line 3, column "review": character "z" is not in the model\'s vocabulary (and the vocabulary has no <unk> token)'
      })
    }
  })

  it('names the missing text column and a missing text', () => {
    expect(() => predictTable(model, csvTable('text,sentiment\nab,pos\n'))).toThrow(
      'the CSV does not fit the model: no text column "review" (the file\'s columns: "text", "sentiment")'
    )
    expect(() => predictTable(model, csvTable('review,sentiment\nab,pos\n,neg\n'))).toThrow(
      /^line 3, column "review": missing text/
    )
  })
})

// spelling → the same letters reversed and upper-cased ("abc" → "CBA"): a text → text (seq2seq) model
function spellingCsv(withTarget = true): string {
  const u = uniform(7)
  const lines = [withTarget ? 'word,spelled' : 'word']
  for (let r = 0; r < 50; r++) {
    let w = ''
    const len = 2 + Math.floor(u() * 4)
    for (let k = 0; k < len; k++) w += 'abcde'[Math.floor(u() * 5)]
    lines.push(withTarget ? `${w},${[...w].reverse().join('').toUpperCase()}` : w)
  }
  return lines.join('\n') + '\n'
}

describe('predict: text → text seq2seq (greedy decoding)', () => {
  const tr = trainOn(spellingCsv(), { mapping: 'seq2seq', text: 'word', target: 'spelled' }, 6)
  const { model, seqs } = tr

  it("decodes each word greedily, exactly as the engine decodes the builder's samples", () => {
    const p = predictTable(model, tr.table)
    expect(p.header).toEqual(['line', 'word', 'predicted_spelled', 'actual_spelled', 'correct'])
    const vocab = seqs.targetVocab!,
      ty = model.data.ty
    for (const split of [seqs.train, seqs.val]) {
      const y = enginePredict(model, split)
      split.rows!.forEach((r, k) => {
        const row = p.rows[r]!
        expect(row[2]).toBe(decodeTokens(y.classes!, k * ty, ty, vocab, false))
        expect(row[3]).toBe(tr.table.values[1]![r])
        expect(row[4]).toBe(row[2] === row[3])
      })
    }
    expect(p.score).toMatchObject({ target: 'spelled', count: 50 })
  })

  it('greedy: each decoded token is the argmax after feeding the ones before it (teacher-forced replay)', () => {
    const p = predictTable(model, tr.table)
    const vocab = seqs.targetVocab!,
      ty = model.data.ty,
      tx = model.data.tx
    const split = seqs.train,
      n = split.n
    // the decoded ids, <eos>-terminated, as the teacher-forced targets of the same network
    const ids = new Float32Array(n * ty),
      mask = new Float32Array(n * ty)
    split.rows!.forEach((r, k) => {
      const text = p.rows[r]![2] as string
      const toks = [...text].map((c) => vocab.indexOf(c))
      toks.push(3)
      toks.slice(0, ty).forEach((id, t) => {
        ids[k * ty + t] = id
        mask[k * ty + t] = 1
      })
    })
    const cfg = model.trainConfig as TrainConfig
    const data = { ...model.data, mapping: 'seq2seq' as const, task: 'classification' as const }
    const net = new Model(modelSpecOf(cfg, data, true), 'float32', n)
    importTorch(net.layout, net.params, model.weights)
    const batch = new Batch(net.spec, 'float32', n)
    batch.fill(
      split.x,
      ids,
      mask,
      Int32Array.from({ length: n }, (_, k) => k),
      0,
      n
    )
    net.lossGrad(batch, { grad: false, dropout: 'off' })
    const O = model.data.outputSize
    let checked = 0
    for (let k = 0; k < n; k++)
      for (let t = 0; t < ty && mask[k * ty + t]; t++) {
        let best = 0
        for (let c = 1; c < O; c++) if (net.logits[(t * n + k) * O + c]! > net.logits[(t * n + k) * O + best]!) best = c
        expect(best).toBe(ids[k * ty + t])
        checked++
      }
    expect(checked).toBeGreaterThan(n)
    expect(tx).toBeGreaterThan(1)
  })

  it('the target text column is optional; --temperature samples with a seed', () => {
    const a = predictTable(model, tr.table),
      b = predictTable(model, csvTable(spellingCsv(false)))
    expect(b.header).toEqual(['line', 'word', 'predicted_spelled'])
    expect(b.rows).toEqual(a.rows.map((r) => r.slice(0, 3)))
    const s1 = predictTable(model, csvTable(spellingCsv(false)), { temperature: 2, seed: 9 })
    const s2 = predictTable(model, csvTable(spellingCsv(false)), { temperature: 2, seed: 9 })
    expect(s1.rows).toEqual(s2.rows)
    expect(s1.rows).not.toEqual(b.rows)
  })
})
