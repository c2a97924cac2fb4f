// TF.js layers-format export (model.json + weights.bin), every model loadable by tf.loadLayersModel (TF.js 4.22).
//
//   PyTorch → Keras:  kernel = weight_ihᵀ [I, G·H], recurrent_kernel = weight_hhᵀ [H, G·H]
//                     LSTM gate order i,f,g,o = Keras i,f,c,o; bias = bias_ih + bias_hh [4H]
//                     GRU r,z,n → z,r,h; recurrent_activation 'sigmoid' stated explicitly (TF.js defaults to
//                     hard sigmoid)
//
// * LSTM, SimpleRNN and the reset-before GRU (engine `gruResetBefore`, = Keras GRU(reset_after=False), bias
//   bias_ih + bias_hh [3H]) are native TF.js layers: a Keras Sequential (Bidirectional-wrapped when the model
//   is) for many-to-one / one-to-one / many-to-many.
// * PyTorch's GRU is reset-after (r multiplies W_hn h + b_hn); TF.js 4.22's GRUCell throws on reset_after=True,
//   so that cell is written as a functional graph of standard layers (Dense, Add, Multiply, Activation,
//   Cropping2D, Reshape, Concatenate) unrolled over the model's fixed sequence length (tfjs-gru.ts).
// * seq2seq is two functional models: `encoder/` (X → final states) and `decoder_step/` (one step: y_prev and
//   states → Y and new states; the native cells take the states as initial_state and return_state = true);
//   one-to-many has only `decoder_step/`. The caller runs the generation loop, as with the ONNX export.
// Input: batch-major [batch, seq, input] (Keras' layout). Many-to-one of a bidirectional model needs the
// outputs of the last step (not Keras' final backward state), so it keeps the sequence and crops the last
// step (Reshape → Cropping2D → Flatten); that model has a fixed sequence length tx.
import type { SavedModel } from '../protocol'
import { targetTransformStatement } from './target-units'
import {
  dirsOf,
  gatesOf,
  normalizationOf,
  reorderBlocks,
  specOf,
  stacksOf,
  tensorsOf,
  trainConfigOf,
  transpose,
  type ExportSpec,
  type StackInfo,
  type Tensor
} from './spec'
import { float32Bin, KerasGraph, type KerasWeight, type Ref, type WeightSpec } from './tfjs-graph'
import { gruUnrolledStack, headWeights, seqOf } from './tfjs-gru'

export type { WeightSpec } from './tfjs-graph'

/** Source PyTorch gate block for each Keras gate block. */
export const KERAS_GATE_ORDER: Record<string, number[]> = {
  lstm: [0, 1, 2, 3],
  gru: [1, 0, 2],
  rnn_tanh: [0],
  rnn_relu: [0]
}
export const KERAS_CLASS: Record<string, string> = {
  lstm: 'LSTM',
  gru: 'GRU',
  rnn_tanh: 'SimpleRNN',
  rnn_relu: 'SimpleRNN'
}

export interface TfjsModelJson {
  format: 'layers-model'
  generatedBy: string
  convertedBy: null
  modelTopology: {
    class_name: 'Sequential' | 'Model'
    config: Record<string, unknown>
    keras_version: string
    backend: string
  }
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[]
  userDefinedMetadata?: Record<string, unknown>
}

/** One loadable model: `dir` is '' (the model), 'encoder' or 'decoder_step' (sub-directories of the export). */
export interface TfjsModel {
  dir: '' | 'encoder' | 'decoder_step'
  modelJson: TfjsModelJson
  weightsBin: Uint8Array
}
export interface TfjsArtifacts {
  models: TfjsModel[]
  notes: string[]
}

export const TFJS_WEIGHTS_FILE = 'weights.bin'

/** The engine's reset-before GRU variant (Keras reset_after=False). */
export function gruResetBeforeOf(model: SavedModel): boolean {
  return trainConfigOf(model).model.gruResetBefore === true
}

/** True when the model's cells are PyTorch's reset-after GRU (written unrolled, not as a TF.js GRU layer). */
export const unrolledGru = (s: ExportSpec, resetBefore: boolean): boolean => s.cell === 'gru' && !resetBefore

function rnnConfig(
  s: ExportSpec,
  name: string,
  returnSequences: boolean,
  returnState = false
): Record<string, unknown> {
  const c: Record<string, unknown> = {
    name,
    trainable: true,
    units: s.hiddenSize,
    activation: s.cell === 'rnn_relu' ? 'relu' : 'tanh',
    use_bias: true,
    dropout: 0,
    recurrent_dropout: 0,
    return_sequences: returnSequences,
    return_state: returnState,
    go_backwards: false,
    stateful: false,
    unroll: false
  }
  if (s.cell === 'lstm' || s.cell === 'gru') c.recurrent_activation = 'sigmoid'
  if (s.cell === 'lstm') c.unit_forget_bias = false
  if (s.cell === 'gru') c.reset_after = false
  return c
}

