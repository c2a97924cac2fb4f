// Models saved the way the training worker saves them (src-worker/tasks: buildSequences → toTrainData /
// toTrainConfig → train → SavedModel with vocab and experiment): every format verifies, and predictSeries on
// the same CSV reproduces the training windows' predictions (same columns, normalisation, gap and alignment).
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { parseCsv } from '../../../../src-worker/data/csv'
import { experimentConfig } from '../../../../src-shared/contract'
import { buildSequences, toTrainConfig, toTrainData } from '../../../../src-worker/tasks/build-data'
import { train, predict } from '../../../../src-worker/trainer'
import type { SavedModel } from '../../../../src-worker/protocol'
import { EXPORT_FORMATS, exportModel, loadNativeModel } from '../../../../src-worker/export'
import { predictSeries, seriesCsv } from '../../../../src-worker/inference'
import { tempDir } from './tmp'

const dir = tempDir('workbench')
const lines = ['day,temp,load,regime']
for (let r = 0; r < 60; r++) {
  const load = 100 + 10 * Math.cos(r / 5) + r * 0.3
  lines.push(`${r},${(20 + 5 * Math.sin(r / 4)).toFixed(3)},${load.toFixed(2)},${load > 105 ? 'high' : 'low'}`)
}
const table = parseCsv(new TextEncoder().encode(lines.join('\n') + '\n'))

function workerModel(cfg: Record<string, unknown>) {
  const config = experimentConfig.parse({
    model: { cell: 'lstm', hiddenSize: 8, numLayers: 2 },
    optimizer: { lr: 0.01 },
    epochs: 2,
    batchSize: 16,
    seed: 3,
    ...cfg
  })
  const seqs = buildSequences(table, config)
  const data = toTrainData(seqs),
    trainConfig = toTrainConfig(config)
  const result = train(trainConfig, data)
  const model: SavedModel = {
    weights: result.weights,
    trainConfig,
    data: {
      mapping: data.mapping,
      task: data.task,
      inputSize: data.inputSize,
      outputSize: data.outputSize,
      tx: data.tx,
      ty: data.ty,
      tokens: !!data.tokens
    },
    inputs: seqs.inputNorm.columns,
    target: config.target,
    normalization: { input: seqs.inputNorm, target: seqs.targetNorm },
    vocab: {
      classes: seqs.classes,
      inputVocab: seqs.inputVocab,
      targetVocab: seqs.targetVocab,
      conditions: seqs.conditions
    },
    experiment: config
  }
  const ref = predict(trainConfig, { ...data, n: seqs.train.n, x: seqs.train.x }, model.weights).output
  return { seqs, model, ref }
}

