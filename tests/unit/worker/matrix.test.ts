// Smoke matrix: every cell × mapping × task with layers, dropout, bidirectional, tokens and TBPTT where they
// apply runs train() and predict() to completion with finite numbers and the right output shapes.

import { describe, expect, it } from 'vitest'
import { predict, train, type CellKind, type TrainConfig, type TrainData } from '../../../src-worker/trainer.js'
import type { Mapping, Task } from '../../../src-worker/engine/model.js'
import { Rng } from '../../../src-worker/engine/rng.js'

function data(mapping: Mapping, task: Task, tokens: boolean, masked: boolean): TrainData {
  const tx = mapping === 'one-to-one' || mapping === 'one-to-many' ? 1 : 6
  const ty = mapping === 'many-to-many' ? tx : mapping === 'one-to-one' || mapping === 'many-to-one' ? 1 : 4
  const I = tokens ? 5 : 3,
    O = task === 'regression' ? 2 : 3,
    r = new Rng(7)
  const split = (n: number) => ({
    n,
    x: Float32Array.from({ length: n * tx * (tokens ? 1 : I) }, () => (tokens ? r.int(I) : r.normal())),
    y: Float32Array.from({ length: n * ty * (task === 'regression' ? O : 1) }, () =>
      task === 'regression' ? r.normal() : r.int(O)
    ),
    ...(masked ? { mask: Float32Array.from({ length: n * ty }, (_, k) => (k % ty === ty - 1 && ty > 1 ? 0 : 1)) } : {})
  })
  return { mapping, task, inputSize: I, outputSize: O, tx, ty, tokens, train: split(20), val: split(7) }
}

const cells: CellKind[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu']
const mappings: Mapping[] = ['one-to-one', 'many-to-one', 'many-to-many', 'one-to-many', 'seq2seq']

describe('smoke matrix', () => {
  for (const cell of cells)
    for (const mapping of mappings) {
      it(`${cell} ${mapping}`, () => {
        const generated = mapping === 'one-to-many' || mapping === 'seq2seq'
        for (const [task, tokens, layers, bidi, tbptt] of [
          ['regression', false, 1, false, 0],
          ['classification', true, 2, !generated, 0],
          ['classification', false, 3, false, 4]
        ] as [Task, boolean, number, boolean, number][]) {
          const d = data(mapping, task, tokens, task === 'classification')
          const cfg: TrainConfig = {
            model: { cell, hiddenSize: 5, numLayers: layers, dropout: layers > 1 ? 0.3 : 0, bidirectional: bidi },
            optimizer: { kind: 'rmsprop', lr: 0.01 },
            epochs: 2,
            batchSize: 8,
            seed: 1,
            tbptt,
            clipNorm: 1
          }
          const res = train(cfg, d)
          expect(res.error).toBeUndefined()
          expect(res.status).toBe('completed')
          expect(Number.isFinite(res.trainLoss) && Number.isFinite(res.valLoss)).toBe(true)
          const p = predict(cfg, { ...d, n: d.val.n, x: d.val.x }, res.weights)
          expect(p.output.length).toBe(d.val.n * d.ty * d.outputSize)
          expect(p.output.every(Number.isFinite)).toBe(true)
          if (task === 'classification') expect(p.classes!.length).toBe(d.val.n * d.ty)
        }
      })
    }
})
