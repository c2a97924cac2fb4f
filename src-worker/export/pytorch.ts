// PyTorch export: the state_dict in PyTorch's names and layout (model.safetensors, or state_dict.json), plus a
// model.py filled in from templates/model*.py that rebuilds nn.LSTM / nn.GRU / nn.RNN (or, for the engine's
// reset-before GRU, a small GRUResetBefore module with nn.GRU's parameter names) + nn.Linear and loads it.
// exportModel runs model.py with PyTorch itself when a python3 with torch is found (pytorch-verify.ts).
import type { SavedModel } from '../protocol'
import { nest } from '../engine/params'
import { decodeSafetensors, encodeSafetensors } from './safetensors'
import { targetTransformStatement } from './target-units'
import { fillTemplate } from './templates/fill'
import MODEL_PY from './templates/model.py?raw'
import STACK_PY from './templates/model-stack.py?raw'
import DECODER_PY from './templates/model-decoder.py?raw'
import GRU_RESET_BEFORE_PY from './templates/gru-reset-before.py?raw'
import {
  dirsOf,
  normalizationOf,
  paramShapes,
  specOf,
  stacksOf,
  tensorsOf,
  trainConfigOf,
  type ExportSpec
} from './spec'

export type PytorchWeightsFormat = 'safetensors' | 'json'
export const PYTORCH_FILES = { safetensors: 'model.safetensors', json: 'state_dict.json', python: 'model.py' } as const

export interface PytorchArtifacts {
  files: Record<string, Uint8Array | string>
  notes: string[]
}

export function buildPytorch(model: SavedModel, format: PytorchWeightsFormat = 'safetensors'): PytorchArtifacts {
  const s = specOf(model),
    t = tensorsOf(model, s)
  const list = paramShapes(s).map(({ name }) => t.get(name)!)
  const files: Record<string, Uint8Array | string> = {}
  if (format === 'safetensors') {
    files[PYTORCH_FILES.safetensors] = encodeSafetensors(list, {
      format: 'pt',
      producer: 'RNN Workbench',
      data: JSON.stringify(model.data),
      inputs: JSON.stringify(model.inputs ?? []),
      target: String(model.target ?? ''),
      normalization: JSON.stringify(normalizationOf(model)),
      target_transform: JSON.stringify(targetTransformStatement(model, s)),
      ...(model.vocab ? { vocab: JSON.stringify(model.vocab) } : {})
    })
  } else {
    const sd: Record<string, unknown> = {}
    for (const e of list) sd[e.name] = nest(e.data, 0, e.shape)
    files[PYTORCH_FILES.json] = JSON.stringify(sd)
  }
  files[PYTORCH_FILES.python] = modelPy(model, s, format)
  const notes = resetBefore(model)
    ? [
        'the reset-before GRU has no torch.nn class: model.py defines GRUResetBefore (nn.GRU parameter names and layout, Python loop over time)'
      ]
    : []
  return { files, notes }
}

/** PyTorch-layout nested arrays from a written weights file (safetensors or state_dict.json). */
export function readPytorchWeights(
  bytes: Uint8Array,
  format: PytorchWeightsFormat = 'safetensors'
): Record<string, unknown> {
  if (format === 'json') return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const e of decodeSafetensors(bytes).tensors) out[e.name] = nest(e.data, 0, e.shape)
  return out
}

const py = (v: unknown): string =>
  JSON.stringify(v, null, 4)
    .replace(/\btrue\b/g, 'True')
    .replace(/\bfalse\b/g, 'False')
    .replace(/\bnull\b/g, 'None')

const resetBefore = (model: SavedModel): boolean => trainConfigOf(model).model.gruResetBefore === true

function rnnCtor(s: ExportSpec, inputSize: string, rb: boolean): string {
  const cls = s.cell === 'lstm' ? 'nn.LSTM' : s.cell === 'gru' ? (rb ? 'GRUResetBefore' : 'nn.GRU') : 'nn.RNN'
  const nl = s.cell === 'rnn_relu' ? ", nonlinearity='relu'" : s.cell === 'rnn_tanh' ? ", nonlinearity='tanh'" : ''
  return `${cls}(${inputSize}, HIDDEN_SIZE, num_layers=NUM_LAYERS${nl}, bidirectional=${s.bidirectional ? 'True' : 'False'})`
}

