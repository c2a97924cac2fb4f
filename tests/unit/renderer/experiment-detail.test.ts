// One experiment opened in the Experiments screen: loading it, the actions on it, and what a failed
// action or a switch to another experiment mid-action leaves on screen.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ExperimentDetailState } from '../../../src-renderer/lib/state/experiment-detail.svelte'
import { deferred, service } from './fake-api'
import { config, detail } from './fixtures'

vi.mock('../../../src-renderer/lib/api', async (original) => ({
  ...(await original<object>()),
  ...(await import('./fake-api')).api
}))

beforeEach(() => {
  service.reset()
  service.reply('experiments.get', ({ id }) => detail(id, { name: `run ${id}`, config: config({ seed: 7 }) }))
})

describe('ExperimentDetailState', () => {
  it('opens an experiment, and open(null) closes it', async () => {
    const s = new ExperimentDetailState()
    await s.open(3)
    expect(s.detail?.id).toBe(3)
    await s.open(null)
    expect(s.detail).toBeNull()
    expect(service.argsOf('experiments.get')).toEqual([{ id: 3 }])
  })

  it('saves an edit and re-reads the experiment, with the outcome in words', async () => {
    let name = 'run 3'
    service.reply('experiments.update', (a) => {
      name = a.name!
      return detail(3)
    })
    service.reply('experiments.get', ({ id }) => detail(id, { name }))
    const s = new ExperimentDetailState()
    await s.open(3)
    await s.save({ name: 'renamed' })
    expect(s).toMatchObject({ message: 'Saved.', busy: null, error: null })
    expect(s.detail?.name).toBe('renamed')
  })

  it('shows a failed action next to that action and keeps the experiment on screen', async () => {
    service.reply('models.export', () => {
      throw new Error('the run has no trained model')
    })
    const s = new ExperimentDetailState()
    await s.open(3)
    await s.export('onnx')
    expect(s).toMatchObject({ error: 'the run has no trained model', errorOf: 'export', busy: null, lastExport: null })
    expect(s.detail?.id).toBe(3)
  })

  it('runs one action at a time: a second one while the first is busy is ignored', async () => {
    const del = deferred<{ ok: boolean }>()
    service.reply('experiments.delete', () => del.promise)
    service.reply('experiments.duplicate', () => ({ experimentId: 9 }))
    const s = new ExperimentDetailState()
    await s.open(3)
    const removing = s.remove()
    expect(s.busy).toBe('delete')
    expect(await s.duplicate()).toBeUndefined()
    expect(service.argsOf('experiments.duplicate')).toEqual([])
    del.resolve({ ok: true })
    expect(await removing).toBe(true)
    expect(s).toMatchObject({ id: null, detail: null, busy: null })
  })

  it('repeats a run over the seeds after its own', async () => {
    service.reply('experiments.repeat', ({ seeds }) => ({ experimentIds: seeds.map((_, i) => 10 + i) }))
    const s = new ExperimentDetailState()
    await s.open(3)
    await s.repeat(3)
    expect(service.argsOf('experiments.repeat')).toEqual([{ id: 3, seeds: [8, 9, 10] }])
    expect(s.message).toBe('Queued 3 runs with seeds 8, 9, 10.')
  })

  it("does not put an action's failure on an experiment opened while it ran", async () => {
    const failing = deferred<never>()
    service.reply('models.predict', () => failing.promise)
    const s = new ExperimentDetailState()
    await s.open(3)
    const predicting = s.predict(undefined, { steps: 5 })
    await s.open(4)
    failing.reject(new Error('dataset 2 does not exist'))
    await predicting
    expect(s).toMatchObject({ id: 4, error: null, busy: null })
    expect(s.detail?.id).toBe(4)
    expect(service.argsOf('models.predict')).toEqual([{ id: 3, steps: 5 }])
  })
})
