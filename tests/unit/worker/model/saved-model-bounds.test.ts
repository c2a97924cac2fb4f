// A hostile native model file: a size far beyond what training allows is refused by the schema, naming the field,
// before any weight is allocated (an 8.6 KB file claiming 5e7 layers once ran to a 4.7 GB heap abort).
import { describe, expect, it } from 'vitest'
import { parseNativeModel } from '../../../../src-worker/export/native'

const file = (patch: { numLayers?: number; hiddenSize?: number; tx?: number }) =>
  JSON.stringify({
    format: 'rnn-workbench-model',
    formatVersion: 1,
    summary: '',
    weights: {},
    trainConfig: {
      model: { cell: 'lstm', hiddenSize: patch.hiddenSize ?? 8, numLayers: patch.numLayers ?? 1 },
      batchSize: 8
    },
    data: { mapping: 'many-to-one', task: 'regression', inputSize: 1, outputSize: 1, tx: patch.tx ?? 12, ty: 1 },
    inputs: ['x'],
    target: 'x',
    normalization: {}
  })

describe('model file bounds', () => {
  it('refuses 5e7 layers, a hidden size of 1e9 and a window of 1e9 before allocating, naming the field', () => {
    for (const [patch, field] of [
      [{ numLayers: 50_000_000 }, /trainConfig\.model\.numLayers/],
      [{ hiddenSize: 1e9 }, /trainConfig\.model\.hiddenSize/],
      [{ tx: 1e9 }, /data\.tx/]
    ] as const) {
      expect(() => parseNativeModel(file(patch), 'evil.json')).toThrow(field)
    }
  })
})
