// TF.js layers-format export (model.json + weights.bin): a Keras Sequential of LSTM / GRU / SimpleRNN layers
// (Bidirectional-wrapped when the model is) and a Dense head, topology written in Keras' snake_case like
// tfjs' own `model.save` (TF.js reads `recurrent_activation` as `recurrentActivation`).
//
//   PyTorch → Keras:  kernel = weight_ihᵀ [I, G·H], recurrent_kernel = weight_hhᵀ [H, G·H]
//                     LSTM gate order i,f,g,o = Keras i,f,c,o; bias = bias_ih + bias_hh [4H]
//                     GRU r,z,n → z,r,h, reset_after = true, bias [2, 3H] = [bias_ih; bias_hh]
//                     recurrent_activation 'sigmoid' stated explicitly (TF.js defaults to hard sigmoid)
// Input: batch-major [batch, seq, input] (Keras' layout). Many-to-one of a bidirectional model needs the
// outputs of the last step (not Keras' final backward state), so it keeps the sequence and crops the last
// step (Reshape → Cropping2D → Flatten); that model has a fixed sequence length tx.
import type { SavedModel } from '../../src-worker/protocol'
import { dirsOf, gatesOf, normalizationOf, reorderBlocks, specOf, tensorsOf, transpose, type ExportSpec, type Tensor } from './spec'

/** Source PyTorch gate block for each Keras gate block. */
export const KERAS_GATE_ORDER: Record<string, number[]> = { lstm: [0, 1, 2, 3], gru: [1, 0, 2], rnn_tanh: [0], rnn_relu: [0] }
export const KERAS_CLASS: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'SimpleRNN', rnn_relu: 'SimpleRNN' }

export interface WeightSpec { name: string; shape: number[]; dtype: 'float32' }
export interface TfjsModelJson {
  format: 'layers-model'
  generatedBy: string
  convertedBy: null
  modelTopology: { class_name: 'Sequential'; config: { name: string; layers: unknown[] }; keras_version: string; backend: string }
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[]
  userDefinedMetadata?: Record<string, unknown>
}

export interface TfjsArtifacts { modelJson: TfjsModelJson; weightsBin: Uint8Array; notes: string[] }

export const TFJS_WEIGHTS_FILE = 'weights.bin'

function rnnConfig(s: ExportSpec, name: string, returnSequences: boolean): Record<string, unknown> {
  const c: Record<string, unknown> = {
    name, trainable: true, units: s.hiddenSize,
    activation: s.cell === 'rnn_relu' ? 'relu' : 'tanh',
    use_bias: true, dropout: 0, recurrent_dropout: 0,
    return_sequences: returnSequences, return_state: false, go_backwards: false, stateful: false, unroll: false
  }
  if (s.cell === 'lstm' || s.cell === 'gru') c.recurrent_activation = 'sigmoid'
  if (s.cell === 'lstm') c.unit_forget_bias = false
  if (s.cell === 'gru') c.reset_after = true
  return c
}

/** Keras weights (kernel, recurrent_kernel, bias) of one layer-direction. */
function kerasWeights(t: Map<string, Tensor>, s: ExportSpec, sfx: string): { shape: number[]; data: Float64Array }[] {
  const G = gatesOf(s.cell), H = s.hiddenSize, order = KERAS_GATE_ORDER[s.cell]!
  const wih = t.get(`weight_ih_${sfx}`)!, whh = t.get(`weight_hh_${sfx}`)!, bih = t.get(`bias_ih_${sfx}`)!, bhh = t.get(`bias_hh_${sfx}`)!
  const I = wih.shape[1]!
  const kernel = transpose(reorderBlocks(wih, H, order), G * H, I)
  const recurrent = transpose(reorderBlocks(whh, H, order), G * H, H)
  let bias: { shape: number[]; data: Float64Array }
  if (s.cell === 'gru') {
    const b = new Float64Array(2 * G * H)
    b.set(reorderBlocks(bih, H, order)); b.set(reorderBlocks(bhh, H, order), G * H)
    bias = { shape: [2, G * H], data: b }
  } else {
    const b = new Float64Array(G * H)
    for (let k = 0; k < b.length; k++) b[k] = bih.data[k]! + bhh.data[k]!
    bias = { shape: [G * H], data: b }
  }
  return [{ shape: [I, G * H], data: kernel }, { shape: [H, G * H], data: recurrent }, bias]
}

