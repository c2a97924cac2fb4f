// The loss chart's points: per-step and per-epoch curves against step, epoch and training time, and how a
// stored run and the live events that arrive while it loads join without gaps or duplicates.
import { describe, expect, it } from 'vitest'
import { LossSeries } from '../../../src-renderer/lib/state/loss-series.svelte'

const step = (s: number, epoch: number, loss: number | null) => ({ step: s, epoch, loss })
const epoch = (e: number, trainLoss: number | null, valLoss: number | null, seconds = 1) => ({
  epoch: e,
  trainLoss,
  valLoss,
  seconds
})

describe('LossSeries', () => {
  it('appends only steps newer than the last one, and leaves out losses that are not finite', () => {
    const s = new LossSeries()
    s.reset(1)
    const v0 = s.version
    s.addSteps([step(1, 1, 0.9), step(2, 1, NaN), step(3, 1, null), step(4, 1, 0.7)])
    s.addSteps([step(3, 1, 0.8), step(4, 1, 0.7), step(5, 1, 0.6)])
    expect(s.steps).toEqual([
      { x: 1, y: 0.9 },
      { x: 4, y: 0.7 },
      { x: 5, y: 0.6 }
    ])
    expect(s.count).toBe(3)
    expect(s.version).toBe(v0 + 2)
    s.addSteps([step(2, 1, 0.5)])
    expect(s.version).toBe(v0 + 2)
  })

  it('puts an epoch at its last step, and against its number and the summed training seconds', () => {
    const s = new LossSeries()
    s.reset(1)
    s.addSteps([step(1, 1, 1), step(2, 1, 1), step(3, 2, 1), step(4, 2, 1)])
    s.addEpoch(epoch(1, 0.9, 1.0, 2.5))
    s.addEpoch(epoch(2, 0.8, Infinity, 1.5))
    s.addEpoch(epoch(2, 0.1, 0.1))
    expect(s.train).toEqual([
      { x: 2, y: 0.9 },
      { x: 4, y: 0.8 }
    ])
    expect(s.val).toEqual([{ x: 2, y: 1.0 }])
    expect(s.trainByEpoch).toEqual([
      { x: 1, y: 0.9 },
      { x: 2, y: 0.8 }
    ])
    expect(s.trainByTime).toEqual([
      { x: 2.5, y: 0.9 },
      { x: 4, y: 0.8 }
    ])
    expect(s.valByTime).toEqual([{ x: 2.5, y: 1.0 }])
    expect(s.count).toBe(4 + 2 + 1)
  })

  it('replays live points that arrived while the stored run loaded, after the stored ones and without duplicates', () => {
    const s = new LossSeries()
    s.beginLoad(9)
    expect(s.experimentId).toBe(9)
    s.addSteps([step(3, 2, 0.5), step(4, 2, 0.4)])
    s.addEpoch(epoch(2, 0.45, 0.5))
    expect(s.steps).toEqual([])
    const generation = s.generation
    s.load({ id: 9, steps: [step(1, 1, 0.9), step(2, 1, 0.8), step(3, 2, 0.5)], epochs: [epoch(1, 0.85, 0.9)] })
    expect(s.generation).toBeGreaterThan(generation)
    expect(s.steps.map((p) => p.x)).toEqual([1, 2, 3, 4])
    expect(s.trainByEpoch.map((p) => p.x)).toEqual([1, 2])
    expect(s.train).toEqual([
      { x: 2, y: 0.85 },
      { x: 4, y: 0.45 }
    ])
  })

  it('drops the points held for another run when a different stored run loads', () => {
    const s = new LossSeries()
    s.beginLoad(1)
    s.addSteps([step(10, 3, 0.1)])
    s.load({ id: 2, steps: [step(1, 1, 0.9)], epochs: [] })
    expect(s.experimentId).toBe(2)
    expect(s.steps).toEqual([{ x: 1, y: 0.9 }])
  })

  it('reset empties every curve and starts counting steps and epochs again', () => {
    const s = new LossSeries()
    s.reset(1)
    s.addSteps([step(5, 1, 0.5)])
    s.addEpoch(epoch(1, 0.5, 0.6))
    s.reset(2)
    expect(s.empty).toBe(true)
    expect([s.steps, s.train, s.val, s.trainByEpoch, s.valByTime].every((a) => a.length === 0)).toBe(true)
    s.addSteps([step(1, 1, 0.9)])
    s.addEpoch(epoch(1, 0.9, null))
    expect(s.steps).toEqual([{ x: 1, y: 0.9 }])
    expect(s.trainByTime).toEqual([{ x: 1, y: 0.9 }])
  })
})
