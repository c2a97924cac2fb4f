// Each mapping learns a small synthetic task through train() (and predict() for the free-running ones).

import { describe, expect, it } from 'vitest'
import { predict, train, type TrainConfig, type TrainData } from '../../../src-worker/trainer.js'
import { Rng } from '../../../src-worker/engine/rng.js'
import { accuracy, addingData, delayedEcho, reversal } from './tasks.js'

const cfg = (
  cell: TrainConfig['model']['cell'],
  hiddenSize: number,
  epochs: number,
  lr = 0.02,
  extra: Partial<TrainConfig> = {}
): TrainConfig => ({
  model: { cell, hiddenSize, numLayers: 1 },
  optimizer: { kind: 'adam', lr },
  epochs,
  batchSize: 32,
  seed: 1,
  ...extra
})

describe('mappings learn', () => {
  it('one-to-one: GRU fits y = sin(2x₁)·x₂', () => {
    const mk = (n: number, seed: number) => {
      const r = new Rng(seed),
        x = new Float32Array(2 * n),
        y = new Float32Array(n)
      for (let i = 0; i < n; i++) {
        x[2 * i] = 2 * r.uniform() - 1
        x[2 * i + 1] = 2 * r.uniform() - 1
        y[i] = Math.sin(2 * x[2 * i]) * x[2 * i + 1]
      }
      return { n, x, y }
    }
    const data: TrainData = {
      mapping: 'one-to-one',
      task: 'regression',
      inputSize: 2,
      outputSize: 1,
      tx: 1,
      ty: 1,
      train: mk(512, 1),
      val: mk(128, 2)
    }
    const res = train(cfg('gru', 16, 20), data)
    expect(res.status).toBe('completed')
    expect(res.valLoss).toBeLessThan(0.15 * res.epochs[0].valLoss)
  })

  it('many-to-one: vanilla tanh RNN learns a short adding problem', () => {
    const res = train(cfg('rnn_tanh', 24, 30, 0.01), addingData(512, 128, 5))
    expect(res.valLoss).toBeLessThan(0.03)
  })

  it('many-to-many aligned: LSTM delayed echo with token inputs, variable lengths (masks)', () => {
    const data: TrainData = {
      mapping: 'many-to-many',
      task: 'classification',
      inputSize: 4,
      outputSize: 4,
      tx: 8,
      ty: 8,
      train: delayedEcho(256, 8, 4, 2, 1, 4),
      val: delayedEcho(64, 8, 4, 2, 2, 4),
      tokens: true
    }
    const res = train(cfg('lstm', 24, 25, 0.03), data)
    expect(res.status).toBe('completed')
    expect(res.valLoss).toBeLessThan(0.15)
    const p = predict(cfg('lstm', 24, 1), { ...data, n: data.val.n, x: data.val.x }, res.weights)
    expect(accuracy(p.classes!, data.val.y, data.val.mask)).toBeGreaterThan(0.95)
  })

  it('many-to-many aligned: only a bidirectional GRU can echo the NEXT input', () => {
    const mk = (n: number, seed: number) => {
      const s = delayedEcho(n, 6, 3, 0, seed)
      for (let i = 0; i < n; i++) for (let t = 0; t < 6; t++) s.y[i * 6 + t] = t < 5 ? s.x[i * 6 + t + 1] : 0
      return s
    }
    const data: TrainData = {
      mapping: 'many-to-many',
      task: 'classification',
      inputSize: 3,
      outputSize: 3,
      tx: 6,
      ty: 6,
      train: mk(256, 1),
      val: mk(64, 2),
      tokens: true
    }
    const bi = train(
      { ...cfg('gru', 16, 20, 0.03), model: { cell: 'gru', hiddenSize: 16, numLayers: 1, bidirectional: true } },
      data
    )
    const uni = train(cfg('gru', 16, 20, 0.03), data)
    expect(bi.valLoss).toBeLessThan(0.15)
    expect(uni.valLoss).toBeGreaterThan(0.5) // the future is unknown to a forward-only model
    expect(Object.keys(bi.weights)).toContain('weight_ih_l0_reverse')
  })

  it('one-to-many: from a start token, generate (c + t) mod 4 — free-running at inference', () => {
    const mk = (n: number, seed: number) => {
      const r = new Rng(seed),
        x = new Float32Array(n),
        y = new Float32Array(n * 5)
      for (let i = 0; i < n; i++) {
        x[i] = r.int(4)
        for (let t = 0; t < 5; t++) y[i * 5 + t] = (x[i] + t) % 4
      }
      return { n, x, y }
    }
    const data: TrainData = {
      mapping: 'one-to-many',
      task: 'classification',
      inputSize: 4,
      outputSize: 4,
      tx: 1,
      ty: 5,
      train: mk(256, 1),
      val: mk(64, 2),
      tokens: true
    }
    const res = train(cfg('lstm', 16, 15, 0.03), data)
    expect(res.valLoss).toBeLessThan(0.1)
    const p = predict(cfg('lstm', 16, 1), { ...data, n: 64, x: data.val.x }, res.weights)
    expect(accuracy(p.classes!, data.val.y)).toBe(1)
  })

  it('one-to-many regression: ramp from a start value, fed back its own output', () => {
    const mk = (n: number, seed: number) => {
      const r = new Rng(seed),
        x = new Float32Array(n),
        y = new Float32Array(n * 4)
      for (let i = 0; i < n; i++) {
        x[i] = r.uniform() - 0.5
        for (let t = 0; t < 4; t++) y[i * 4 + t] = x[i] + 0.25 * t
      }
      return { n, x, y }
    }
    const data: TrainData = {
      mapping: 'one-to-many',
      task: 'regression',
      inputSize: 1,
      outputSize: 1,
      tx: 1,
      ty: 4,
      train: mk(256, 1),
      val: mk(64, 2)
    }
    const res = train(cfg('gru', 16, 30, 0.02), data)
    expect(res.valLoss).toBeLessThan(0.01)
    const p = predict(cfg('gru', 16, 1), { ...data, n: 64, x: data.val.x }, res.weights)
    let se = 0
    for (let i = 0; i < p.output.length; i++) se += (p.output[i] - data.val.y[i]) ** 2
    expect(se / p.output.length).toBeLessThan(0.02)
  })

  it('seq2seq: LSTM encoder–decoder reverses token sequences (teacher forcing, then free-running)', () => {
    const data: TrainData = {
      mapping: 'seq2seq',
      task: 'classification',
      inputSize: 4,
      outputSize: 4,
      tx: 3,
      ty: 3,
      train: reversal(512, 3, 4, 1),
      val: reversal(64, 3, 4, 2),
      tokens: true
    }
    const res = train(cfg('lstm', 32, 25, 0.02), data)
    expect(res.status).toBe('completed')
    expect(res.valLoss).toBeLessThan(0.1)
    expect(Object.keys(res.weights)[0]).toBe('encoder.weight_ih_l0')
    const p = predict(cfg('lstm', 32, 1), { ...data, n: 64, x: data.val.x }, res.weights)
    expect(accuracy(p.classes!, data.val.y)).toBeGreaterThan(0.95)
  })
})