describe('a model as the training worker saves it', () => {
  it('exports to every format with verified = true; the native file keeps vocab and experiment', async () => {
    const { model } = workerModel({ target: 'load', inputs: ['temp', 'load'], window: 6 })
    for (const f of EXPORT_FORMATS) {
      const r = await exportModel(model, f, join(dir, f === 'json' ? 'model.json' : f))
      expect(r.verified, `${f}: ${r.notes.join('; ')}`).toBe(true)
    }
    expect(loadNativeModel(join(dir, 'model.json'))).toEqual(JSON.parse(JSON.stringify(model)))
  })

  it('many-to-one with a gap: predictSeries matches the training windows (target row = w + window + gap)', () => {
    const { seqs, model, ref } = workerModel({ target: 'load', inputs: ['temp', 'load'], window: 6, gap: 2 })
    const p = predictSeries(model, table)
    const { a, b } = seqs.targetNorm
    for (let k = 0; k < seqs.train.n; k++) {
      expect(p.rows[k]!.prediction).toBeCloseTo(ref[k]! * b[0]! + a[0]!, 4)
      expect(p.rows[k]!.actual as number).toBeCloseTo(seqs.train.y[k]! * b[0]! + a[0]!, 3)
      expect(p.rows[k]!.targetLine).toBe(k + 6 + 2 + 2) // data row → physical line (+2: header, 1-based)
    }
    expect(() => predictSeries(model, table, { steps: 3 })).toThrow(/steps: .*must be the model's only input|gap 2/)
  })

  it("many-to-many classification: the last step's class, with its name", () => {
    const { seqs, model, ref } = workerModel({
      mapping: 'many-to-many',
      target: 'regime',
      inputs: ['temp', 'load'],
      window: 5
    })
    expect(model.vocab!.classes).toEqual(['high', 'low'])
    const p = predictSeries(model, table)
    const C = 2,
      tx = 5
    for (let k = 0; k < seqs.train.n; k++) {
      const off = (k * tx + tx - 1) * C,
        want = ref[off + 1]! > ref[off]! ? 1 : 0
      expect(p.rows[k]!.prediction).toBe(want)
      expect(p.rows[k]!.label).toBe(['high', 'low'][want])
      expect(p.rows[k]!.actual).toBe(['high', 'low'][seqs.train.y[k * tx + tx - 1]!])
    }
    expect(seriesCsv(p).split('\r\n')[1]).toMatch(/^0,2,6,6,(high|low),(high|low)$/)
  })

  it('seq2seq: every horizon step; single-input closed loop', () => {
    const { seqs, model, ref } = workerModel({ mapping: 'seq2seq', target: 'load', window: 6, horizon: 3 })
    expect(model.inputs).toEqual(['load'])
    const p = predictSeries(model, table, { steps: 5 })
    const { a, b } = seqs.targetNorm
    expect(p.rows[4]!.horizon!.map((v) => Number(v.toFixed(3)))).toEqual(
      Array.from(ref.subarray(12, 15)).map((v) => Number((v * b[0]! + a[0]!).toFixed(3)))
    )
    expect(p.forecast).toHaveLength(5)
    expect(p.forecast![2]).toBeCloseTo(p.rows.at(-1)!.horizon![2]!, 4)
  })

  it('text models (token ids) export with one-hot inputs and verify', async () => {
    const words = ['good', 'bad', 'fine', 'awful', 'great', 'poor']
    const rows = ['review,label']
    for (let r = 0; r < 40; r++)
      rows.push(`${words[r % 6]} ${words[(r * 7) % 6]} ${words[(r * 5) % 6]},${r % 6 < 3 ? 'pos' : 'neg'}`)
    const text = parseCsv(new TextEncoder().encode(rows.join('\n') + '\n'))
    const config = experimentConfig.parse({
      mapping: 'many-to-one',
      text: 'review',
      target: 'label',
      tokens: 'word',
      model: { cell: 'gru', hiddenSize: 6 },
      optimizer: { lr: 0.01 },
      epochs: 1,
      batchSize: 8
    })
    const seqs = buildSequences(text, config)
    const data = toTrainData(seqs),
      trainConfig = toTrainConfig(config)
    const result = train(trainConfig, data)
    expect(data.tokens).toBe(true)
    const model: SavedModel = {
      weights: result.weights,
      trainConfig,
      data: {
        mapping: data.mapping,
        task: data.task,
        inputSize: data.inputSize,
        outputSize: data.outputSize,
        tx: data.tx,
        ty: data.ty,
        tokens: true
      },
      inputs: seqs.inputNorm.columns,
      target: config.target,
      normalization: { input: seqs.inputNorm, target: seqs.targetNorm },
      vocab: { classes: seqs.classes, inputVocab: seqs.inputVocab },
      experiment: config
    }
    for (const f of ['json', 'onnx', 'tfjs', 'pytorch'] as const) {
      const r = await exportModel(model, f, join(dir, `text-${f}${f === 'json' ? '.json' : ''}`), {
        heldOut: { x: seqs.val.x, n: seqs.val.n }
      })
      expect(r.verified, `${f}: ${r.notes.join('; ')}`).toBe(true)
      expect(r.heldOutSamples).toBe(seqs.val.n)
    }
  })

  it('refuses models trained on other data sources', () => {
    const { model } = workerModel({ mapping: 'one-to-one', target: 'load', inputs: ['temp'] })
    expect(() => predictSeries({ ...model, data: { ...model.data, mapping: 'many-to-one' } }, table)).toThrow(
      'predictSeries works on models trained on sliding windows of one series; this model was trained on rows data'
    )
    expect(() => predictSeries(model, table)).toThrow(/this model's mapping is one-to-one/)
  })
})
