// Every cell × (many-to-one regression, many-to-many classification) × (1, 2 layers), trained briefly with
// train(), exported to each format and loaded back by an independent runtime: verified with max |diff| ≤ 1e-4.
// `npm test` runs half of that core matrix: every cell at 1 and at 2 layers, one mapping each (alternating between
// cells, so each mapping meets each layer count twice); `npm run test:full` (RNN_WORKBENCH_FULL_GRID=1) all of it.
// Then the other mappings (one-to-one, one-to-many, seq2seq, bidirectional, tokens); the full cell × mapping ×
// format matrix is export-matrix.test.ts.
import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportModel, EXPORT_FORMATS, type ExportFormat } from '../../../../src-worker/export'
import { buildModel, caseName, type ModelCase } from './models'
import { tempDir } from './tmp'
import { maxAbsDiff, referencePredict, specOf } from '../../../../src-worker/export/spec'
import { randomHeldOut } from '../../../../src-worker/export/held-out'
import { buildOnnx } from '../../../../src-worker/export/onnx'
import { runOnnx } from '../../../../src-worker/export/onnx-verify'
import { buildTfjs } from '../../../../src-worker/export/tfjs'
import { runTfjs } from '../../../../src-worker/export/tfjs-verify'

const dir = tempDir('matrix')
const worst: Record<string, number> = {}
afterAll(() => {
  console.log('largest maxAbsDiff per format:', JSON.stringify(worst))
})

async function check(c: ModelCase, format: ExportFormat, tag: string) {
  const model = buildModel(c)
  const out = join(dir, `${tag}-${format}${format === 'json' ? '.json' : ''}`)
  const r = await exportModel(model, format, out)
  expect(r.notes.join('\n')).not.toMatch(/verification failed/)
  expect(r.heldOutSamples).toBeGreaterThanOrEqual(16)
  expect(r.maxAbsDiff).not.toBeNull()
  expect(r.maxAbsDiff!).toBeLessThanOrEqual(1e-4)
  expect(r.verified).toBe(true)
  for (const f of r.files) expect(existsSync(f)).toBe(true)
  worst[format] = Math.max(worst[format] ?? 0, r.maxAbsDiff!)
  return r
}

const FULL = process.env.RNN_WORKBENCH_FULL_GRID === '1'
const CELLS = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const
const CORE: ModelCase[] = CELLS.flatMap((cell, i) =>
  [1, 2].flatMap((layers) =>
    [
      { cell, mapping: 'many-to-one', task: 'regression', layers } as ModelCase,
      { cell, mapping: 'many-to-many', task: 'classification', layers } as ModelCase
    ].filter((_, m) => FULL || (i + layers + m) % 2 === 0)
  )
)

describe('exportModel: core matrix', () => {
  for (const c of CORE) {
    it(caseName(c), async () => {
      const tag = caseName(c).replace(/\s+/g, '_')
      const reports = []
      for (const f of EXPORT_FORMATS) reports.push(await check(c, f, tag))
      expect(reports.map((r) => r.format)).toEqual(['json', 'onnx', 'tfjs', 'pytorch'])
      expect(reports[1]!.runtime).toMatch(/onnxruntime-node 1\.30/)
      expect(reports[2]!.runtime).toMatch(/tfjs 4\.22.*tf\.loadLayersModel/)
      expect(reports[3]!.files.map((f) => f.split('/').pop())).toEqual(['model.safetensors', 'model.py'])
    })
  }
})

