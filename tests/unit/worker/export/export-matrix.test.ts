// The export matrix: every cell (rnn_tanh, rnn_relu, lstm, PyTorch's reset-after GRU, the engine's reset-before
// GRU) × every mapping × both tasks × every format exports, loads back in an independent runtime (json: the
// reloaded native file gives identical predictions) and verifies (max |diff| ≤ 1e-4).
// Tiny models (H = 4, 2 layers for the encoder–decoder mappings, 1 epoch of training).
import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportModel, EXPORT_FORMATS } from '../../../../src-worker/export'
import type { CellKind } from '../../../../src-worker/engine/cells/common'
import type { Mapping, Task } from '../../../../src-worker/engine/model'
import { buildModel, caseName, type ModelCase } from './models'
import { tempDir } from './tmp'

const dir = tempDir('matrix-all')
const worst: Record<string, number> = {}
afterAll(() => {
  console.log('export matrix — largest maxAbsDiff per format:', JSON.stringify(worst))
})

const CELLS: { cell: CellKind; resetBefore?: boolean }[] = [
  { cell: 'rnn_tanh' },
  { cell: 'rnn_relu' },
  { cell: 'lstm' },
  { cell: 'gru' },
  { cell: 'gru', resetBefore: true }
]
const MAPPINGS: Mapping[] = ['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'seq2seq']
const TASKS: Task[] = ['regression', 'classification']

describe('export matrix: cell × mapping × task × format', () => {
  for (const { cell, resetBefore } of CELLS)
    for (const mapping of MAPPINGS)
      for (const task of TASKS) {
        const generating = mapping === 'seq2seq' || mapping === 'one-to-many'
        const c: ModelCase = { cell, resetBefore, mapping, task, layers: generating ? 2 : 1, H: 4, epochs: 1 }
        it(caseName(c), async () => {
          const model = buildModel(c, 3)
          const tag = caseName(c).replace(/[^\w-]+/g, '_')
          for (const format of EXPORT_FORMATS) {
            const out = join(dir, `${tag}-${format}${format === 'json' ? '.json' : ''}`)
            // PyTorch: the written weights are re-read into the engine here; pytorch-torch.test.ts runs this same matrix's
            // model.py files in PyTorch itself (one python process for all, torch takes seconds to import)
            const r = await exportModel(model, format, out, format === 'pytorch' ? { pytorchRuntime: 'engine' } : {})
            expect(r.notes.join('\n')).not.toMatch(/verification failed/)
            expect(r.heldOutSamples).toBe(16)
            expect(r.maxAbsDiff).not.toBeNull()
            expect(r.maxAbsDiff!).toBeLessThanOrEqual(1e-4)
            expect(r.verified).toBe(true)
            for (const f of r.files) expect(existsSync(f)).toBe(true)
            if (format === 'json') expect(r.maxAbsDiff).toBe(0) // the reloaded native file predicts identically
            if (format === 'tfjs') {
              expect(r.runtime).toMatch(/tfjs 4\.22.*tf\.loadLayersModel/)
              const names = r.files.map((f) => f.slice(out.length + 1))
              expect(names).toEqual(
                mapping === 'seq2seq'
                  ? ['encoder/model.json', 'encoder/weights.bin', 'decoder_step/model.json', 'decoder_step/weights.bin']
                  : mapping === 'one-to-many'
                    ? ['decoder_step/model.json', 'decoder_step/weights.bin']
                    : ['model.json', 'weights.bin']
              )
              for (const f of r.files.filter((p) => p.endsWith('model.json'))) {
                const text = readFileSync(f, 'utf8')
                if (/"class_name":"(LSTM|GRU)"/.test(text)) expect(text).toContain('"recurrent_activation":"sigmoid"')
                // PyTorch's GRU is never written as a TF.js GRU layer (TF.js has no reset_after = true)
                if (cell === 'gru') expect(text.includes('"class_name":"GRU"')).toBe(resetBefore === true)
              }
            }
            if (format === 'onnx') expect(r.runtime).toMatch(/onnxruntime-node/)
            worst[format] = Math.max(worst[format] ?? 0, r.maxAbsDiff!)
          }
        })
      }
})

describe('export matrix: bidirectional, multi-layer and token models in every format', () => {
  const EXTRA: ModelCase[] = [
    { cell: 'gru', mapping: 'many-to-one', task: 'classification', layers: 2, bidirectional: true },
    { cell: 'gru', mapping: 'many-to-many', task: 'regression', layers: 2, bidirectional: true },
    { cell: 'gru', resetBefore: true, mapping: 'many-to-many', task: 'classification', layers: 2, bidirectional: true },
    { cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 3, bidirectional: true },
    { cell: 'rnn_tanh', mapping: 'many-to-many', task: 'classification', layers: 2, bidirectional: true },
    { cell: 'gru', mapping: 'seq2seq', task: 'classification', layers: 3, tokens: true, I: 6 },
    { cell: 'lstm', mapping: 'one-to-many', task: 'regression', layers: 3 },
    { cell: 'gru', mapping: 'one-to-many', task: 'classification', layers: 2, tokens: true, I: 5 },
    { cell: 'gru', resetBefore: true, mapping: 'seq2seq', task: 'regression', layers: 3, tx: 9 }
  ]
  for (const c of EXTRA) {
    it(caseName(c), async () => {
      const model = buildModel({ H: 4, epochs: 1, ...c }, 5)
      const tag = `extra-${caseName(c).replace(/[^\w-]+/g, '_')}`
      for (const format of EXPORT_FORMATS) {
        const r = await exportModel(model, format, join(dir, `${tag}-${format}${format === 'json' ? '.json' : ''}`))
        expect(r.notes.join('\n')).not.toMatch(/verification failed/)
        expect(r.maxAbsDiff!).toBeLessThanOrEqual(1e-4)
        expect(r.verified).toBe(true)
        worst[format] = Math.max(worst[format] ?? 0, r.maxAbsDiff!)
      }
    })
  }
})
