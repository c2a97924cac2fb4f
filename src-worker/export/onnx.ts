// ONNX export (opset 17) built as protobuf messages with onnx-proto: the standard LSTM / GRU / RNN operators,
// one per layer, then the Linear head (Gemm on the last step, MatMul + Add on every step) and Softmax for
// classification. Layout: X is time-major [seq, batch, input] (ONNX's default layout = 0).
//
//   PyTorch → ONNX:  LSTM gates i,f,g,o → i,o,f,c;  GRU r,z,n → z,r,h with linear_before_reset = 1 (the
//                    engine's reset-before GRU variant: linear_before_reset = 0);
//                    W = weight_ih [D, G·H, I], R = weight_hh [D, G·H, H], B = [bias_ih | bias_hh] [D, 2·G·H]
//
// Encoder–decoder mappings become two graphs: `encoder.onnx` (X → h_n, c_n) and `decoder_step.onnx` (one
// generation step: y_prev, h, c → Y, h_n, c_n); one-to-many has only the decoder step. See docs/EXPORT.md.
import onnxProto from 'onnx-proto'
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

const { onnx } = onnxProto
type INode = onnxProto.onnx.INodeProto
type ITensor = onnxProto.onnx.ITensorProto
type IValueInfo = onnxProto.onnx.IValueInfoProto
type IAttribute = onnxProto.onnx.IAttributeProto

export const ONNX_OPSET = 17
const FLOAT = onnx.TensorProto.DataType.FLOAT,
  INT64 = onnx.TensorProto.DataType.INT64
const A = onnx.AttributeProto.AttributeType

/** Source block of PyTorch's gate order for each ONNX gate block. */
export const ONNX_GATE_ORDER: Record<string, number[]> = {
  lstm: [0, 3, 1, 2], // i,f,g,o → i,o,f,c
  gru: [1, 0, 2], // r,z,n → z,r,h
  rnn_tanh: [0],
  rnn_relu: [0]
}

export const ONNX_OP: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'RNN', rnn_relu: 'RNN' }

function f32Bytes(data: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(data.length * 4),
    v = new DataView(b.buffer)
  for (let k = 0; k < data.length; k++) v.setFloat32(k * 4, data[k]!, true)
  return b
}

function i64Bytes(data: number[]): Uint8Array {
  const b = new Uint8Array(data.length * 8),
    v = new DataView(b.buffer)
  data.forEach((x, k) => v.setBigInt64(k * 8, BigInt(x), true))
  return b
}

const attrInt = (name: string, i: number): IAttribute => ({ name, type: A.INT, i })
const attrInts = (name: string, ints: number[]): IAttribute => ({ name, type: A.INTS, ints })
const attrStr = (name: string, s: string): IAttribute => ({ name, type: A.STRING, s: new TextEncoder().encode(s) })
const attrStrs = (name: string, ss: string[]): IAttribute => ({
  name,
  type: A.STRINGS,
  strings: ss.map((s) => new TextEncoder().encode(s))
})

type Dim = number | string
function valueInfo(name: string, dims: Dim[], elemType = FLOAT): IValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) }
      }
    }
  }
}

/** A graph under construction: nodes, initializers, and unique names. */
class GraphBuilder {
  nodes: INode[] = []
  inits: ITensor[] = []
  private n = 0
  node(
    op: string,
    inputs: string[],
    outputs: string[] | number,
    attribute: IAttribute[] = [],
    name?: string
  ): string[] {
    const id = name ?? `${op}_${this.n++}`
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => `${id}_out${k}`) : outputs
    this.nodes.push({ opType: op, name: id, input: inputs, output: outs, attribute })
    return outs
  }
  floats(name: string, dims: number[], data: ArrayLike<number>): string {
    this.inits.push({ name, dims, dataType: FLOAT, rawData: f32Bytes(data) })
    return name
  }
  ints(name: string, dims: number[], data: number[]): string {
    this.inits.push({ name, dims, dataType: INT64, rawData: i64Bytes(data) })
    return name
  }
}

