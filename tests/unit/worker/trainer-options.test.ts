// train() options: reproducibility, float32 vs float64, clipping, truncated BPTT, schedules, early stopping,
// NaN/Inf guard, stop hook, validation errors, predict round trip.

import { describe, expect, it } from 'vitest'
import { predict, train, type TrainConfig, type TrainData } from '../../../src-worker/trainer.js'
import { Batch, Model, type ModelSpec } from '../../../src-worker/engine/model.js'
import { Rng } from '../../../src-worker/engine/rng.js'
import { addingData, delayedEcho } from './tasks.js'

const base: TrainConfig = {
  model: { cell: 'lstm', hiddenSize: 12, numLayers: 2, dropout: 0.2 },
  optimizer: { kind: 'adam', lr: 0.01 },
  epochs: 3,
  batchSize: 32,
  seed: 42
}

describe('reproducibility', () => {
  it('same seed + config ⇒ bit-identical losses and weights (with dropout and shuffling)', () => {
    const data = addingData(200, 50, 8)
    const steps1: number[] = [],
      steps2: number[] = []
    const a = train(base, data, { onStep: (s) => steps1.push(s.loss) })
    const b = train(base, data, { onStep: (s) => steps2.push(s.loss) })
    expect(steps1).toEqual(steps2)
    expect(a.epochs.map((e) => [e.trainLoss, e.valLoss])).toEqual(b.epochs.map((e) => [e.trainLoss, e.valLoss]))
    expect(a.weights).toEqual(b.weights)
    const c = train({ ...base, seed: 43 }, data)
    expect(c.epochs[0].trainLoss).not.toBe(a.epochs[0].trainLoss)
  })
})

describe('float32 vs float64', () => {
  // Documented bound (docs/ENGINE.md): one forward/backward in float32 agrees with float64 to 1e-5 relative on the
  // loss and 1e-4·max|g| on every gradient; 3 epochs of training agree to 1e-3 relative on the losses.
  for (const cell of ['lstm', 'gru', 'rnn_tanh'] as const)
    it(`${cell}: one step, T=50, H=32`, () => {
      const spec: ModelSpec = {
        cell,
        hiddenSize: 32,
        numLayers: 2,
        dropout: 0,
        bidirectional: false,
        mapping: 'many-to-many',
        task: 'classification',
        inputSize: 8,
        outputSize: 5,
        tx: 50,
        ty: 50,
        tokens: false
      }
      const m64 = new Model(spec, 'float64', 16),
        m32 = new Model(spec, 'float32', 16)
      m64.init(new Rng(1))
      m32.params.set(m64.params)
      m64.params.set(m32.params) // the same (float32-representable) weights
      const r = new Rng(2),
        n = 16
      const x = Array.from({ length: n * 50 * 8 }, () => r.normal()),
        y = Array.from({ length: n * 50 }, () => r.int(5))
      const idx = Array.from({ length: n }, (_, i) => i)
      const b64 = new Batch(spec, 'float64', n),
        b32 = new Batch(spec, 'float32', n)
      b64.fill(Float32Array.from(x), y, null, idx, 0, n)
      b32.fill(Float32Array.from(x), y, null, idx, 0, n)
      const l64 = m64.lossGrad(b64, { grad: true, dropout: 'off' }).loss,
        l32 = m32.lossGrad(b32, { grad: true, dropout: 'off' }).loss
      expect(Math.abs(l32 - l64)).toBeLessThan(1e-5 * Math.max(1, Math.abs(l64)))
      let gmax = 0,
        dmax = 0
      for (let i = 0; i < m64.grads.length; i++) {
        gmax = Math.max(gmax, Math.abs(m64.grads[i]))
        dmax = Math.max(dmax, Math.abs(m64.grads[i] - m32.grads[i]))
      }
      expect(dmax).toBeLessThan(1e-4 * Math.max(1, gmax))
    })
  it('3 epochs of training: losses agree to 1e-3 relative', () => {
    const data = addingData(128, 32, 10)
    const a = train({ ...base, model: { cell: 'gru', hiddenSize: 8, numLayers: 1 }, dtype: 'float32' }, data)
    const b = train({ ...base, model: { cell: 'gru', hiddenSize: 8, numLayers: 1 }, dtype: 'float64' }, data)
    for (let e = 0; e < 3; e++)
      expect(Math.abs(a.epochs[e].valLoss - b.epochs[e].valLoss)).toBeLessThan(1e-3 * b.epochs[e].valLoss)
  })
})