function modelPy(model: SavedModel, s: ExportSpec, format: PytorchWeightsFormat): string {
  const rb = resetBefore(model),
    cls = s.task === 'classification',
    file = format === 'safetensors' ? PYTORCH_FILES.safetensors : PYTORCH_FILES.json
  return fillTemplate(MODEL_PY, {
    cell: s.cell,
    numLayers: String(s.numLayers),
    hiddenSize: String(s.hiddenSize),
    bidirectionalNote: s.bidirectional ? ', bidirectional' : '',
    mapping: s.mapping,
    task: s.task,
    weightsFile: file,
    resetBeforeNote: rb ? RESET_BEFORE_NOTE : '',
    inputSize: String(s.inputSize),
    inputColumnsJson: JSON.stringify(model.inputs ?? []),
    tokensNote: s.tokens ? ' Token inputs are one-hot rows.' : '',
    outputsNote: cls ? CLASSIFICATION_OUTPUTS : REGRESSION_OUTPUTS,
    gruResetBefore: rb ? `\n${GRU_RESET_BEFORE_PY}\n\n` : '',
    cellLiteral: JSON.stringify(s.cell),
    mappingLiteral: JSON.stringify(s.mapping),
    taskLiteral: JSON.stringify(s.task),
    outputSize: String(s.outputSize),
    seqIn: String(s.tx),
    seqOut: String(s.ty),
    inputColumns: py(model.inputs ?? []),
    target: py(model.target ?? ''),
    normalization: py(normalizationOf(model)),
    targetTransform: py(targetTransformStatement(model, s)),
    classes: py(model.vocab?.classes ?? null),
    network: s.mapping === 'seq2seq' || s.mapping === 'one-to-many' ? decoderPy(s, rb) : stackPy(s, rb),
    weightsFileLiteral: JSON.stringify(file),
    readState: format === 'safetensors' ? 'read_safetensors(path)' : 'read_json_state(path)'
  })
}

const RESET_BEFORE_NOTE = `
The GRU is the reset-before variant (n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)), which torch.nn.GRU does not
implement; GRUResetBefore below computes it with nn.GRU's parameter names and layout.`
const CLASSIFICATION_OUTPUTS = 'Outputs are softmax class probabilities.'
const REGRESSION_OUTPUTS = "Outputs are normalised; TARGET_TRANSFORM['invert'] says how they become the target's units."

/** A classifier's outputs are class probabilities. */
const outputOf = (s: ExportSpec, v: string): string => (s.task === 'classification' ? `torch.softmax(${v}, dim=-1)` : v)

/** many-to-one, one-to-one, many-to-many: one recurrent stack and a linear head on its last or every step. */
function stackPy(s: ExportSpec, rb: boolean): string {
  const head =
    s.mapping === 'many-to-many'
      ? `y = self.head(out)                        # every step: [seq, batch, ${s.outputSize}]`
      : `y = self.head(out[-1])                    # last step: [batch, ${s.outputSize}]`
  return fillTemplate(STACK_PY, {
    rnn: rnnCtor(s, 'INPUT_SIZE', rb),
    dirs: String(dirsOf(s)),
    head,
    output: outputOf(s, 'y')
  })
}

/** How a decoder step's input is made from the previous prediction (seq2seq, one-to-many; classes or values). */
const DECODER_FEED = {
  seq2seqClasses: `            tok = torch.full((batch,), OUTPUT_SIZE, dtype=torch.long) if t == 0 else y.argmax(-1)   # BOS = OUTPUT_SIZE
            inp = nn.functional.one_hot(tok, OUTPUT_SIZE + 1).float()`,
  seq2seqValues: `            inp = torch.zeros(batch, OUTPUT_SIZE) if t == 0 else y`,
  oneToManyClasses: `            prev = torch.zeros(batch, OUTPUT_SIZE) if t == 0 else nn.functional.one_hot(y.argmax(-1), OUTPUT_SIZE).float()
            inp = torch.cat([x[0], prev], dim=-1)`,
  oneToManyValues: `            prev = torch.zeros(batch, OUTPUT_SIZE) if t == 0 else y
            inp = torch.cat([x[0], prev], dim=-1)`
}

/** seq2seq (an encoder's final state starts the decoder) and one-to-many: generation step by step. */
function decoderPy(s: ExportSpec, rb: boolean): string {
  const s2s = s.mapping === 'seq2seq',
    cls = s.task === 'classification',
    decoderInput = String(stacksOf(s).at(-1)!.inputSize)
  return fillTemplate(DECODER_PY, {
    summary: s2s
      ? 'Encoder-decoder: the encoder reads x, its final state starts the decoder'
      : 'One-to-many: the stack runs SEQ_OUT steps on [x, y_prev]',
    modules: s2s
      ? `        self.encoder = ${rnnCtor(s, 'INPUT_SIZE', rb)}\n        self.decoder = ${rnnCtor(s, decoderInput, rb)}`
      : `        self.rnn = ${rnnCtor(s, decoderInput, rb)}`,
    initialState: s2s ? '        _, state = self.encoder(x)' : '        state = None',
    feed: DECODER_FEED[`${s2s ? 'seq2seq' : 'oneToMany'}${cls ? 'Classes' : 'Values'}`],
    stack: s2s ? 'decoder' : 'rnn',
    output: outputOf(s, 'self.head(out[0])'),
    outputSize: String(s.outputSize),
    rename: s2s ? 'dict(state)' : "{(k if k.startswith('head.') else 'rnn.' + k): v for k, v in state.items()}"
  })
}
