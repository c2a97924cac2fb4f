// The live run's progress bar, speed, ETA and ending, driven by the service's training events.
import { describe, expect, it } from 'vitest'
import { LiveRun } from '../../../src-renderer/lib/state/live-run.svelte'
import { epochEvent, progress } from './fixtures'

describe('LiveRun', () => {
  it('is active from begin until the run ends, and begin clears what the previous run left', () => {
    const live = new LiveRun()
    expect(live.active).toBe(false)
    live.begin(4)
    live.started(7)
    live.epochDone(epochEvent(7, 2))
    live.finished({ experimentId: 7, status: 'failed', trainLoss: 0.4, valLoss: null, error: 'NaN loss' })
    expect(live.active).toBe(false)
    expect(live.error).toBe('NaN loss')

    live.begin(10)
    expect(live.phase).toBe('starting')
    expect(live.active).toBe(true)
    expect(live).toMatchObject({ id: null, epoch: 0, epochs: 10, fraction: 0, trainLoss: null, error: null })
  })

  it('counts the share of all steps done from progress, and an epoch-end flush (totalSteps 0) moves nothing', () => {
    const live = new LiveRun()
    live.begin(4)
    live.progress(progress(3, { epoch: 2, step: 5, stepsPerEpoch: 10, totalSteps: 40, etaSeconds: 6 }))
    expect(live.phase).toBe('running')
    expect(live.status).toBe('running')
    expect(live.fraction).toBeCloseTo(15 / 40)
    expect(live.etaSeconds).toBe(6)
    live.progress(progress(3, { epoch: 3, step: 0, totalSteps: 0, seqPerSec: 80, elapsedSeconds: 99 }))
    expect(live.epoch).toBe(2)
    expect(live.fraction).toBeCloseTo(15 / 40)
    expect(live.elapsedSeconds).not.toBe(99)
    expect(live.seqPerSec).toBe(80)
  })

  it('never moves back when an epoch event arrives after progress already in the next epoch', () => {
    const live = new LiveRun()
    live.begin(4)
    live.started(3)
    live.progress(progress(3, { epoch: 3, step: 2, elapsedSeconds: 5 }))
    live.epochDone(epochEvent(3, 2, { seconds: 2, trainLoss: 0.3, valLoss: 0.35 }))
    expect(live.epoch).toBe(3)
    expect(live.fraction).toBeCloseTo(22 / 40)
    expect(live.elapsedSeconds).toBe(5)
    expect(live).toMatchObject({ trainLoss: 0.3, valLoss: 0.35 })
    live.epochDone(epochEvent(3, 3, { seconds: 4 }))
    expect(live.elapsedSeconds).toBe(6)
    expect(live.fraction).toBeCloseTo(3 / 4)
  })

  it('fills the bar only for a completed run; a stopped one keeps how far it got', () => {
    const a = new LiveRun()
    a.follow(1, 1, 4)
    a.finished({ experimentId: 1, status: 'completed', trainLoss: 0.1, valLoss: 0.2, error: null })
    expect(a).toMatchObject({ phase: 'ended', status: 'completed', fraction: 1, etaSeconds: null })
    const b = new LiveRun()
    b.follow(2, 1, 4)
    b.finished({ experimentId: 2, status: 'stopped', trainLoss: 0.1, valLoss: 0.2, error: null })
    expect(b).toMatchObject({ phase: 'ended', status: 'stopped', fraction: 0.25 })
  })

  it('follows a run that was already training with its epochs done', () => {
    const live = new LiveRun()
    live.follow(5, 3, 12)
    expect(live).toMatchObject({ id: 5, phase: 'running', status: 'running', epoch: 3, epochs: 12, fraction: 0.25 })
  })

  it('enters stopping only while active, and a failed start goes back to idle with the message', () => {
    const live = new LiveRun()
    live.stopping()
    expect(live.phase).toBe('idle')
    live.begin(2)
    live.stopping()
    expect(live.phase).toBe('stopping')
    expect(live.active).toBe(true)
    live.begin(2)
    live.failedToStart('dataset 3 does not exist')
    expect(live.phase).toBe('idle')
    expect(live.active).toBe(false)
    expect(live.error).toBe('dataset 3 does not exist')
  })
})
