// PyTorch export: the state_dict in PyTorch's names and layout (model.safetensors, or state_dict.json), plus a
// generated model.py that rebuilds nn.LSTM / nn.GRU / nn.RNN (or, for the engine's reset-before GRU, a small
// GRUResetBefore module with nn.GRU's parameter names) + nn.Linear and loads it. exportModel runs model.py with
// PyTorch itself when a python3 with torch is found (pytorch-verify.ts).
import type { SavedModel } from '../protocol'
import { nest } from '../engine/params'
import { decodeSafetensors, encodeSafetensors } from './safetensors'
import { targetTransformStatement } from './target-units'
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
  const cls = s.task === 'classification',
    D = dirsOf(s),
    stacks = stacksOf(s),
    rb = resetBefore(model)
  const out = (v: string) => (cls ? `torch.softmax(${v}, dim=-1)` : v)
  const header = `"""PyTorch rebuild of an RNN Workbench model (generated file).

Cell ${s.cell}, ${s.numLayers} layer(s), hidden size ${s.hiddenSize}${s.bidirectional ? ', bidirectional' : ''}; mapping ${s.mapping}, ${s.task}.
Weights: ${format === 'safetensors' ? PYTORCH_FILES.safetensors : PYTORCH_FILES.json} with PyTorch's own parameter names and layout
(weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, head.weight, head.bias; LSTM gates i,f,g,o; GRU r,z,n).${
    rb
      ? `
The GRU is the reset-before variant (n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)), which torch.nn.GRU does not
implement; GRUResetBefore below computes it with nn.GRU's parameter names and layout.`
      : ''
  }

Inputs are TIME-MAJOR [seq, batch, ${s.inputSize}] (batch_first=False) and already normalised: x' = (x - a) / b per
input column with NORMALIZATION['input'] (columns ${JSON.stringify(model.inputs ?? [])}).${s.tokens ? ' Token inputs are one-hot rows.' : ''}
${cls ? 'Outputs are softmax class probabilities.' : `Outputs are normalised; TARGET_TRANSFORM['invert'] says how they become the target's units.`}

Usage:
    model = load()            # reads the weights file next to this script
    y = model(x)              # x: torch.float32 [seq, batch, ${s.inputSize}]