/** Keras weights (kernel, recurrent_kernel, bias) of one native layer-direction; `sfx` like 'l0', 'l0_reverse'. */
export function kerasWeights(t: Map<string, Tensor>, s: ExportSpec, prefix: string, sfx: string): KerasWeight[] {
  const G = gatesOf(s.cell),
    H = s.hiddenSize,
    order = KERAS_GATE_ORDER[s.cell]!
  const get = (n: string) => t.get(`${prefix}${n}_${sfx}`)!
  const wih = get('weight_ih'),
    whh = get('weight_hh'),
    bih = get('bias_ih'),
    bhh = get('bias_hh')
  const I = wih.shape[1]!
  const kernel = transpose(reorderBlocks(wih, H, order), G * H, I)
  const recurrent = transpose(reorderBlocks(whh, H, order), G * H, H)
  const b = new Float64Array(G * H)
  for (let k = 0; k < b.length; k++) b[k] = bih.data[k]! + bhh.data[k]!
  return [
    { shape: [I, G * H], data: kernel },
    { shape: [H, G * H], data: recurrent },
    { shape: [G * H], data: reorderBlocks({ ...bih, data: b }, H, order) }
  ]
}

function metadata(model: SavedModel, layout: string): Record<string, unknown> {
  return {
    inputs: model.inputs ?? [],
    target: model.target ?? '',
    data: model.data,
    normalization: normalizationOf(model),
    targetTransform: targetTransformStatement(model, specOf(model)),
    ...(model.vocab ? { vocab: model.vocab } : {}),
    layout
  }
}

function modelJsonOf(
  topology: TfjsModelJson['modelTopology'],
  specs: WeightSpec[],
  meta: Record<string, unknown>
): TfjsModelJson {
  return {
    format: 'layers-model',
    generatedBy: 'RNN Workbench',
    convertedBy: null,
    modelTopology: topology,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: meta
  }
}

/** Build the TF.js model(s) of a SavedModel. */
export function buildTfjs(model: SavedModel): TfjsArtifacts {
  const s = specOf(model),
    t = tensorsOf(model, s),
    rb = gruResetBeforeOf(model)
  const notes: string[] = []
  if (s.tokens)
    notes.push(
      `token inputs: the model reads one-hot rows of width ${s.inputSize} (vocabulary size) instead of token ids`
    )
  if (s.cell === 'gru') {
    notes.push(
      rb
        ? 'GRU (reset-before variant): native TF.js GRU layer, reset_after = false, bias = bias_ih + bias_hh'
        : `GRU (PyTorch, reset-after): TF.js 4.22 has no GRU(reset_after=True), so each GRU layer is written unrolled as standard layers (Dense, Add, Multiply, Activation) over ${s.mapping === 'seq2seq' || s.mapping === 'one-to-many' ? "the encoder's tx steps and one decoder step" : `exactly ${s.tx} steps`}`
    )
  }
  if (s.mapping === 'seq2seq' || s.mapping === 'one-to-many')
    return { models: encoderDecoder(model, s, t, rb, notes), notes }
  if (unrolledGru(s, rb)) return { models: [unrolledModel(model, s, t)], notes }
  return { models: [sequentialModel(model, s, t, notes)], notes }
}