/** W, R, B of one layer (both directions stacked on axis 0), reordered to ONNX's gate order. */
function layerWeights(
  t: Map<string, Tensor>,
  s: ExportSpec,
  st: StackInfo,
  l: number
): { W: Float64Array; R: Float64Array; B: Float64Array; I: number } {
  const G = gatesOf(s.cell),
    H = s.hiddenSize,
    D = dirsOf(s),
    order = ONNX_GATE_ORDER[s.cell]!
  const I = l === 0 ? st.inputSize : D * H
  const W = new Float64Array(D * G * H * I),
    R = new Float64Array(D * G * H * H),
    B = new Float64Array(D * 2 * G * H)
  for (let d = 0; d < D; d++) {
    const sfx = `l${l}${d ? '_reverse' : ''}`,
      get = (n: string) => t.get(`${st.prefix}${n}_${sfx}`)!
    W.set(reorderBlocks(get('weight_ih'), H, order), d * G * H * I)
    R.set(reorderBlocks(get('weight_hh'), H, order), d * G * H * H)
    B.set(reorderBlocks(get('bias_ih'), H, order), d * 2 * G * H)
    B.set(reorderBlocks(get('bias_hh'), H, order), d * 2 * G * H + G * H)
  }
  return { W, R, B, I }
}

/**
 * The recurrent stack: one ONNX operator per layer. x: [seq, batch, I]. With initial states h0/c0 ([L·D, batch, H]
 * graph inputs) each layer takes its slice. Returns the top output [seq, batch, D·H] and each layer's Y_h / Y_c.
 */
function stackNodes(
  g: GraphBuilder,
  t: Map<string, Tensor>,
  s: ExportSpec,
  st: StackInfo,
  x: string,
  tag: string,
  h0: string | null,
  c0: string | null,
  resetBefore: boolean
): { out: string; hN: string[]; cN: string[] } {
  const H = s.hiddenSize,
    D = dirsOf(s),
    G = gatesOf(s.cell),
    lstm = s.cell === 'lstm'
  const perm = [0, 2, 1, 3],
    flat = g.ints(`${tag}flat_shape`, [3], [0, 0, -1])
  let input = x
  const hN: string[] = [],
    cN: string[] = []
  for (let l = 0; l < s.numLayers; l++) {
    const { W, R, B, I } = layerWeights(t, s, st, l)
    const w = g.floats(`${tag}W_l${l}`, [D, G * H, I], W),
      r = g.floats(`${tag}R_l${l}`, [D, G * H, H], R)
    const b = g.floats(`${tag}B_l${l}`, [D, 2 * G * H], B)
    const ins = [input, w, r, b]
    if (h0) {
      const idx = g.ints(
        `${tag}state_idx_l${l}`,
        [D],
        Array.from({ length: D }, (_, d) => l * D + d)
      )
      ins.push('', g.node('Gather', [h0, idx], 1, [attrInt('axis', 0)])[0]!)
      if (lstm && c0) ins.push(g.node('Gather', [c0, idx], 1, [attrInt('axis', 0)])[0]!)
    }
    const attrs: IAttribute[] = [attrInt('hidden_size', H), attrStr('direction', D === 2 ? 'bidirectional' : 'forward')]
    if (s.cell === 'gru') attrs.push(attrInt('linear_before_reset', resetBefore ? 0 : 1))
    if (s.cell === 'rnn_tanh' || s.cell === 'rnn_relu')
      attrs.push(attrStrs('activations', Array(D).fill(s.cell === 'rnn_relu' ? 'Relu' : 'Tanh')))
    const name = `${tag}${ONNX_OP[s.cell]}_l${l}`
    const outs = [`${name}_Y`, `${name}_Y_h`, ...(lstm ? [`${name}_Y_c`] : [])]
    g.node(ONNX_OP[s.cell]!, ins, outs, attrs, name)
    hN.push(outs[1]!)
    if (lstm) cN.push(outs[2]!)
    // Y [seq, D, batch, H] → [seq, batch, D·H] (directions concatenated, like PyTorch's output)
    const tr = g.node('Transpose', [outs[0]!], 1, [attrInts('perm', perm)])[0]!
    input = g.node('Reshape', [tr, flat], [`${name}_out`])[0]!
  }
  return { out: input, hN, cN }
}

