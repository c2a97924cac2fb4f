// Small trained SavedModels for the export tests: 1 epoch of train() on tiny seeded random data.
import { train, type TrainConfig, type TrainData } from '../../../../src-worker/trainer'
import type { CellKind } from '../../../../src-worker/engine/cells/common'
import type { Mapping, Task } from '../../../../src-worker/engine/model'
import type { SavedModel } from '../../../../src-worker/protocol'
import { Rng } from '../../../../src-worker/engine/rng'

export interface ModelCase {
  cell: CellKind
  mapping: Mapping
  task: Task
  layers: number
  bidirectional?: boolean
  tokens?: boolean
  I?: number
  H?: number
  O?: number
  tx?: number
  ty?: number
  /** GRU: the engine's reset-before variant (Keras reset_after=False) */
  resetBefore?: boolean
  /** epochs of train() (default 2; 0 = the seeded initial weights) */
  epochs?: number
}

export const caseName = (c: ModelCase): string =>
  `${c.cell}${c.resetBefore ? '(reset-before)' : ''} ${c.mapping} ${c.task} L${c.layers}${c.bidirectional ? ' bidir' : ''}${c.tokens ? ' tokens' : ''}`

export function buildModel(c: ModelCase, seed = 1): SavedModel {
  const rng = new Rng(seed)
  const I = c.I ?? 3,
    H = c.H ?? 5,
    O = c.O ?? (c.task === 'classification' ? 3 : 2)
  const tx = c.tx ?? (c.mapping === 'one-to-one' || c.mapping === 'one-to-many' ? 1 : 6)
  const ty =
    c.ty ?? (c.mapping === 'many-to-many' ? tx : c.mapping === 'seq2seq' || c.mapping === 'one-to-many' ? 4 : 1)
  const split = (n: number) => {
    const x = new Float32Array(n * tx * (c.tokens ? 1 : I)),
      y = new Float32Array(n * ty * (c.task === 'regression' ? O : 1))
    for (let k = 0; k < x.length; k++) x[k] = c.tokens ? rng.int(I) : rng.normal()
    for (let k = 0; k < y.length; k++) y[k] = c.task === 'regression' ? rng.normal() : rng.int(O)
    return { n, x, y }
  }
  const data: TrainData = {
    mapping: c.mapping,
    task: c.task,
    inputSize: I,
    outputSize: O,
    tx,
    ty,
    train: split(24),
    val: split(8),
    tokens: c.tokens ?? false
  }
  const config: TrainConfig = {
    model: {
      cell: c.cell,
      hiddenSize: H,
      numLayers: c.layers,
      bidirectional: c.bidirectional ?? false,
      ...(c.resetBefore ? { gruResetBefore: true } : {})
    },
    optimizer: { kind: 'adam', lr: 0.05 },
    epochs: c.epochs ?? 2,
    batchSize: 8,
    seed
  }
  const res = train(config, data)
  if (res.status !== 'completed') throw new Error(`training ${caseName(c)} failed: ${res.error}`)
  const inputs = Array.from({ length: I }, (_, k) => `x${k}`)
  return {
    weights: res.weights,
    trainConfig: config,
    data: {
      mapping: c.mapping,
      task: c.task,
      inputSize: I,
      outputSize: O,
      tx,
      ty,
      ...(c.tokens ? { tokens: true } : {})
    },
    inputs,
    target: 'y',
    normalization: {
      input: { kind: 'zscore', columns: inputs, a: inputs.map((_, k) => k * 0.5), b: inputs.map((_, k) => 1 + k) },
      target: { kind: 'zscore', columns: ['y'], a: [10], b: [2] }
    }
  }
}
