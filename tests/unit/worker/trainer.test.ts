// train(): an LSTM many-to-one regression with Adam learns, and the loop's options behave as documented.

import { describe, expect, it } from 'vitest'
import { train, type TrainConfig } from '../../../src-worker/trainer.js'
import { addingData } from './tasks.js'

const lstmAdam: TrainConfig = {
  model: { cell: 'lstm', hiddenSize: 16, numLayers: 1 },
  optimizer: { kind: 'adam', lr: 0.01 },
  epochs: 12,
  batchSize: 32,
  seed: 7
}

describe('train', () => {
  it('LSTM many-to-one regression with Adam learns the adding problem', () => {
    const data = addingData(512, 128, 10)
    const steps: number[] = []
    const res = train(lstmAdam, data, { onStep: (s) => steps.push(s.loss) })
    expect(res.status).toBe('completed')
    expect(res.epochs).toHaveLength(12)
    const first = res.epochs[0].valLoss,
      lastV = res.valLoss
    // predicting the mean gives ≈ Var(sum) = 1/6; a learned model is far below
    expect(lastV).toBeLessThan(0.2 * first)
    expect(lastV).toBeLessThan(0.03)
    expect(steps.length).toBe(12 * 16)
    expect(Object.keys(res.weights)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'head.weight',
      'head.bias'
    ])
    const d = res.epochs[11].diagnostics
    expect(d.gateNames).toEqual(['i', 'f', 'g', 'o'])
    expect(d.gateMeans[0]).toHaveLength(4)
    expect(d.dhNorm).toHaveLength(10)
    expect(d.probe!.gates[0]).toHaveLength(10)
    expect(d.probe!.hidden[0]).toHaveLength(16)
    expect(JSON.parse(JSON.stringify(d))).toEqual(d)
  })

  it('computes the probe heatmaps only for the epochs the caller asks for, and nothing else changes', () => {
    const data = addingData(128, 32, 6),
      config = { ...lstmAdam, epochs: 5 }
    const asked: number[] = []
    const some = train(config, data, {
      wantProbe: (e) => {
        asked.push(e)
        return e % 2 === 0
      }
    })
    const every = train(config, data)
    expect(asked).toEqual([1, 2, 3, 4, 5])
    expect(some.epochs.map((e) => e.diagnostics.probe !== undefined)).toEqual([false, true, false, true, false])
    expect(every.epochs.every((e) => e.diagnostics.probe !== undefined)).toBe(true)
    expect(some.epochs[1].diagnostics.probe).toEqual(every.epochs[1].diagnostics.probe)
    const { probe: _, ...rest } = every.epochs[4].diagnostics
    expect(some.epochs[4].diagnostics).toEqual(rest)
    expect(some.weights).toEqual(every.weights)
  })
})