describe('training options', () => {
  const data = addingData(128, 32, 6)

  it('clipping: pre-clip norm reported, clipped flag and fraction', () => {
    const steps: { gradNorm: number; clipped: boolean }[] = []
    const res = train({ ...base, clipNorm: 1e-4, epochs: 2 }, data, { onStep: (s) => steps.push(s) })
    expect(steps.every((s) => s.clipped && s.gradNorm > 1e-4)).toBe(true)
    expect(res.epochs[1].diagnostics.clippedFraction).toBe(1)
    const loose = train({ ...base, clipNorm: 1e6, epochs: 1 }, data)
    expect(loose.epochs[0].diagnostics.clippedFraction).toBe(0)
  })

  it('truncated BPTT (k=4 of T=12) still learns an echo with delay 2', () => {
    const d: TrainData = {
      mapping: 'many-to-many',
      task: 'classification',
      inputSize: 3,
      outputSize: 3,
      tx: 12,
      ty: 12,
      tokens: true,
      train: delayedEcho(256, 12, 3, 2, 1),
      val: delayedEcho(64, 12, 3, 2, 2)
    }
    const res = train(
      {
        model: { cell: 'gru', hiddenSize: 16, numLayers: 1 },
        optimizer: { kind: 'adam', lr: 0.03 },
        epochs: 12,
        batchSize: 32,
        seed: 3,
        tbptt: 4
      },
      d
    )
    expect(res.status).toBe('completed')
    expect(res.valLoss).toBeLessThan(0.1)
    expect(res.epochs[0].diagnostics.dhNorm).toHaveLength(4) // last window
  })

  it('schedules: step, cosine, plateau', () => {
    const lrs = (schedule: TrainConfig['schedule'], epochs = 6) =>
      train({ ...base, epochs, schedule }, data).epochs.map((e) => e.lr)
    expect(lrs({ kind: 'step', stepSize: 2, gamma: 0.5 })).toEqual([0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025])
    const cos = lrs({ kind: 'cosine' }, 4)
    expect(cos[0]).toBe(0.01)
    for (let e = 1; e < 4; e++) expect(cos[e]).toBeCloseTo((0.01 * (1 + Math.cos((Math.PI * e) / 4))) / 2, 15)
    // plateau with a validation loss that cannot improve (lr tiny): factor applied after `patience` bad epochs
    const p = train(
      {
        ...base,
        optimizer: { kind: 'sgd', lr: 1e-12 },
        epochs: 6,
        schedule: { kind: 'plateau', patience: 1, factor: 0.5 }
      },
      data
    ).epochs.map((e) => e.lr)
    expect(p[0]).toBe(1e-12)
    expect(p[p.length - 1]).toBeLessThan(1e-12)
  })

  it('weight decay and every optimizer run', () => {
    for (const kind of ['sgd', 'momentum', 'adam', 'rmsprop'] as const) {
      const res = train(
        {
          ...base,
          optimizer: { kind, lr: kind === 'sgd' || kind === 'momentum' ? 0.1 : 0.01, weightDecay: 1e-4 },
          epochs: 4
        },
        data
      )
      expect(res.status).toBe('completed')
      expect(res.epochs[3].trainLoss).toBeLessThan(res.epochs[0].trainLoss)
    }
  })

  it('early stopping on validation loss returns the best epoch', () => {
    // validation targets unrelated to the inputs: val loss stops improving quickly
    const r = new Rng(5),
      bad = addingData(128, 64, 6)
    for (let i = 0; i < bad.val.y.length; i++) bad.val.y[i] = 3 * r.normal()
    const res = train(
      { ...base, epochs: 40, optimizer: { kind: 'adam', lr: 0.05 }, earlyStopping: { patience: 2 } },
      bad
    )
    expect(res.stoppedEarly).toBe(true)
    expect(res.epochs.length).toBeLessThan(40)
    expect(res.valLoss).toBe(Math.min(...res.epochs.map((e) => e.valLoss)))
    expect(res.bestEpoch).toBe(res.epochs.length - 2)
  })

  it('NaN guard: fail names epoch and step; revert restores finite weights', () => {
    const d = addingData(64, 16, 4)
    d.train.x[5] = Infinity
    const f = train({ ...base, batchSize: 16 }, d)
    expect(f.status).toBe('failed')
    expect(f.error).toMatch(/non-finite (loss|gradient norm) \(NaN\) at epoch 1, step \d+/)
    const r = train({ ...base, batchSize: 64, nanPolicy: 'revert', epochs: 10 }, d)
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/gave up after 5 reverts/)
    expect(r.epochs[0].warning).toMatch(/reverted to the weights at the start of epoch 1/)
    const w = Object.values(r.weights).flat(3) as number[]
    expect(w.every(Number.isFinite)).toBe(true)
  })

  it('shouldStop finishes the current step and returns stopped', () => {
    let n = 0
    const res = train({ ...base, epochs: 5 }, data, { onStep: () => n++, shouldStop: () => n >= 3 })
    expect(res.status).toBe('stopped')
    expect(n).toBe(3)
    expect(res.epochs).toHaveLength(1)
  })

  it('bad data shapes fail with a message naming the field', () => {
    const d = addingData(16, 8, 4)
    const res = train(base, { ...d, train: { ...d.train, x: d.train.x.subarray(1) } })
    expect(res.status).toBe('failed')
    expect(res.error).toMatch(/^train\.x has/)
    expect(train({ ...base, model: { ...base.model, numLayers: 5 } }, d).error).toMatch(/numLayers/)
  })

  it('predict reproduces the trained model (many-to-one regression)', () => {
    const res = train({ ...base, model: { cell: 'lstm', hiddenSize: 12, numLayers: 2 } }, data)
    const p = predict(base, { ...data, n: data.val.n, x: data.val.x }, res.weights)
    let se = 0
    for (let i = 0; i < data.val.n; i++) se += (p.output[i] - data.val.y[i]) ** 2
    expect(se / data.val.n).toBeCloseTo(res.valLoss, 5)
  })
})