/** Build model.json and weights.bin of a SavedModel (many-to-one, one-to-one, many-to-many). */
export function buildTfjs(model: SavedModel): TfjsArtifacts {
  const s = specOf(model), t = tensorsOf(model, s), D = dirsOf(s), H = s.hiddenSize, O = s.outputSize
  if (s.mapping === 'seq2seq' || s.mapping === 'one-to-many') {
    throw new Error(`TF.js export of the ${s.mapping} mapping is not supported: its decoder generates step by step from its own outputs; export it as ONNX (encoder + decoder-step graphs), PyTorch or JSON instead`)
  }
  const notes: string[] = []
  if (s.tokens) notes.push(`token inputs: the model reads one-hot rows of width ${s.inputSize} (vocabulary size) instead of token ids`)
  const every = s.mapping === 'many-to-many', cropLast = D === 2 && !every
  const layers: unknown[] = [], specs: WeightSpec[] = [], chunks: Float64Array[] = []
  const add = (name: string, w: { shape: number[]; data: Float64Array }) => { specs.push({ name, shape: w.shape, dtype: 'float32' }); chunks.push(w.data) }
  const inputShape = [null, cropLast ? s.tx : null, s.inputSize]
  for (let l = 0; l < s.numLayers; l++) {
    const name = `rnn_l${l}`, seq = l < s.numLayers - 1 || every || cropLast
    if (D === 1) {
      const cfg = rnnConfig(s, name, seq)
      if (l === 0) { cfg.batch_input_shape = inputShape; cfg.dtype = 'float32' }
      layers.push({ class_name: KERAS_CLASS[s.cell], config: cfg })
      const [k, r, b] = kerasWeights(t, s, `l${l}`)
      add(`${name}/kernel`, k!); add(`${name}/recurrent_kernel`, r!); add(`${name}/bias`, b!)
    } else {
      const inner = `${name}_cell`
      const cfg: Record<string, unknown> = { name, trainable: true, merge_mode: 'concat', layer: { class_name: KERAS_CLASS[s.cell], config: rnnConfig(s, inner, seq) } }
      if (l === 0) { cfg.batch_input_shape = inputShape; cfg.dtype = 'float32' }
      layers.push({ class_name: 'Bidirectional', config: cfg })
      for (const [dir, sfx] of [['forward', `l${l}`], ['backward', `l${l}_reverse`]] as const) {
        const [k, r, b] = kerasWeights(t, s, sfx)
        add(`${name}/${dir}_${inner}/kernel`, k!); add(`${name}/${dir}_${inner}/recurrent_kernel`, r!); add(`${name}/${dir}_${inner}/bias`, b!)
      }
    }
  }
  if (cropLast) {
    layers.push({ class_name: 'Reshape', config: { name: 'as_image', trainable: true, target_shape: [s.tx, D * H, 1] } })
    layers.push({ class_name: 'Cropping2D', config: { name: 'last_step', trainable: true, cropping: [[s.tx - 1, 0], [0, 0]], data_format: 'channels_last' } })
    layers.push({ class_name: 'Flatten', config: { name: 'flatten', trainable: true } })
    notes.push(`bidirectional many-to-one: the TF.js model keeps the sequence and crops its last step, so it needs sequences of exactly ${s.tx} steps`)
  }
  layers.push({ class_name: 'Dense', config: { name: 'head', trainable: true, units: O, activation: s.task === 'classification' ? 'softmax' : 'linear', use_bias: true } })
  const W = t.get('head.weight')!
  add('head/kernel', { shape: [D * H, O], data: transpose(W.data, O, D * H) })
  add('head/bias', { shape: [O], data: t.get('head.bias')!.data })
  const total = chunks.reduce((a, c) => a + c.length, 0)
  const weightsBin = new Uint8Array(total * 4), view = new DataView(weightsBin.buffer)
  let off = 0
  for (const c of chunks) for (let k = 0; k < c.length; k++, off += 4) view.setFloat32(off, c[k]!, true)
  const modelJson: TfjsModelJson = {
    format: 'layers-model',
    generatedBy: 'RNN Workbench',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'rnn_workbench', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: {
      inputs: model.inputs ?? [], target: model.target ?? '', data: model.data, normalization: normalizationOf(model),
      ...(model.vocab ? { vocab: model.vocab } : {}),
      layout: `X: [batch, seq, ${s.inputSize}] batch-major; output ${every ? `[batch, seq, ${O}]` : `[batch, ${O}]`}${s.task === 'classification' ? ' softmax probabilities' : ''}`
    }
  }
  if (s.cell === 'gru') notes.push('GRU: written as Keras GRU(reset_after=True) — PyTorch\'s GRU; TF.js 4.22 tf.loadLayersModel refuses reset_after=True (GRUCell throws), Keras/TensorFlow (Python) load it; verified by running the model.json with TF.js ops (Keras\' reset_after equations) instead')
  return { modelJson, weightsBin, notes }
}
