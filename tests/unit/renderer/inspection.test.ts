// Running the trained model over its validation split for the views: the newest request wins, and a
// failure shows its message.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { Inspection, type InspectionResult } from '../../../src-renderer/lib/state/inspection.svelte'
import { deferred, service } from './fake-api'

vi.mock('../../../src-renderer/lib/api', async (original) => ({
  ...(await original<object>()),
  ...(await import('./fake-api')).api
}))

beforeEach(() => service.reset())

const result = (probe: number) => ({ probe }) as unknown as InspectionResult

describe('Inspection', () => {
  it('shows only the answer to the newest request when two are in flight', async () => {
    const slow = deferred<InspectionResult>()
    service.reply('experiments.inspect', ({ probe }) => (probe === 1 ? slow.promise : result(probe!)))
    const s = new Inspection()
    const a = s.run(3, 1)
    const b = s.run(3, 2)
    await b
    slow.resolve(result(1))
    await a
    expect(s.result).toEqual(result(2))
    expect(s.probe).toBe(2)
    expect(s.loading).toBe(false)
    expect(service.argsOf('experiments.inspect')).toEqual([
      { id: 3, probe: 1 },
      { id: 3, probe: 2 }
    ])
  })

  it("keeps the run's result on screen while another probe loads, and drops it for another run", async () => {
    const next = deferred<InspectionResult>()
    service.reply('experiments.inspect', () => result(0))
    const s = new Inspection()
    await s.run(3, 0)
    service.reply('experiments.inspect', () => next.promise)
    const p = s.run(3, 4)
    expect(s.result).toEqual(result(0))
    next.resolve(result(4))
    await p
    const q = s.run(5)
    expect(s.result).toBeNull()
    expect(s.probe).toBe(4)
    await q
  })

  it('shows a failed inspection as an error and stops loading; clear forgets the run', async () => {
    service.reply('experiments.inspect', () => {
      throw new Error('the run has no checkpoint')
    })
    const s = new Inspection()
    await s.run(2, 0)
    expect(s).toMatchObject({ error: 'the run has no checkpoint', loading: false, result: null, experimentId: 2 })
    s.clear()
    expect(s).toMatchObject({ error: null, experimentId: null })
  })
})
