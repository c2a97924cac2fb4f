// Training-step cases shared by the kernel-path tests (paths.test.ts, paths-ts.test.ts): every cell kind and
// mapping, bidirectional and stacked layers, masks, dropout and token inputs, with hidden sizes that are not
// multiples of any vector width (so row tails run). `step` runs two training steps of a case on whatever float32
// kernels are in use (or in float64, the TypeScript parity path) and returns what they produced.

import { Batch, Model, type Mapping, type ModelSpec, type Task } from '../../../../src-worker/engine/model.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import type { CellKind } from '../../../../src-worker/engine/cells/common.js'
import type { DType } from '../../../../src-worker/engine/arr.js'

export interface PathCase {
  name: string
  cell: CellKind
  mapping: Mapping
  task: Task
  B: number
  H: number
  L: number
  tx: number
  ty: number
  I: number
  O: number
  tokens?: boolean
  bidirectional?: boolean
  dropout?: number
  masked?: boolean
}

const base = { B: 9, L: 1, tx: 6, ty: 1, I: 5, O: 3 }
export const PATH_CASES: PathCase[] = [
  { ...base, name: 'tanh RNN one-to-one', cell: 'rnn_tanh', mapping: 'one-to-one', task: 'regression', H: 37, tx: 1 },
  {
    ...base,
    name: 'relu RNN many-to-one, 2 layers',
    cell: 'rnn_relu',
    mapping: 'many-to-one',
    task: 'regression',
    H: 21,
    L: 2
  },
  {
    ...base,
    name: 'LSTM many-to-many, tokens, CE with masks, dropout',
    cell: 'lstm',
    mapping: 'many-to-many',
    task: 'classification',
    H: 37,
    ty: 6,
    I: 11,
    O: 11,
    tokens: true,
    masked: true,
    dropout: 0.25
  },
  {
    ...base,
    name: 'LSTM bidirectional many-to-one, 2 layers',
    cell: 'lstm',
    mapping: 'many-to-one',
    task: 'regression',
    H: 19,
    L: 2,
    bidirectional: true
  },
  { ...base, name: 'GRU one-to-many', cell: 'gru', mapping: 'one-to-many', task: 'regression', H: 33, tx: 1, ty: 5 },
  {
    ...base,
    name: 'GRU seq2seq, tokens, CE',
    cell: 'gru',
    mapping: 'seq2seq',
    task: 'classification',
    H: 29,
    tx: 5,
    ty: 4,
    I: 9,
    O: 7,
    tokens: true
  },
  {
    ...base,
    name: 'LSTM seq2seq, 2 layers',
    cell: 'lstm',
    mapping: 'seq2seq',
    task: 'regression',
    H: 24,
    L: 2,
    tx: 4,
    ty: 3
  },
  {
    ...base,
    name: 'tanh RNN bidirectional many-to-many, masks',
    cell: 'rnn_tanh',
    mapping: 'many-to-many',
    task: 'regression',
    H: 17,
    ty: 6,
    bidirectional: true,
    masked: true
  }
]

export function specOf(c: PathCase): ModelSpec {
  return {
    cell: c.cell,
    hiddenSize: c.H,
    numLayers: c.L,
    dropout: c.dropout ?? 0,
    bidirectional: c.bidirectional ?? false,
    mapping: c.mapping,
    task: c.task,
    inputSize: c.I,
    outputSize: c.O,
    tx: c.tx,
    ty: c.ty,
    tokens: c.tokens ?? false
  }
}

export interface StepResult {
  loss: number[]
  grads: Float64Array
  out: Float64Array
}

/** Sample-major data of n samples for a case (the trainer's layout). */
export function dataOf(
  c: PathCase,
  n: number,
  seed: number
): { x: Float32Array; y: Float32Array; mask: Float32Array | undefined } {
  const rng = new Rng(seed)
  const x = new Float32Array(n * c.tx * (c.tokens ? 1 : c.I))
  for (let i = 0; i < x.length; i++) x[i] = c.tokens ? rng.int(c.I) : rng.normal()
  const y = new Float32Array(n * c.ty * (c.task === 'regression' ? c.O : 1))
  for (let i = 0; i < y.length; i++) y[i] = c.task === 'regression' ? rng.normal() : rng.int(c.O)
  let mask: Float32Array | undefined
  if (c.masked) {
    mask = new Float32Array(n * c.ty)
    for (let s = 0; s < n; s++) for (let t = 0; t < c.ty; t++) mask[s * c.ty + t] = t < c.ty - (s % 3) ? 1 : 0
  }
  return { x, y, mask }
}

/** Two training steps (forward, loss, BPTT, an SGD update) of a case from fixed seeds. */
export function step(c: PathCase, dtype: DType): StepResult {
  const spec = specOf(c),
    rng = new Rng(7),
    model = new Model(spec, dtype, c.B)
  model.init(rng)
  const batch = new Batch(spec, dtype, c.B),
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
  return { loss, grads: Float64Array.from(model.grads), out: Float64Array.from(model.top.out) }
}

/**
 * The largest deviation of `got` from `ref` over the loss, the gradients and the top layer's outputs, each
 * relative to max(1, max |ref|) of its tensor (the bound docs/PERFORMANCE.md states is on this measure).
 */
export function deviation(got: StepResult, ref: StepResult): number {
  const rel = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let d = 0,
      m = 1
    for (let i = 0; i < b.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]))
      m = Math.max(m, Math.abs(b[i]))
    }
    return a.length === b.length ? d / m : Infinity
  }
  return Math.max(rel(got.loss, ref.loss), rel(got.grads, ref.grads), rel(got.out, ref.out))
}

/** Float32 against the float64 engine on these cases: the bound docs/PERFORMANCE.md states (observed ≤ 4e-7). */
export const PATH_BOUND = 1e-5

export function sameBits(a: StepResult, b: StepResult): boolean {
  const eq = (x: Float64Array, y: Float64Array): boolean =>
    x.length === y.length && x.every((v, i) => Object.is(v, y[i]))
  return a.loss.every((v, i) => Object.is(v, b.loss[i])) && eq(a.grads, b.grads) && eq(a.out, b.out)
}