/** many-to-one / one-to-one / many-to-many with native layers: a Keras Sequential. */
function sequentialModel(model: SavedModel, s: ExportSpec, t: Map<string, Tensor>, notes: string[]): TfjsModel {
  const D = dirsOf(s),
    H = s.hiddenSize,
    O = s.outputSize
  const every = s.mapping === 'many-to-many',
    cropLast = D === 2 && !every
  const layers: unknown[] = [],
    specs: WeightSpec[] = [],
    chunks: ArrayLike<number>[] = []
  const add = (name: string, w: KerasWeight) => {
    specs.push({ name, shape: w.shape, dtype: 'float32' })
    chunks.push(w.data)
  }
  const inputShape = [null, cropLast ? s.tx : null, s.inputSize]
  for (let l = 0; l < s.numLayers; l++) {
    const name = `rnn_l${l}`,
      seq = l < s.numLayers - 1 || every || cropLast
    if (D === 1) {
      const cfg = rnnConfig(s, name, seq)
      if (l === 0) {
        cfg.batch_input_shape = inputShape
        cfg.dtype = 'float32'
      }
      layers.push({ class_name: KERAS_CLASS[s.cell], config: cfg })
      const [k, r, b] = kerasWeights(t, s, '', `l${l}`)
      add(`${name}/kernel`, k!)
      add(`${name}/recurrent_kernel`, r!)
      add(`${name}/bias`, b!)
    } else {
      const inner = `${name}_cell`
      const cfg: Record<string, unknown> = {
        name,
        trainable: true,
        merge_mode: 'concat',
        layer: { class_name: KERAS_CLASS[s.cell], config: rnnConfig(s, inner, seq) }
      }
      if (l === 0) {
        cfg.batch_input_shape = inputShape
        cfg.dtype = 'float32'
      }
      layers.push({ class_name: 'Bidirectional', config: cfg })
      for (const [dir, sfx] of [
        ['forward', `l${l}`],
        ['backward', `l${l}_reverse`]
      ] as const) {
        const [k, r, b] = kerasWeights(t, s, '', sfx)
        add(`${name}/${dir}_${inner}/kernel`, k!)
        add(`${name}/${dir}_${inner}/recurrent_kernel`, r!)
        add(`${name}/${dir}_${inner}/bias`, b!)
      }
    }
  }
  if (cropLast) {
    layers.push({
      class_name: 'Reshape',
      config: { name: 'as_image', trainable: true, target_shape: [s.tx, D * H, 1] }
    })
    layers.push({
      class_name: 'Cropping2D',
      config: {
        name: 'last_step',
        trainable: true,
        cropping: [
          [s.tx - 1, 0],
          [0, 0]
        ],
        data_format: 'channels_last'
      }
    })
    layers.push({ class_name: 'Flatten', config: { name: 'flatten', trainable: true } })
    notes.push(
      `bidirectional many-to-one: the TF.js model keeps the sequence and crops its last step, so it needs sequences of exactly ${s.tx} steps`
    )
  }
  layers.push({
    class_name: 'Dense',
    config: {
      name: 'head',
      trainable: true,
      units: O,
      activation: s.task === 'classification' ? 'softmax' : 'linear',
      use_bias: true
    }
  })
  const [hk, hb] = headWeights(t, s)
  add('head/kernel', hk!)
  add('head/bias', hb!)
  const topology = {
    class_name: 'Sequential' as const,
    config: { name: 'rnn_workbench', layers },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js'
  }
  const layout = `X: [batch, seq, ${s.inputSize}] batch-major; output ${every ? `[batch, seq, ${O}]` : `[batch, ${O}]`}${s.task === 'classification' ? ' softmax probabilities' : ''}`
  return { dir: '', modelJson: modelJsonOf(topology, specs, metadata(model, layout)), weightsBin: float32Bin(chunks) }
}

/** many-to-one / one-to-one / many-to-many with PyTorch's GRU: the unrolled functional graph over tx steps. */
function unrolledModel(model: SavedModel, s: ExportSpec, t: Map<string, Tensor>): TfjsModel {
  const g = new KerasGraph(),
    O = s.outputSize,
    every = s.mapping === 'many-to-many'
  const x = g.input('X', [s.tx, s.inputSize])
  const { steps } = gruUnrolledStack(g, s, t, stacksOf(s)[0]!, x, s.tx, null)
  const head = { units: O, activation: s.task === 'classification' ? 'softmax' : 'linear', use_bias: true }
  const y = g.layer(
    'Dense',
    'head',
    head,
    every ? seqOf(g, steps, dirsOf(s) * s.hiddenSize, 'top') : steps.at(-1)!,
    headWeights(t, s).map((w, k) => [k ? 'bias' : 'kernel', w] as [string, KerasWeight])
  )
  const layout = `X: [batch, ${s.tx}, ${s.inputSize}] batch-major (exactly ${s.tx} steps: the GRU is unrolled); output ${every ? `[batch, ${s.tx}, ${O}]` : `[batch, ${O}]`}${s.task === 'classification' ? ' softmax probabilities' : ''}`
  return {
    dir: '',
    modelJson: modelJsonOf(g.topology('rnn_workbench', [y]), g.specs, metadata(model, layout)),
    weightsBin: g.weightsBin()
  }
}

