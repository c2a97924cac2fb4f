// Validation metrics read off the validation pass agree with what inference (`predict`, the forecasts and
// decodes a user gets) produces for the same weights: RMSE/MAE in the target's units, accuracy, and the
// free-running token accuracy and exact match of a seq2seq decoder; novelty of seeded generator samples.
import { describe, expect, it } from 'vitest'
import { Batch, Model, type ModelSpec } from '../../../../src-worker/engine/model.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { exportTorch } from '../../../../src-worker/engine/params.js'
import { evaluate, predict, type SplitData, type TrainConfig } from '../../../../src-worker/trainer.js'
import { ValidationMetrics } from '../../../../src-worker/evaluation/metrics.js'
import { itemKeys, noveltyOf, sampleItems } from '../../../../src-worker/evaluation/novelty.js'

const config: TrainConfig = {
  model: { cell: 'gru', hiddenSize: 8, numLayers: 1 },
  optimizer: { kind: 'adam', lr: 0.01 },
  epochs: 1,
  batchSize: 4,
  seed: 1
}

function modelOf(spec: ModelSpec, seed: number): Model {
  const m = new Model(spec, 'float32', 4)
  m.init(new Rng(seed))
  return m
}

const base = { cell: 'gru' as const, hiddenSize: 8, numLayers: 1, dropout: 0, bidirectional: false, tokens: false }

/** Validation metrics the way the trainer gathers them: a free pass, then evaluate's batches. */
function metricsOf(model: Model, s: SplitData, units?: ConstructorParameters<typeof ValidationMetrics>[2]) {
  const m = new ValidationMetrics(model.spec, s, units),
    batch = new Batch(model.spec, model.dtype, model.Bmax)
  m.reset()
  m.runFree(model, batch)
  evaluate(model, batch, s, true, (b, start) => m.addForward(model.logits, b, start))
  return m.result()
}

describe('validation metrics', () => {
  it('regression: RMSE and MAE of the predictions mapped to the target units', () => {
    const spec: ModelSpec = {
      ...base,
      mapping: 'many-to-one',
      task: 'regression',
      inputSize: 2,
      outputSize: 1,
      tx: 5,
      ty: 1
    }
    const model = modelOf(spec, 2),
      rng = new Rng(5),
      n = 11
    const s: SplitData = {
      n,
      x: Float32Array.from({ length: n * 5 * 2 }, () => rng.normal()),
      y: Float32Array.from({ length: n }, () => rng.normal())
    }
    const units = {
      truth: Float64Array.from(s.y, (v) => v * 3 + 10),
      toUnits: (p: Float32Array, out: Float64Array) => p.forEach((v, i) => (out[i] = v * 3 + 10))
    }
    const got = metricsOf(model, s, units)!
    const p = predict(config, { ...spec, n, x: s.x }, exportTorch(model.layout, model.params)).output
    let se = 0,
      ae = 0
    for (let i = 0; i < n; i++) {
      se += (3 * (p[i] - s.y[i])) ** 2
      ae += Math.abs(3 * (p[i] - s.y[i]))
    }
    expect(got.rmse).toBeCloseTo(Math.sqrt(se / n), 5)
    expect(got.mae).toBeCloseTo(ae / n, 5)
  })

  it('classification: accuracy of the argmax over the counted steps', () => {
    const spec: ModelSpec = {
      ...base,
      mapping: 'many-to-many',
      task: 'classification',
      inputSize: 3,
      outputSize: 3,
      tx: 4,
      ty: 4
    }
    const model = modelOf(spec, 3),
      rng = new Rng(9),
      n = 9
    const s: SplitData = {
      n,
      x: Float32Array.from({ length: n * 4 * 3 }, () => rng.normal()),
      y: Float32Array.from({ length: n * 4 }, () => rng.int(3)),
      mask: Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === 3 ? 0 : 1))
    }
    const got = metricsOf(model, s)!
    const cls = predict(config, { ...spec, n, x: s.x }, exportTorch(model.layout, model.params)).classes!
    let hits = 0,
      cnt = 0
    for (let i = 0; i < n * 4; i++)
      if (s.mask![i]) {
        cnt++
        if (cls[i] === s.y[i]) hits++
      }
    expect(got).toEqual({ accuracy: hits / cnt })
  })

  it('token decoder: free-running greedy token accuracy and exact match', () => {
    const spec: ModelSpec = {
      ...base,
      mapping: 'seq2seq',
      task: 'classification',
      inputSize: 6,
      outputSize: 5,
      tx: 3,
      ty: 3,
      tokens: true
    }
    const model = modelOf(spec, 4),
      n = 10
    const x = Float32Array.from({ length: n * 3 }, (_, i) => 4 + (i % 2))
    const dec = predict(config, { ...spec, n, x }, exportTorch(model.layout, model.params)).classes!
    // targets: the model's own greedy output for even samples (exact), one token changed for odd ones
    const y = Float32Array.from(dec),
      mask = new Float32Array(n * 3).fill(1)
    for (let k = 1; k < n; k += 2) y[k * 3 + 1] = (y[k * 3 + 1] + 1) % 5
    const got = metricsOf(model, { n, x, y, mask })!
    expect(got.exactMatch).toBe(0.5)
    expect(got.tokenAccuracy).toBeCloseTo((n * 3 - n / 2) / (n * 3), 12)
  })

  it('generator: seeded samples, and novelty counts items the training set lacks', () => {
    const spec: ModelSpec = {
      ...base,
      mapping: 'one-to-many',
      task: 'classification',
      inputSize: 1,
      outputSize: 6,
      tx: 1,
      ty: 4
    }
    const model = modelOf(spec, 6),
      x = new Float32Array([1])
    const a = sampleItems(model, x, 1, new Set(), { count: 20, seed: 3 })
    const b = sampleItems(model, x, 1, new Set(), { count: 20, seed: 3 })
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids))
    // every non-empty sample is new against an empty training set; known items are not
    const items = itemKeys(new Float32Array(a.ids), a.count, 4)
    const again = sampleItems(model, x, 1, items, { count: 20, seed: 3 })
    expect(noveltyOf(again)).toBe(0)
    expect(noveltyOf(a)).toBe(a.novel.filter(Boolean).length / 20)
  })
})