describe('checkpoints', () => {
  it('resuming from an epoch checkpoint continues bit-identically (dropout, shuffling, schedule)', () => {
    const data = addingData(96, 32, 6)
    const cfg: TrainConfig = { ...base, epochs: 5, schedule: { kind: 'step', stepSize: 2, gamma: 0.5 } }
    const states: unknown[] = []
    const full = train(cfg, data, { onCheckpoint: (s) => states.push(structuredClone(s)) })
    expect(states).toHaveLength(5)
    const resumed = train(cfg, data, {}, states[1] as Parameters<typeof train>[3])
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([3, 4, 5])
    expect(resumed.epochs.map((e) => [e.trainLoss, e.valLoss, e.lr])).toEqual(
      full.epochs.slice(2).map((e) => [e.trainLoss, e.valLoss, e.lr])
    )
    expect(resumed.weights).toEqual(full.weights)
  })
})

describe('GRU variants', () => {
  it('reset-before GRU trains through train() and differs from reset-after', () => {
    const data = addingData(256, 64, 6)
    const cfg: TrainConfig = {
      model: { cell: 'gru', hiddenSize: 12, numLayers: 1, gruResetBefore: true },
      optimizer: { kind: 'adam', lr: 0.02 },
      epochs: 8,
      batchSize: 32,
      seed: 2
    }
    const rb = train(cfg, data),
      ra = train({ ...cfg, model: { ...cfg.model, gruResetBefore: false } }, data)
    expect(rb.status).toBe('completed')
    expect(rb.valLoss).toBeLessThan(0.5 * rb.epochs[0].valLoss)
    expect(rb.valLoss).not.toBe(ra.valLoss)
    expect(Object.keys(rb.weights)).toEqual(Object.keys(ra.weights))
  })
})