/** Native (unidirectional) stack on x with optional initial states; returns the top output and final states. */
function nativeStack(
  g: KerasGraph,
  s: ExportSpec,
  t: Map<string, Tensor>,
  st: StackInfo,
  x: Ref,
  tag: string,
  init: Ref[][] | null,
  topSeq: boolean
): { out: Ref; states: Ref[][] } {
  let input = x
  const states: Ref[][] = []
  for (let l = 0; l < s.numLayers; l++) {
    const name = `${tag}rnn_l${l}`
    const [k, r, b] = kerasWeights(t, s, st.prefix, `l${l}`)
    const out = g.layer(
      KERAS_CLASS[s.cell]!,
      name,
      rnnConfig(s, name, l < s.numLayers - 1 || topSeq, true),
      init ? [input, ...init[l]!] : input,
      [
        ['kernel', k!],
        ['recurrent_kernel', r!],
        ['bias', b!]
      ]
    )
    states.push(
      s.cell === 'lstm'
        ? [
            [name, out[1], 1],
            [name, out[1], 2]
          ]
        : [[name, out[1], 1]]
    )
    input = out
  }
  return { out: input, states }
}

/** seq2seq: encoder + decoder_step; one-to-many: decoder_step. */
function encoderDecoder(
  model: SavedModel,
  s: ExportSpec,
  t: Map<string, Tensor>,
  rb: boolean,
  notes: string[]
): TfjsModel[] {
  const stacks = stacksOf(s),
    dec = stacks.at(-1)!,
    lstm = s.cell === 'lstm',
    H = s.hiddenSize,
    O = s.outputSize,
    L = s.numLayers
  const unrolled = unrolledGru(s, rb),
    models: TfjsModel[] = []
  const stateNames = Array.from({ length: L }, (_, l) => (lstm ? [`h_l${l}`, `c_l${l}`] : [`h_l${l}`])).flat()
  if (s.mapping === 'seq2seq') {
    const g = new KerasGraph()
    const x = g.input('X', [unrolled ? s.tx : null, s.inputSize])
    const states = unrolled
      ? gruUnrolledStack(g, s, t, stacks[0]!, x, s.tx, null).states
      : nativeStack(g, s, t, stacks[0]!, x, 'encoder_', null, false).states
    const layout = `X: [batch, ${unrolled ? s.tx : 'seq'}, ${s.inputSize}] batch-major → final states ${stateNames.join(', ')} (each [batch, ${H}]), the decoder's initial states`
    models.push({
      dir: 'encoder',
      modelJson: modelJsonOf(g.topology('rnn_workbench_encoder', states.flat()), g.specs, metadata(model, layout)),
      weightsBin: g.weightsBin()
    })
  }
  const g = new KerasGraph()
  const yPrev = g.input('y_prev', [1, dec.inputSize])
  const init = Array.from({ length: L }, (_, l) =>
    lstm ? [g.input(`h_l${l}`, [H]), g.input(`c_l${l}`, [H])] : [g.input(`h_l${l}`, [H])]
  )
  let top: Ref, states: Ref[][]
  if (unrolled) {
    const r = gruUnrolledStack(
      g,
      s,
      t,
      dec,
      yPrev,
      1,
      init.map((a) => a[0]!)
    )
    top = r.steps[0]!
    states = r.states
  } else {
    const r = nativeStack(g, s, t, dec, yPrev, 'decoder_', init, false)
    top = r.out
    states = r.states
  }
  const head = { units: O, activation: s.task === 'classification' ? 'softmax' : 'linear', use_bias: true }
  const y = g.layer(
    'Dense',
    'head',
    head,
    top,
    headWeights(t, s).map((w, k) => [k ? 'bias' : 'kernel', w] as [string, KerasWeight])
  )
  const feed =
    s.mapping === 'one-to-many'
      ? `y_prev = [x, y_{t-1}] of width ${dec.inputSize} (x: the ${s.inputSize} inputs; y_{t-1}: ${s.task === 'classification' ? 'one-hot of the previous argmax class' : 'the previous output'}, zeros at t = 0); states = zeros at t = 0`
      : s.task === 'classification'
        ? `y_prev = one-hot of the previous token, width ${O + 1} (BOS = index ${O} at t = 0, then the argmax class); states = the encoder's outputs`
        : `y_prev = the previous output (zeros at t = 0), width ${O}; states = the encoder's outputs`
  const layout = `one decoder step, run ${s.ty} times: inputs [y_prev [batch, 1, ${dec.inputSize}], ${stateNames.join(', ')} ([batch, ${H}])] → outputs [Y [batch, ${O}]${s.task === 'classification' ? ' softmax probabilities' : ''}, new ${stateNames.join(', ')}]; ${feed}`
  models.push({
    dir: 'decoder_step',
    modelJson: modelJsonOf(
      g.topology('rnn_workbench_decoder_step', [y, ...states.flat()]),
      g.specs,
      metadata(model, layout)
    ),
    weightsBin: g.weightsBin()
  })
  notes.push(
    `${s.mapping}: exported as ${models.map((m) => `${m.dir}/model.json`).join(' + ')}; run decoder_step ${s.ty} times, feeding back its output and states (see docs/EXPORT.md)`
  )
  return models
}
