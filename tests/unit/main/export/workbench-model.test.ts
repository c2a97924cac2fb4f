// A SavedModel built the way the training worker builds it (buildWindows → train → {weights, trainConfig, data,
// inputs, target, normalization}): every format verifies, and predictSeries on the same CSV reproduces the
// training windows' predictions (same columns, normalisation and window alignment as buildWindows).
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { parseCsv } from '../../../../src-main/data/csv'
import { buildWindows } from '../../../../src-main/data/windows'
import { train, predict, type TrainConfig, type TrainData } from '../../../../src-worker/trainer'
import type { SavedModel } from '../../../../src-worker/protocol'
import { EXPORT_FORMATS, exportModel, loadNativeModel, predictSeries } from '../../../../src-main/export'
import { tempDir } from './tmp'

const dir = tempDir('workbench')

function workerModel(inputs: string[]) {
  const lines = ['day,temp,load']
  for (let r = 0; r < 60; r++) lines.push(`${r},${(20 + 5 * Math.sin(r / 4)).toFixed(3)},${(100 + 10 * Math.cos(r / 5) + r * 0.3).toFixed(2)}`)
  const table = parseCsv(new TextEncoder().encode(lines.join('\n') + '\n'))
  const windows = buildWindows(table, { target: 'load', inputs, window: 6 }, { valFraction: 0.2 })
  const data: TrainData = {
    mapping: 'many-to-one', task: 'regression', inputSize: windows.inputSize, outputSize: windows.outputSize,
    tx: windows.tx, ty: windows.ty, train: windows.train, val: windows.val
  }
  const trainConfig: TrainConfig = { model: { cell: 'lstm', hiddenSize: 8, numLayers: 2 }, optimizer: { kind: 'adam', lr: 0.01 }, epochs: 2, batchSize: 16, seed: 3 }
  const result = train(trainConfig, data)
  const model: SavedModel = {
    weights: result.weights, trainConfig,
    data: { mapping: data.mapping, task: data.task, inputSize: data.inputSize, outputSize: data.outputSize, tx: data.tx, ty: data.ty },
    inputs: windows.inputNorm.columns, target: 'load', normalization: { input: windows.inputNorm, target: windows.targetNorm }
  }
  return { table, windows, data, trainConfig, model }
}

describe('a model as the training worker saves it', () => {
  it('exports to every format with verified = true', async () => {
    const { model } = workerModel(['temp', 'load'])
    for (const f of EXPORT_FORMATS) {
      const r = await exportModel(model, f, join(dir, f === 'json' ? 'model.json' : f))
      expect(r.verified, `${f}: ${r.notes.join('; ')}`).toBe(true)
    }
    expect(loadNativeModel(join(dir, 'model.json')).normalization).toEqual(model.normalization)
  })

  it('predictSeries on the training CSV matches predict on buildWindows\' training windows', () => {
    const { table, windows, data, trainConfig, model } = workerModel(['temp', 'load'])
    const p = predictSeries(model, table)
    const ref = predict(trainConfig, { ...data, n: windows.train.n, x: windows.train.x }, model.weights).output
    const { a, b } = windows.targetNorm
    for (let k = 0; k < windows.train.n; k++) {
      expect(p.rows[k]!.prediction).toBeCloseTo(ref[k]! * b[0]! + a[0]!, 4)
      expect(p.rows[k]!.actual).toBeCloseTo(windows.train.y[k]! * b[0]! + a[0]!, 3)
    }
  })

  it('closed-loop forecast for the single-input autoregressive model', () => {
    const { table, model } = workerModel([])
    expect(model.inputs).toEqual(['load'])
    const p = predictSeries(model, table, { steps: 5 })
    expect(p.forecast).toHaveLength(5)
    expect(p.forecast![0]).toBeCloseTo(p.rows.at(-1)!.prediction!, 6)
    for (const v of p.forecast!) expect(Number.isFinite(v)).toBe(true)
  })
})