describe('predict', () => {
  it('one-to-many generation does not depend on how samples are batched', () => {
    const r = new Rng(1),
      n = 10,
      x = new Float32Array(n),
      y = new Float32Array(n * 3)
    for (let i = 0; i < n; i++) {
      x[i] = r.normal()
      for (let t = 0; t < 3; t++) y[i * 3 + t] = x[i] * (t + 1)
    }
    const data: TrainData = {
      mapping: 'one-to-many',
      task: 'regression',
      inputSize: 1,
      outputSize: 1,
      tx: 1,
      ty: 3,
      train: { n, x, y },
      val: { n, x, y }
    }
    const cfg: TrainConfig = {
      model: { cell: 'lstm', hiddenSize: 5, numLayers: 2 },
      optimizer: { kind: 'adam', lr: 0.01 },
      epochs: 2,
      batchSize: 4,
      seed: 1
    }
    const res = train(cfg, data)
    const a = predict({ ...cfg, batchSize: 3 }, { ...data, n, x }, res.weights).output
    const b = predict({ ...cfg, batchSize: 10 }, { ...data, n, x }, res.weights).output
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 6)
  })
})

describe('edge cases of the data', () => {
  it('no validation split: valLoss is NaN, schedules/early stopping use the training loss, probe uses training samples', () => {
    const d = addingData(64, 0, 5)
    const res = train(
      { ...base, epochs: 3, earlyStopping: { patience: 5 }, schedule: { kind: 'plateau', patience: 0, factor: 0.5 } },
      d
    )
    expect(res.status).toBe('completed')
    expect(Number.isNaN(res.valLoss)).toBe(true)
    expect(res.epochs[2].diagnostics.probe!.hidden).toHaveLength(5)
    expect(res.bestEpoch).toBeGreaterThan(0)
  })

  it('batch 1 and a last partial batch', () => {
    const d = addingData(7, 3, 4)
    expect(train({ ...base, batchSize: 1, epochs: 1 }, d).status).toBe('completed')
    const steps: number[] = []
    train({ ...base, batchSize: 3, epochs: 1 }, d, { onStep: (s) => steps.push(s.stepsPerEpoch) })
    expect(steps).toEqual([3, 3, 3])
  })
})

describe('NaN guard with diverging weights', () => {
  it('fail policy returns the last finite weights when an update overflowed', () => {
    const d = addingData(64, 16, 4)
    const res = train(
      {
        model: { cell: 'rnn_relu', hiddenSize: 8, numLayers: 1 },
        optimizer: { kind: 'sgd', lr: 1e30 },
        epochs: 5,
        batchSize: 16,
        seed: 1
      },
      d
    )
    expect(res.status).toBe('failed')
    expect(res.error).toMatch(/at epoch \d+, step \d+/)
    expect((Object.values(res.weights).flat(3) as number[]).every(Number.isFinite)).toBe(true)
  })
})

describe('padding', () => {
  it('padded steps may hold NaN targets / inputs and −1 class ids without poisoning the run', () => {
    const r = new Rng(3),
      n = 24,
      T = 5
    const mk = () => {
      const x = new Float32Array(n * T),
        y = new Float32Array(n * T),
        mask = new Float32Array(n * T)
      for (let s = 0; s < n; s++)
        for (let t = 0; t < T; t++) {
          const pad = t >= 3 + (s % 3)
          mask[s * T + t] = pad ? 0 : 1
          x[s * T + t] = pad ? 0 : r.int(4)
          y[s * T + t] = pad ? -1 : r.int(4)
        }
      return { n, x, y, mask }
    }
    const s2s: TrainData = {
      mapping: 'seq2seq',
      task: 'classification',
      inputSize: 4,
      outputSize: 4,
      tx: T,
      ty: T,
      tokens: true,
      train: mk(),
      val: mk()
    }
    const a = train({ ...base, epochs: 2 }, s2s)
    expect(a.status).toBe('completed')
    expect(Number.isFinite(a.valLoss)).toBe(true)
    const reg = (): TrainData['train'] => {
      const x = new Float32Array(n * T),
        y = new Float32Array(n * T),
        mask = new Float32Array(n * T)
      for (let k = 0; k < n * T; k++) {
        const pad = k % T >= 3
        mask[k] = pad ? 0 : 1
        x[k] = pad ? NaN : r.normal()
        y[k] = pad ? NaN : r.normal()
      }
      return { n, x, y, mask }
    }
    const m2m: TrainData = {
      mapping: 'many-to-many',
      task: 'regression',
      inputSize: 1,
      outputSize: 1,
      tx: T,
      ty: T,
      train: reg(),
      val: reg()
    }
    const b = train({ ...base, epochs: 2 }, m2m)
    expect(b.status).toBe('completed')
    expect(Number.isFinite(b.valLoss)).toBe(true)
  })
})