/** Linear head: on the last step (many-to-one / one-to-one: [batch, O]) or every step ([seq, batch, O]). */
function headNodes(
  g: GraphBuilder,
  t: Map<string, Tensor>,
  s: ExportSpec,
  out: string,
  everyStep: boolean,
  y: string
): void {
  const O = s.outputSize,
    DH = dirsOf(s) * s.hiddenSize,
    soft = s.task === 'classification'
  const W = t.get('head.weight')!,
    b = g.floats('head.bias', [O], t.get('head.bias')!.data)
  const logits = soft ? 'logits' : y
  if (everyStep) {
    const mm = g.node('MatMul', [out, g.floats('head.weight_T', [DH, O], transpose(W.data, O, DH))], 1)[0]!
    g.node('Add', [mm, b], [logits])
  } else {
    const last = g.node('Gather', [out, g.ints('last_step', [], [-1])], 1, [attrInt('axis', 0)])[0]!
    g.node('Gemm', [last, g.floats('head.weight', [O, DH], W.data), b], [logits], [attrInt('transB', 1)])
  }
  if (soft) g.node('Softmax', [logits], [y], [attrInt('axis', -1)])
}

function encodeModel(
  g: GraphBuilder,
  name: string,
  inputs: IValueInfo[],
  outputs: IValueInfo[],
  model: SavedModel,
  doc: string
): Uint8Array {
  const norm = normalizationOf(model)
  const meta: Record<string, string> = {
    'rnn_workbench.inputs': JSON.stringify(model.inputs ?? []),
    'rnn_workbench.target': String(model.target ?? ''),
    'rnn_workbench.normalization': JSON.stringify(norm),
    'rnn_workbench.data': JSON.stringify(model.data),
    'rnn_workbench.layout': "X: [seq, batch, input] time-major; normalise inputs with x' = (x - a) / b first"
  }
  if (model.vocab) meta['rnn_workbench.vocab'] = JSON.stringify(model.vocab)
  const transform = targetTransformStatement(model, specOf(model))
  if (transform) meta['rnn_workbench.target_transform'] = JSON.stringify(transform)
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'RNN Workbench',
    producerVersion: '1',
    docString: doc,
    graph: { name, node: g.nodes, initializer: g.inits, input: inputs, output: outputs },
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value }))
  })
  return onnx.ModelProto.encode(proto).finish()
}

export interface OnnxGraphs {
  /** file name → ONNX bytes: `model.onnx`, or `encoder.onnx` + `decoder_step.onnx`, or `decoder_step.onnx`. */
  files: Record<string, Uint8Array>
  notes: string[]
}