describe('exportModel: other mappings', () => {
  const EXTRA: [ModelCase, ExportFormat[]][] = [
    [{ cell: 'lstm', mapping: 'one-to-one', task: 'regression', layers: 1 }, ['json', 'onnx', 'tfjs', 'pytorch']],
    [{ cell: 'gru', mapping: 'many-to-one', task: 'classification', layers: 2, bidirectional: true }, ['onnx', 'tfjs']],
    [
      { cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 2, bidirectional: true },
      ['onnx', 'tfjs', 'pytorch']
    ],
    [
      { cell: 'rnn_relu', mapping: 'many-to-many', task: 'regression', layers: 2, bidirectional: true },
      ['onnx', 'tfjs']
    ],
    [
      { cell: 'lstm', mapping: 'many-to-many', task: 'classification', layers: 1, tokens: true, I: 7 },
      ['json', 'onnx', 'tfjs']
    ],
    [{ cell: 'lstm', mapping: 'seq2seq', task: 'classification', layers: 2 }, ['json', 'onnx', 'tfjs', 'pytorch']],
    [{ cell: 'gru', mapping: 'seq2seq', task: 'regression', layers: 1 }, ['onnx', 'tfjs']],
    [{ cell: 'rnn_tanh', mapping: 'one-to-many', task: 'classification', layers: 2 }, ['json', 'onnx', 'tfjs']],
    [{ cell: 'lstm', mapping: 'one-to-many', task: 'regression', layers: 1 }, ['onnx', 'tfjs']]
  ]
  for (const [c, formats] of EXTRA) {
    it(`${caseName(c)}: ${formats.join(', ')}`, async () => {
      const tag = `x-${caseName(c).replace(/\s+/g, '_')}`
      for (const f of formats) await check(c, f, tag)
    })
  }

  it('seq2seq ONNX is written as encoder + decoder-step graphs', async () => {
    const r = await check({ cell: 'lstm', mapping: 'seq2seq', task: 'regression', layers: 1 }, 'onnx', 's2s-file')
    expect(r.files.map((f) => f.split('/').pop())).toEqual(['encoder.onnx', 'decoder_step.onnx'])
    const r2 = await exportModel(
      buildModel({ cell: 'lstm', mapping: 'seq2seq', task: 'regression', layers: 1 }),
      'onnx',
      join(dir, 'named.onnx')
    )
    expect(r2.files.map((f) => f.split('/').pop())).toEqual(['named.encoder.onnx', 'named.decoder_step.onnx'])
    expect(r2.verified).toBe(true)
  })

  it('seq2seq TF.js is written as encoder/ + decoder_step/ models; one-to-many as decoder_step/ only', async () => {
    const r = await check({ cell: 'lstm', mapping: 'seq2seq', task: 'regression', layers: 1 }, 'tfjs', 's2s-tfjs')
    expect(r.files.map((f) => f.split('/').slice(-2).join('/'))).toEqual([
      'encoder/model.json',
      'encoder/weights.bin',
      'decoder_step/model.json',
      'decoder_step/weights.bin'
    ])
    expect(r.notes.join(' ')).toMatch(/run decoder_step 4 times/)
    const r2 = await check(
      { cell: 'gru', mapping: 'one-to-many', task: 'classification', layers: 1 },
      'tfjs',
      'o2m-tfjs'
    )
    expect(r2.files.map((f) => f.split('/').slice(-2).join('/'))).toEqual([
      'decoder_step/model.json',
      'decoder_step/weights.bin'
    ])
  })

  it('every format takes the reset-before GRU; model.py builds it as GRUResetBefore (torch.nn.GRU is reset-after only)', async () => {
    const m = buildModel({
      cell: 'gru',
      resetBefore: true,
      mapping: 'many-to-one',
      task: 'regression',
      layers: 2,
      bidirectional: true
    })
    const r = await exportModel(m, 'pytorch', join(dir, 'rb-pt'), { pytorchRuntime: 'engine' })
    expect(r.verified).toBe(true)
    const py = readFileSync(join(dir, 'rb-pt', 'model.py'), 'utf8')
    expect(py).toContain('class GRUResetBefore(nn.Module)')
    expect(py).toContain(
      'self.rnn = GRUResetBefore(INPUT_SIZE, HIDDEN_SIZE, num_layers=NUM_LAYERS, bidirectional=True)'
    )
    expect(py).not.toContain('nn.GRU(')
    const plain = readFileSync(
      (
        await exportModel(
          buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 1 }),
          'pytorch',
          join(dir, 'ra-pt'),
          { pytorchRuntime: 'engine' }
        )
      ).files.find((f) => f.endsWith('model.py'))!,
      'utf8'
    )
    expect(plain).toContain('nn.GRU(')
    expect(plain).not.toContain('GRUResetBefore')
  })

  it('uses given held-out inputs and the requested number of samples', async () => {
    const m = buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 1 })
    const x = new Float32Array(3 * 6 * 3).map((_, k) => Math.sin(k))
    const r = await exportModel(m, 'onnx', join(dir, 'given.onnx'), { heldOut: { x, n: 3 } })
    expect(r.heldOutSamples).toBe(3)
    expect(r.verified).toBe(true)
    await expect(exportModel(m, 'onnx', join(dir, 'bad.onnx'), { heldOut: { x, n: 4 } })).rejects.toThrow(
      /heldOut\.x has 54 values, expected/
    )
    const r2 = await exportModel(m, 'pytorch', join(dir, 'given-pt'), { samples: 40, pytorchWeights: 'json' })
    expect(r2.heldOutSamples).toBe(40)
    expect(r2.files.map((f) => f.split('/').pop())).toEqual(['state_dict.json', 'model.py'])
    expect(r2.verified).toBe(true)
  })

  it('the self-check is sensitive: a file from slightly different weights is caught', async () => {
    const m = buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 2 })
    const s = specOf(m),
      h = randomHeldOut(s),
      ref = referencePredict(m, h.x, h.n, s)
    const w = m.weights as Record<string, number[]>
    const wrong = {
      ...m,
      weights: { ...m.weights, 'head.bias': w['head.bias']!.map((v, k) => (k === 0 ? v + 1e-3 : v)) }
    }
    const onnxDiff = maxAbsDiff(await runOnnx(s, buildOnnx(wrong).files, h), ref, 'onnx')
    const files = Object.fromEntries(buildTfjs(wrong).models.map((x) => [x.dir, x]))
    const tfDiff = maxAbsDiff(await runTfjs(s, files, h), ref, 'tfjs')
    for (const d of [onnxDiff, tfDiff]) {
      expect(d).toBeGreaterThan(5e-4)
      expect(d).toBeLessThan(2e-3)
    }
    const r = await exportModel(m, 'onnx', join(dir, 'unverified.onnx'), { verify: false })
    expect(r.verified).toBe(false)
    expect(r.maxAbsDiff).toBeNull()
    await expect(exportModel(m, 'xml' as ExportFormat, join(dir, 'x'))).rejects.toThrow(/unknown export format "xml"/)
  })
})
