// The training-event coalescer between the service and a window: at most one delivery per run per
// interval, nothing lost, order kept (merged progress, then the held epochs, then anything else).
import { describe, expect, it } from 'vitest'
import { coalesceTrainingEvents, type Clock } from '../../../../src-main/shell/event-coalescer'

/** A manual clock: timers fire only when `advance` passes their time. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 1000
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++seq
      timers.set(id, { at: now + ms, fn })
      return id as unknown as ReturnType<typeof setTimeout>
    },
    clearTimeout: (t) => {
      timers.delete(t as unknown as number)
    },
    advance(ms) {
      const end = now + ms
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        now = due[1].at
        timers.delete(due[0])
        due[1].fn()
      }
      now = end
    }
  }
}

const progress = (experimentId: number, from: number, n: number) => ({
  experimentId,
  epoch: 1,
  epochs: 9,
  step: from + n - 1,
  stepsPerEpoch: 100,
  totalSteps: 900,
  elapsedSeconds: from / 100,
  etaSeconds: 1,
  seqPerSec: 10,
  steps: Array.from({ length: n }, (_, i) => ({ step: from + i, epoch: 1, loss: 1 / (from + i) }))
})

describe('coalesceTrainingEvents', () => {
  it('delivers at most once per 100 ms per run and loses no step', () => {
    const clock = fakeClock()
    const got: { t: number; event: string; payload: { experimentId?: number; steps?: { step: number }[] } }[] = []
    const c = coalesceTrainingEvents(
      (event, payload) => got.push({ t: clock.now(), event, payload: payload as never }),
      100,
      clock
    )
    // Two runs, each reporting every 5 ms for 2 s (200 messages a second each).
    let step = 1
    for (let i = 0; i < 400; i++) {
      c.push('training.progress', progress(1, step, 2))
      c.push('training.progress', progress(2, step, 2))
      step += 2
      clock.advance(5)
    }
    clock.advance(200)
    for (const run of [1, 2]) {
      const mine = got.filter((g) => g.payload.experimentId === run)
      for (let k = 1; k < mine.length; k++) expect(mine[k]!.t - mine[k - 1]!.t).toBeGreaterThanOrEqual(100)
      expect(mine.length).toBeLessThanOrEqual(21)
      expect(mine.length).toBeGreaterThanOrEqual(19)
      const steps = mine.flatMap((g) => g.payload.steps!.map((s) => s.step))
      expect(steps).toEqual(Array.from({ length: 800 }, (_, i) => i + 1))
    }
    c.close()
  })

  it('keeps the order: merged progress, then the held epochs; a finish delivers what is held first', () => {
    const clock = fakeClock()
    const got: string[] = []
    const c = coalesceTrainingEvents(
      (event, payload) => {
        const p = payload as { epoch?: number; steps?: { step: number }[] }
        got.push(
          event === 'training.progress'
            ? `progress ${p.steps!.map((s) => s.step).join(',')}`
            : event === 'training.epoch'
              ? `epoch ${p.epoch}`
              : event
        )
      },
      100,
      clock
    )
    c.push('training.progress', progress(7, 1, 1)) // first one goes out at once
    clock.advance(10)
    c.push('training.epoch', { experimentId: 7, epoch: 1, trainLoss: 1, valLoss: 1, seconds: 0.01 })
    c.push('training.progress', progress(7, 2, 1))
    c.push('training.epoch', { experimentId: 7, epoch: 2, trainLoss: 1, valLoss: 1, seconds: 0.01 })
    c.push('datasets.changed', { datasetId: 3 }) // about no run: straight through
    expect(got).toEqual(['progress 1', 'datasets.changed'])
    clock.advance(89)
    expect(got).toHaveLength(2)
    clock.advance(1)
    expect(got).toEqual(['progress 1', 'datasets.changed', 'progress 2', 'epoch 1', 'epoch 2'])
    c.push('training.progress', progress(7, 3, 2))
    c.push('training.finished', { experimentId: 7, status: 'completed', trainLoss: 1, valLoss: 1, error: null })
    expect(got.slice(5)).toEqual(['progress 3,4', 'training.finished'])
    clock.advance(1000)
    expect(got).toHaveLength(7)
  })

  it('close cancels what is held', () => {
    const clock = fakeClock()
    const got: string[] = []
    const c = coalesceTrainingEvents((event) => got.push(event), 100, clock)
    c.push('training.progress', progress(1, 1, 1))
    c.push('training.progress', progress(1, 2, 1))
    c.close()
    clock.advance(500)
    expect(got).toEqual(['training.progress'])
  })
})