"""
import json
import os
import struct

import torch
from torch import nn

${rb ? GRU_RESET_BEFORE : ''}CELL = ${JSON.stringify(s.cell)}
MAPPING = ${JSON.stringify(s.mapping)}
TASK = ${JSON.stringify(s.task)}
INPUT_SIZE = ${s.inputSize}
HIDDEN_SIZE = ${s.hiddenSize}
NUM_LAYERS = ${s.numLayers}
OUTPUT_SIZE = ${s.outputSize}
SEQ_IN = ${s.tx}
SEQ_OUT = ${s.ty}
INPUT_COLUMNS = ${py(model.inputs ?? [])}
TARGET = ${py(model.target ?? '')}
NORMALIZATION = ${py(normalizationOf(model))}
TARGET_TRANSFORM = ${py(targetTransformStatement(model, s))}   # regression: output -> the target's units
CLASSES = ${py(model.vocab?.classes ?? null)}          # classification: class id k means CLASSES[k]


def read_safetensors(path):
    """Minimal safetensors reader (8-byte little-endian header length, JSON header, raw little-endian data)."""
    with open(path, 'rb') as f:
        (n,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {'F32': torch.float32, 'F64': torch.float64}
    state = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[info['dtype']])
        state[name] = t.reshape(info['shape']).to(torch.float32)
    return state


def read_json_state(path):
    with open(path) as f:
        return {k: torch.tensor(v, dtype=torch.float32) for k, v in json.load(f).items()}

`
  let body: string
  if (s.mapping === 'many-to-one' || s.mapping === 'one-to-one' || s.mapping === 'many-to-many') {
    const every = s.mapping === 'many-to-many'
    body = `
class WorkbenchModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = ${rnnCtor(s, 'INPUT_SIZE', rb)}
        self.head = nn.Linear(${D} * HIDDEN_SIZE, OUTPUT_SIZE)

    def forward(self, x):
        out, _ = self.rnn(x)                      # [seq, batch, ${D} * hidden]
        ${every ? `y = self.head(out)                        # every step: [seq, batch, ${s.outputSize}]` : `y = self.head(out[-1])                    # last step: [batch, ${s.outputSize}]`}
        return ${out('y')}


def rename(state):
    """File names -> module names: the recurrent weights live under self.rnn."""
    return {(k if k.startswith('head.') else 'rnn.' + k): v for k, v in state.items()}
`
  } else {
    const s2s = s.mapping === 'seq2seq',
      dec = stacks[stacks.length - 1]!
    const feed = s2s
      ? cls
        ? `            tok = torch.full((batch,), OUTPUT_SIZE, dtype=torch.long) if t == 0 else y.argmax(-1)   # BOS = OUTPUT_SIZE
            inp = nn.functional.one_hot(tok, OUTPUT_SIZE + 1).float()`
        : `            inp = torch.zeros(batch, OUTPUT_SIZE) if t == 0 else y`
      : cls
        ? `            prev = torch.zeros(batch, OUTPUT_SIZE) if t == 0 else nn.functional.one_hot(y.argmax(-1), OUTPUT_SIZE).float()
            inp = torch.cat([x[0], prev], dim=-1)`
        : `            prev = torch.zeros(batch, OUTPUT_SIZE) if t == 0 else y
            inp = torch.cat([x[0], prev], dim=-1)`
    body = `
class WorkbenchModel(nn.Module):
    """${s2s ? 'Encoder-decoder: the encoder reads x, its final state starts the decoder' : 'One-to-many: the stack runs SEQ_OUT steps on [x, y_prev]'}; generation feeds back each prediction."""

    def __init__(self):
        super().__init__()
${
  s2s
    ? `        self.encoder = ${rnnCtor(s, 'INPUT_SIZE', rb)}
        self.decoder = ${rnnCtor(s, String(dec.inputSize), rb)}`
    : `        self.rnn = ${rnnCtor(s, String(dec.inputSize), rb)}`
}
        self.head = nn.Linear(HIDDEN_SIZE, OUTPUT_SIZE)

    def forward(self, x, steps=SEQ_OUT):
        batch = x.shape[1]
${s2s ? '        _, state = self.encoder(x)' : '        state = None'}
        y, outs = None, []
        for t in range(steps):
${feed}
            out, state = self.${s2s ? 'decoder' : 'rnn'}(inp.unsqueeze(0), state)
            y = ${out('self.head(out[0])')}
            outs.append(y)
        return torch.stack(outs, 0)               # [steps, batch, ${s.outputSize}]


def rename(state):
    return ${s2s ? 'dict(state)' : "{(k if k.startswith('head.') else 'rnn.' + k): v for k, v in state.items()}"}
`
  }
  const file = format === 'safetensors' ? PYTORCH_FILES.safetensors : PYTORCH_FILES.json
  return `${header}${body}

def load(path=None):
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), ${JSON.stringify(file)})
    state = ${format === 'safetensors' ? 'read_safetensors(path)' : 'read_json_state(path)'}
    model = WorkbenchModel()
    model.load_state_dict(rename(state))
    return model.eval()


if __name__ == '__main__':
    m = load()
    x = torch.randn(SEQ_IN, 2, INPUT_SIZE)
    with torch.no_grad():
        print(m(x))
`
}

/** The reset-before GRU as a torch module with nn.GRU's parameter names, layout, call and return conventions. */
const GRU_RESET_BEFORE = `
class GRUResetBefore(nn.Module):
    """GRU with the reset gate applied before the recurrent product (Cho et al. 2014):
    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), h' = (1 - z) * n + z * h.
    Parameters named and shaped like nn.GRU (gates r, z, n); time-major input; returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.hidden_size, self.num_layers, self.dirs = hidden_size, num_layers, 2 if bidirectional else 1
        for l in range(num_layers):
            for d in range(self.dirs):
                sfx = 'l%d%s' % (l, '_reverse' if d else '')
                width = input_size if l == 0 else self.dirs * hidden_size
                setattr(self, 'weight_ih_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size, width)))
                setattr(self, 'weight_hh_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size, hidden_size)))
                setattr(self, 'bias_ih_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size)))
                setattr(self, 'bias_hh_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size)))

    def forward(self, x, h0=None):
        steps, batch, H = x.shape[0], x.shape[1], self.hidden_size
        if h0 is None:
            h0 = x.new_zeros(self.num_layers * self.dirs, batch, H)
        finals, inp = [], x
        for l in range(self.num_layers):
            outs = []
            for d in range(self.dirs):
                sfx = 'l%d%s' % (l, '_reverse' if d else '')
                w_ih, w_hh = getattr(self, 'weight_ih_' + sfx), getattr(self, 'weight_hh_' + sfx)
                b_ih, b_hh = getattr(self, 'bias_ih_' + sfx), getattr(self, 'bias_hh_' + sfx)
                gi_all = inp @ w_ih.t() + b_ih
                h, seq = h0[l * self.dirs + d], [None] * steps
                for t in (range(steps - 1, -1, -1) if d else range(steps)):
                    gi = gi_all[t]
                    gh = h @ w_hh[:2 * H].t() + b_hh[:2 * H]
                    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
                    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:])
                    n = torch.tanh(gi[:, 2 * H:] + (r * h) @ w_hh[2 * H:].t() + b_hh[2 * H:])
                    h = (1 - z) * n + z * h
                    seq[t] = h
                outs.append(torch.stack(seq, 0))
                finals.append(h)
            inp = torch.cat(outs, -1)
        return inp, torch.stack(finals, 0)


`
