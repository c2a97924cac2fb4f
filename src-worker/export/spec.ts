// The exportable view of a SavedModel: checked sizes, the engine config, and PyTorch-layout weights as flat
// Float64Arrays with their shapes. Every exporter and verifier starts from here. Pure (no Electron, no I/O).
import type { SavedModel } from '../protocol'
import { predict, type PredictInput, type TrainConfig } from '../trainer'
import { flattenInto } from '../engine/params'
import type { CellKind } from '../engine/cells/common'
import type { Mapping, Task } from '../engine/model'
import type { Normalizer } from '../data/normalize'

export interface ExportSpec {
  cell: CellKind
  hiddenSize: number // H
  numLayers: number // L
  bidirectional: boolean
  mapping: Mapping
  task: Task
  inputSize: number // I (vocabulary size when tokens)
  outputSize: number // O (classes C for classification)
  tx: number
  ty: number
  tokens: boolean
}

const CELLS: CellKind[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu']
const MAPPINGS: Mapping[] = ['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'seq2seq']

function posInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new Error(`${field} must be a positive integer, got ${JSON.stringify(v)}`)
  return v
}

/** The engine TrainConfig stored in the model. */
export function trainConfigOf(model: SavedModel): TrainConfig {
  return model.trainConfig
}

/** Check a SavedModel's sizes and return them as one flat spec. */
export function specOf(model: SavedModel): ExportSpec {
  if (!model || typeof model !== 'object') throw new Error('model: expected a SavedModel object')
  const c = trainConfigOf(model)
  const cell = c.model.cell
  if (!CELLS.includes(cell))
    throw new Error(`trainConfig.model.cell: unknown cell ${JSON.stringify(cell)} (expected ${CELLS.join(', ')})`)
  const d = model.data
  if (!d || typeof d !== 'object')
    throw new Error('data: the data shapes {mapping, task, inputSize, outputSize, tx, ty} are missing')
  if (!MAPPINGS.includes(d.mapping as Mapping))
    throw new Error(`data.mapping: unknown mapping ${JSON.stringify(d.mapping)}`)
  if (d.task !== 'regression' && d.task !== 'classification')
    throw new Error(`data.task: unknown task ${JSON.stringify(d.task)}`)
  return {
    cell,
    hiddenSize: posInt(c.model.hiddenSize, 'trainConfig.model.hiddenSize'),
    numLayers: posInt(c.model.numLayers, 'trainConfig.model.numLayers'),
    bidirectional: c.model.bidirectional ?? false,
    mapping: d.mapping as Mapping,
    task: d.task,
    inputSize: posInt(d.inputSize, 'data.inputSize'),
    outputSize: posInt(d.outputSize, 'data.outputSize'),
    tx: posInt(d.tx, 'data.tx'),
    ty: posInt(d.ty, 'data.ty'),
    tokens: (d as { tokens?: boolean }).tokens === true
  }
}

/** Gate blocks G: LSTM 4, GRU 3, RNN 1. */
export function gatesOf(cell: CellKind): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1
}

/** Number of directions D. */
export const dirsOf = (s: ExportSpec): number => (s.bidirectional ? 2 : 1)

/** Input width of the stack's layer 0 and the prefix of its parameter names, per stack ('' / encoder. / decoder.). */
export interface StackInfo {
  prefix: string
  inputSize: number
  tokens: boolean
}

export function stacksOf(s: ExportSpec): StackInfo[] {
  if (s.mapping === 'seq2seq') {
    const cls = s.task === 'classification'
    return [
      { prefix: 'encoder.', inputSize: s.inputSize, tokens: s.tokens },
      { prefix: 'decoder.', inputSize: cls ? s.outputSize + 1 : s.outputSize, tokens: cls }
    ]
  }
  if (s.mapping === 'one-to-many') return [{ prefix: '', inputSize: s.inputSize + s.outputSize, tokens: false }]
  return [{ prefix: '', inputSize: s.inputSize, tokens: s.tokens }]
}

/** One parameter as a flat array in PyTorch's row-major order. */
export interface Tensor {
  name: string
  shape: number[]
  data: Float64Array
}

/** PyTorch parameter names and shapes in state_dict order (layers, directions, then the head). */
export function paramShapes(s: ExportSpec): { name: string; shape: number[] }[] {
  const G = gatesOf(s.cell),
    H = s.hiddenSize,
    D = dirsOf(s)
  const out: { name: string; shape: number[] }[] = []
  for (const st of stacksOf(s)) {
    for (let l = 0; l < s.numLayers; l++)
      for (let d = 0; d < D; d++) {
        const sfx = `l${l}${d ? '_reverse' : ''}`,
          I = l === 0 ? st.inputSize : D * H
        out.push(
          { name: `${st.prefix}weight_ih_${sfx}`, shape: [G * H, I] },
          { name: `${st.prefix}weight_hh_${sfx}`, shape: [G * H, H] },
          { name: `${st.prefix}bias_ih_${sfx}`, shape: [G * H] },
          { name: `${st.prefix}bias_hh_${sfx}`, shape: [G * H] }
        )
      }
  }
  out.push({ name: 'head.weight', shape: [s.outputSize, D * H] }, { name: 'head.bias', shape: [s.outputSize] })
  return out
}

/** Every parameter flattened (shapes checked against the spec; errors name the parameter and axis). */
export function tensorsOf(model: SavedModel, s: ExportSpec = specOf(model)): Map<string, Tensor> {
  const m = new Map<string, Tensor>()
  for (const { name, shape } of paramShapes(s)) {
    if (!(name in model.weights)) throw new Error(`weights: missing parameter ${name} (shape [${shape}])`)
    const data = new Float64Array(shape.reduce((a, b) => a * b, 1))
    flattenInto(data, 0, model.weights[name], shape, name)
    m.set(name, { name, shape, data })
  }
  return m
}

/** Concatenate gate blocks of H rows in a new order: order[k] = index of the source block for output block k. */
export function reorderBlocks(t: Tensor, H: number, order: number[]): Float64Array {
  const cols = t.shape.length > 1 ? t.shape[1] : 1,
    out = new Float64Array(t.data.length)
  order.forEach((src, k) => out.set(t.data.subarray(src * H * cols, (src + 1) * H * cols), k * H * cols))
  return out
}

/** Transpose a row-major (r × c) matrix. */
export function transpose(a: ArrayLike<number>, r: number, c: number): Float64Array {
  const o = new Float64Array(r * c)
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) o[j * r + i] = a[i * c + j]!
  return o
}

export interface Normalization {
  input: Normalizer | null
  target: Normalizer | null
}

/** The stored normalisers (null when absent). */
export function normalizationOf(model: SavedModel): Normalization {
  return { input: model.normalization.input ?? null, target: model.normalization.target ?? null }
}

/** The workbench's own prediction on sample-major x (n, tx, I): (n, ty, O) values or probabilities. */
export function referencePredict(
  model: SavedModel,
  x: Float32Array,
  n: number,
  s: ExportSpec = specOf(model)
): Float32Array {
  const input: PredictInput = {
    mapping: s.mapping,
    task: s.task,
    inputSize: s.inputSize,
    outputSize: s.outputSize,
    tx: s.tx,
    ty: s.ty,
    tokens: s.tokens,
    n,
    x
  }
  return predict(trainConfigOf(model), input, model.weights).output
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} values, expected ${b.length}`)
  let m = 0
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k]! - b[k]!)
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d
  }
  return m
}
