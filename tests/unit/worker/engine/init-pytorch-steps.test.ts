// Training from PyTorch's own initial weights matches PyTorch: a GRU regressor that PyTorch 1.13 initialised
// with its defaults (the scheme --init pytorch draws from) is trained for a few full-batch Adam steps by the
// workbench's trainer in float64, and every step's loss agrees with PyTorch's. The fixture and the script that
// generated it are in tests/fixtures/init-pytorch.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Model } from '../../../../src-worker/engine/model.js'
import { importTorch } from '../../../../src-worker/engine/params.js'
import {
  modelSpecOf,
  train,
  type TrainConfig,
  type TrainData,
  type TrainState
} from '../../../../src-worker/trainer.js'

const fx = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/init-pytorch/pytorch-gru-steps.json'), 'utf8'))
const { n, tx, inputSize, hiddenSize, outputSize } = fx.shape

const config: TrainConfig = {
  model: { cell: 'gru', hiddenSize, numLayers: 1 },
  optimizer: { kind: 'adam', lr: fx.lr },
  epochs: fx.losses.length,
  batchSize: n, // one full batch per epoch: the sample order does not change the mean
  seed: 1,
  dtype: 'float64',
  init: 'pytorch'
}
const data: TrainData = {
  mapping: 'many-to-one',
  task: 'regression',
  inputSize,
  outputSize,
  tx,
  ty: 1,
  train: { n, x: Float32Array.from(fx.x), y: Float32Array.from(fx.y) },
  val: { n: 0, x: new Float32Array(0), y: new Float32Array(0) }
}

/** A state before the first epoch whose weights are PyTorch's (optimizer moments zero). */
function fromTorchWeights(): TrainState {
  let s: TrainState | null = null
  train({ ...config, epochs: 1 }, data, { onCheckpoint: (c) => (s = structuredClone(c)) })
  const start = s! as TrainState
  const model = new Model(modelSpecOf(config, data, false), 'float64', n)
  importTorch(model.layout, model.params, fx.weights)
  const zeros = () => new Float64Array(model.params.length)
  const opt = { m: zeros(), v: zeros(), t: 0 }
  return {
    ...start,
    epoch: 0,
    params: model.params.slice(),
    opt,
    lr: fx.lr,
    best: Infinity,
    bestEpoch: 0,
    bad: 0,
    bestParams: null,
    good: { params: model.params.slice(), opt: { m: zeros(), v: zeros(), t: 0 } },
    reverts: 0
  }
}

describe('--init pytorch against PyTorch 1.13', () => {
  it("trains from PyTorch's initial weights with PyTorch's losses, step by step", () => {
    const losses: number[] = []
    const r = train(config, data, { onStep: (s) => losses.push(s.loss) }, fromTorchWeights())
    expect(r.status).toBe('completed')
    expect(losses.length).toBe(fx.losses.length)
    // (the fixture's data are float32 values, as the trainer reads them; the arithmetic is float64 on both sides)
    for (let i = 0; i < losses.length; i++) expect(Math.abs(losses[i] - fx.losses[i])).toBeLessThan(1e-9 * fx.losses[i])
  })
})
