// The automatic name of a run: cell and size, what it predicts from what, and the mapping, e.g.
// `LSTM 32 · weather ← 4 inputs · N:1 on Seattle weather`, so that runs on one dataset can be told apart.
import type { ExperimentConfig } from './contract'

const CELL: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'RNN', rnn_relu: 'ReLU RNN' }
const MAPPING: Record<string, string> = {
  'one-to-one': '1:1',
  'one-to-many': '1:N',
  'many-to-one': 'N:1',
  'many-to-many': 'N:N',
  seq2seq: 'N:M'
}

function from(c: ExperimentConfig): string {
  if (c.mapping === 'one-to-many') return c.condition ? `per ${c.condition}` : 'generated'
  if (c.text) return `${c.target} ← ${c.text}`
  if (c.inputs.length === 0) return `${c.target} ← own past`
  if (c.inputs.length === 1) return `${c.target} ← ${c.inputs[0]}`
  return `${c.target} ← ${c.inputs.length} inputs`
}

export function autoRunName(c: ExperimentConfig, datasetName: string): string {
  const m = c.model
  const cell = `${m.bidirectional ? 'Bi' : ''}${CELL[m.cell] ?? m.cell}`
  const size = m.numLayers > 1 ? `${m.numLayers}×${m.hiddenSize}` : String(m.hiddenSize)
  return `${cell} ${size} · ${from(c)} · ${MAPPING[c.mapping] ?? c.mapping} on ${datasetName}`
}