/** Build the ONNX graph(s) of a SavedModel. */
export function buildOnnx(model: SavedModel): OnnxGraphs {
  const s = specOf(model),
    t = tensorsOf(model, s),
    stacks = stacksOf(s)
  // the engine's reset-before GRU variant is ONNX's linear_before_reset = 0 (same weights)
  const rb = trainConfigOf(model).model.gruResetBefore === true
  const H = s.hiddenSize,
    L = s.numLayers,
    D = dirsOf(s),
    O = s.outputSize,
    lstm = s.cell === 'lstm'
  const notes: string[] = []
  if (s.tokens)
    notes.push(`token inputs: X holds one-hot rows of width ${s.inputSize} (vocabulary size) instead of token ids`)
  if (s.mapping === 'many-to-one' || s.mapping === 'one-to-one' || s.mapping === 'many-to-many') {
    const g = new GraphBuilder(),
      every = s.mapping === 'many-to-many'
    const { out } = stackNodes(g, t, s, stacks[0]!, 'X', '', null, null, rb)
    headNodes(g, t, s, out, every, 'Y')
    const bytes = encodeModel(
      g,
      'rnn_workbench',
      [valueInfo('X', ['seq', 'batch', s.inputSize])],
      [valueInfo('Y', every ? ['seq', 'batch', O] : ['batch', O])],
      model,
      `${s.mapping} ${s.task}: X [seq, batch, ${s.inputSize}] → Y ${every ? `[seq, batch, ${O}]` : `[batch, ${O}]`}${s.task === 'classification' ? ' (softmax probabilities)' : ''}`
    )
    return { files: { 'model.onnx': bytes }, notes }
  }
  // encoder–decoder: the decoder runs one step per call; the caller feeds back its output
  const files: Record<string, Uint8Array> = {}
  const dec = stacks[stacks.length - 1]!
  if (s.mapping === 'seq2seq') {
    const g = new GraphBuilder()
    const { hN, cN } = stackNodes(g, t, s, stacks[0]!, 'X', 'encoder.', null, null, rb)
    g.node('Concat', hN, ['h_n'], [attrInt('axis', 0)])
    if (lstm) g.node('Concat', cN, ['c_n'], [attrInt('axis', 0)])
    const outs = [valueInfo('h_n', [L * D, 'batch', H]), ...(lstm ? [valueInfo('c_n', [L * D, 'batch', H])] : [])]
    files['encoder.onnx'] = encodeModel(
      g,
      'rnn_workbench_encoder',
      [valueInfo('X', ['seq', 'batch', s.inputSize])],
      outs,
      model,
      `seq2seq encoder: X [seq, batch, ${s.inputSize}] → final states h_n${lstm ? ', c_n' : ''} [${L * D}, batch, ${H}] (the decoder's initial state)`
    )
  }
  const g = new GraphBuilder()
  const { out, hN, cN } = stackNodes(
    g,
    t,
    s,
    dec,
    'y_prev',
    s.mapping === 'seq2seq' ? 'decoder.' : '',
    'h',
    lstm ? 'c' : null,
    rb
  )
  headNodes(g, t, s, out, false, 'Y')
  g.node('Concat', hN, ['h_n'], [attrInt('axis', 0)])
  if (lstm) g.node('Concat', cN, ['c_n'], [attrInt('axis', 0)])
  const stateIn = [valueInfo('h', [L * D, 'batch', H]), ...(lstm ? [valueInfo('c', [L * D, 'batch', H])] : [])]
  const stateOut = [valueInfo('h_n', [L * D, 'batch', H]), ...(lstm ? [valueInfo('c_n', [L * D, 'batch', H])] : [])]
  const feed =
    s.mapping === 'one-to-many'
      ? `y_prev = [x, y_{t-1}] of width ${dec.inputSize} (x: the ${s.inputSize} inputs; y_{t-1}: ${s.task === 'classification' ? 'one-hot of the previous argmax class' : 'the previous output'}, zeros at t = 0); h${lstm ? ', c' : ''} = zeros at t = 0`
      : s.task === 'classification'
        ? `y_prev = one-hot of the previous token, width ${O + 1} (BOS = index ${O} at t = 0, then the argmax class); h${lstm ? ', c' : ''} = the encoder's h_n${lstm ? ', c_n' : ''}`
        : `y_prev = the previous output (zeros at t = 0), width ${O}; h${lstm ? ', c' : ''} = the encoder's h_n${lstm ? ', c_n' : ''}`
  files['decoder_step.onnx'] = encodeModel(
    g,
    'rnn_workbench_decoder_step',
    [valueInfo('y_prev', [1, 'batch', dec.inputSize]), ...stateIn],
    [valueInfo('Y', ['batch', O]), ...stateOut],
    model,
    `one decoder step, run ${s.ty} times: ${feed}; outputs Y [batch, ${O}] and the next state`
  )
  notes.push(
    `${s.mapping}: exported as ${Object.keys(files).join(' + ')}; run decoder_step.onnx ${s.ty} times, feeding back its output (see docs/EXPORT.md)`
  )
  return { files, notes }
}
