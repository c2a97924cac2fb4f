// Two threads on the float32 WASM path split every big enough layer scan by batch rows (wasm/pool.ts `scan`): each
// thread runs the whole forward and BPTT scan over the chunks of rows it claims. Rows never mix inside a scan and the products
// over all T·B rows are split by output rows, so a training step must give the same bits with 1 and 2 threads —
// for every cell kind, odd batch sizes (chunks start at multiples of 4; 2 and 4 chunks), bidirectional and stacked layers,
// dropout, masks, token inputs and every mapping — and train() with `threads: 2` the same run as with 1.

import { afterAll, describe, expect, it } from 'vitest'
import { Batch, Model } from '../../../../src-worker/engine/model.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import {
  gemmThreads,
  helperShare,
  scanMode,
  setGemmThreads,
  setHelperOnly
} from '../../../../src-worker/engine/wasm/pool.js'
import { train, type TrainConfig, type TrainData } from '../../../../src-worker/trainer.js'
import { dataOf, specOf, type PathCase } from './path-cases'

type Case = PathCase

const CASES: Case[] = [
  {
    name: 'LSTM many-to-many, tokens, CE with masks, 2 layers, dropout',
    cell: 'lstm',
    mapping: 'many-to-many',
    task: 'classification',
    B: 19,
    H: 96,
    L: 2,
    tx: 7,
    ty: 7,
    I: 11,
    O: 11,
    tokens: true,
    dropout: 0.3,
    masked: true
  },
  {
    name: 'GRU bidirectional many-to-one',
    cell: 'gru',
    mapping: 'many-to-one',
    task: 'regression',
    B: 24,
    H: 48,
    L: 1,
    tx: 6,
    ty: 1,
    I: 5,
    O: 2,
    bidirectional: true
  },
  {
    name: 'tanh RNN many-to-one',
    cell: 'rnn_tanh',
    mapping: 'many-to-one',
    task: 'regression',
    B: 18,
    H: 72,
    L: 1,
    tx: 9,
    ty: 1,
    I: 3,
    O: 1
  },
  {
    name: 'relu RNN seq2seq, CE',
    cell: 'rnn_relu',
    mapping: 'seq2seq',
    task: 'classification',
    B: 16,
    H: 80,
    L: 1,
    tx: 5,
    ty: 4,
    I: 6,
    O: 7
  },
  {
    name: 'LSTM seq2seq, tokens, 2 layers',
    cell: 'lstm',
    mapping: 'seq2seq',
    task: 'classification',
    B: 21,
    H: 64,
    L: 2,
    tx: 6,
    ty: 5,
    I: 9,
    O: 8,
    tokens: true
  },
  {
    name: 'GRU one-to-many, regression (4 chunks)',
    cell: 'gru',
    mapping: 'one-to-many',
    task: 'regression',
    B: 37,
    H: 40,
    L: 1,
    tx: 1,
    ty: 6,
    I: 4,
    O: 3
  }
]

/** Two training steps' loss, gradients and hidden outputs with `threads` threads. */
function steps(c: Case, threads: number): { loss: number[]; grads: Float32Array; out: Float32Array } {
  expect(setGemmThreads(threads)).toBe(threads)
  const spec = specOf(c),
    rng = new Rng(7),
    model = new Model(spec, 'float32', c.B)
  model.init(rng)
  const batch = new Batch(spec, 'float32', c.B),
    d = dataOf(c, c.B, 11)
  batch.fill(
    d.x,
    d.y,
    d.mask,
    Int32Array.from({ length: c.B }, (_, i) => i),
    0,
    c.B
  )
  const loss: number[] = []
  for (let k = 0; k < 2; k++) {
    model.grads.fill(0)
    loss.push(model.lossGrad(batch, { grad: true, dropout: 'sample', rng }).loss)
    for (let i = 0; i < model.params.length; i++) model.params[i] -= 0.05 * model.grads[i]
  }
  return { loss, grads: model.grads.slice() as Float32Array, out: model.top.out.slice() as Float32Array }
}

function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

describe.skipIf(!wasm)('batch-split scans on two threads', () => {
  afterAll(() => {
    setHelperOnly(false)
    setGemmThreads(1)
  })

  it('the rule splits big enough scans only', () => {
    setGemmThreads(1)
    expect(scanMode(64, 256)).toBe('one')
    setGemmThreads(2)
    expect(scanMode(64, 256)).toBe(process.env.RNN_SPLIT === 'step' ? 'step' : 'batch')
    if (process.env.RNN_SPLIT !== 'step' && !process.env.RNN_SCAN_MIN) {
      expect(scanMode(16, 32)).toBe('one') // B·H = 512 < 1024
      expect(scanMode(8, 1024)).toBe('one') // B < 16
      expect(scanMode(16, 64)).toBe('batch')
    }
  })

  for (const c of CASES) {
    it(`${c.name} (B=${c.B}, H=${c.H}): a training step gives the same bits with 1 and 2 threads`, () => {
      setGemmThreads(2)
      if (process.env.RNN_SPLIT !== 'step') expect(scanMode(c.B, c.H)).toBe('batch') // the case exercises the split
      const two = steps(c, 2),
        one = steps(c, 1)
      // and with the helper running every chunk (its own copy of the chunk code, no chunk run by this thread)
      setHelperOnly(true)
      helperShare()
      const helper = steps(c, 2),
        share = helperShare()
      setHelperOnly(false)
      expect(share.chunks).toBeGreaterThan(0)
      expect(share.helper).toBe(share.chunks)
      expect(helper.loss).toEqual(one.loss)
      expect(same(helper.grads, one.grads)).toBe(true)
      expect(same(helper.out, one.out)).toBe(true)
      expect(Number.isFinite(one.loss[1])).toBe(true)
      expect(two.loss).toEqual(one.loss)
      expect(same(two.grads, one.grads)).toBe(true)
      expect(same(two.out, one.out)).toBe(true)
      // and the step is not trivially zero
      expect(one.grads.some((g) => g !== 0)).toBe(true)
    })
  }

  it('train() with threads: 2 is the same run as with threads: 1, and leaves the thread count as it was', () => {
    const c = CASES[0],
      n = 40,
      d = dataOf(c, n, 3),
      v = dataOf(c, 13, 4)
    const data: TrainData = {
      mapping: c.mapping,
      task: c.task,
      inputSize: c.I,
      outputSize: c.O,
      tx: c.tx,
      ty: c.ty,
      tokens: true,
      train: { n, x: d.x, y: d.y, mask: d.mask },
      val: { n: 13, x: v.x, y: v.y, mask: v.mask }
    }
    const config = (threads: number): TrainConfig => ({
      model: { cell: c.cell, hiddenSize: c.H, numLayers: c.L, dropout: 0.2 },
      optimizer: { kind: 'adam', lr: 3e-3 },
      epochs: 3,
      batchSize: 19,
      seed: 5,
      clipNorm: 1,
      threads
    })
    setGemmThreads(1)
    const two = train(config(2), data)
    expect(gemmThreads()).toBe(1)
    const one = train(config(1), data)
    expect(two.status).toBe('completed')
    expect(two.epochs.map((e) => [e.trainLoss, e.valLoss])).toEqual(one.epochs.map((e) => [e.trainLoss, e.valLoss]))
    expect(two.weights).toEqual(one.weights)
    expect(train({ ...config(1), threads: 3 }, data).error).toBe('threads must be 1 or 2, got 3')
  })
})
