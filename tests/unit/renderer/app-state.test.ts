// The window's state: start-up, training from the form, the service's training events (batched, and
// held while `experiments.start` has not answered), the experiment list, reconnecting, and what each
// failed call leaves on screen.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { changesFrom } from '../../../src-renderer/lib/state/copy-note'
import { AppState } from '../../../src-renderer/lib/state/app-state.svelte'
import type { ExperimentSummary } from '../../../src-shared/contract'
import { deferred, service, settle } from './fake-api'
import { config, dataset, detail, epochEvent, experiment, progress } from './fixtures'

vi.mock('../../../src-renderer/lib/api', async (original) => ({
  ...(await original<object>()),
  ...(await import('./fake-api')).api
}))

let experiments: ExperimentSummary[]

beforeEach(() => {
  service.reset()
  experiments = [experiment(2), experiment(1)]
  service.reply('app.info', () => ({ version: '1', mode: 'browser', dataDir: '/tmp', samples: [] }))
  service.reply('datasets.list', () => [dataset(2), dataset(1)])
  service.reply('datasets.get', ({ id }) => dataset(id))
  service.reply('experiments.list', () => experiments)
  service.reply('experiments.get', ({ id }) => detail(id, { steps: [{ step: 1, epoch: 1, loss: 0.9 }] }))
  service.reply('experiments.diagnostics', () => [])
})

async function started(): Promise<AppState> {
  const app = new AppState()
  await app.init()
  await settle()
  return app
}

describe('AppState start-up', () => {
  it('opens the newest dataset and follows a run that is still training', async () => {
    experiments = [experiment(3, { status: 'running', epochsDone: 2, config: config({ epochs: 4 }) }), experiment(1)]
    const app = await started()
    expect(app.ready).toBe(true)
    expect(app.dataset?.id).toBe(2)
    expect(app.config.target).toBe('y') // named like a label: the default target
    expect(app.live).toMatchObject({ id: 3, phase: 'running', fraction: 0.5 })
    expect(app.viewedId).toBe(3)
    expect(app.viewed?.id).toBe(3)
    expect(app.series.steps).toEqual([{ x: 1, y: 0.9 }])
  })

  it('shows the newest run when nothing trains, and a service it cannot reach as fatal', async () => {
    const app = await started()
    expect(app.live.phase).toBe('idle')
    expect(app.viewedId).toBe(2)
    service.reply('app.info', () => {
      throw new Error('cannot reach the workbench server — is it still running?')
    })
    const down = await started()
    expect(down).toMatchObject({ ready: true, fatal: 'cannot reach the workbench server — is it still running?' })
  })
})

describe('AppState training', () => {
  it('holds the events that arrive before experiments.start answers and replays them to the new run', async () => {
    const app = await started()
    const start = deferred<{ experimentId: number }>()
    service.reply('experiments.start', () => start.promise)
    const training = app.train()
    expect(app.live.phase).toBe('starting')
    expect(app.series.empty).toBe(true)
    service.emit('training.progress', progress(9, { epoch: 1, step: 10, steps: [{ step: 10, epoch: 1, loss: 0.7 }] }))
    service.emit('training.epoch', epochEvent(9, 1))
    await settle()
    expect(app.live.epoch).toBe(0)
    start.resolve({ experimentId: 9 })
    await training
    expect(app.live).toMatchObject({ id: 9, phase: 'running', epoch: 1, trainLoss: 1 })
    expect(app.viewedId).toBe(9)
    expect(app.series.steps).toEqual([{ x: 10, y: 0.7 }])
    expect(app.series.train).toEqual([{ x: 10, y: 1 }])
    expect(service.argsOf('experiments.start')[0]).toMatchObject({ datasetId: 2, config: { target: 'y' } })
  })

  it('goes back to idle with the message when the run cannot start', async () => {
    const app = await started()
    service.reply('experiments.start', () => {
      throw new Error('config.window: must be below the training rows')
    })
    await app.train()
    expect(app.live).toMatchObject({
      phase: 'idle',
      active: false,
      error: 'config.window: must be below the training rows'
    })
  })

  it('sends nothing while the form has a problem', async () => {
    const app = await started()
    app.config.hiddenSize = 0
    await app.train()
    expect(service.argsOf('experiments.start')).toEqual([])
  })

  it("keeps a listed run's epoch current from its epoch events (never moving back), and re-reads the run when it finishes", async () => {
    experiments = [experiment(3, { status: 'running', epochsDone: 1 }), experiment(1)]
    const app = await started()
    const gets = service.argsOf('experiments.get').length
    service.emit('training.epoch', epochEvent(3, 2, { trainLoss: 0.25, valLoss: 0.3 }))
    service.emit('training.epoch', epochEvent(1, 3))
    await settle()
    expect(app.experiments[0]).toMatchObject({ epochsDone: 2, trainLoss: 0.25, valLoss: 0.3 })
    expect(app.experiments[1]!.epochsDone).toBe(4)
    expect(app.live.epoch).toBe(2)
    experiments = [experiment(3, { status: 'completed' }), experiment(1)]
    service.emit('training.finished', {
      experimentId: 3,
      status: 'completed',
      trainLoss: 0.2,
      valLoss: 0.3,
      error: null
    })
    await settle()
    expect(app.live).toMatchObject({ phase: 'ended', status: 'completed', fraction: 1 })
    expect(app.experiments[0]!.status).toBe('completed')
    expect(service.argsOf('experiments.get').length).toBe(gets + 1)
  })

  it('shows why a pause or a stop failed', async () => {
    experiments = [experiment(3, { status: 'running', epochsDone: 1 })]
    const app = await started()
    service.reply('experiments.pause', () => ({ ok: false }))
    await app.pause()
    expect(app.controlError).toBe('The run could not be paused (it may be finishing).')
    service.reply('experiments.stop', () => {
      throw new Error('experiment 3 is not running')
    })
    await app.stop()
    expect(app.live).toMatchObject({ phase: 'stopping', error: 'experiment 3 is not running' })
  })

  it('follows a stopped run it resumes when nothing else trains in this window', async () => {
    experiments = [experiment(4, { status: 'stopped', epochsDone: 3, config: config({ epochs: 6 }) })]
    const app = await started()
    service.reply('experiments.resume', () => ({ ok: true }))
    await app.resume(4)
    expect(app.live).toMatchObject({ id: 4, phase: 'running', epoch: 3, fraction: 0.5 })
    expect(app.controlError).toBeNull()
  })
})

describe('AppState lists and views', () => {
  it('coalesces list refreshes made while one is in flight into one more, and keeps the list when one fails', async () => {
    const app = await started()
    const before = service.argsOf('experiments.list').length
    const gate = deferred<ExperimentSummary[]>()
    service.reply('experiments.list', () => gate.promise)
    const a = app.refreshExperiments()
    void app.refreshExperiments()
    void app.refreshExperiments()
    gate.resolve([experiment(5)])
    await a
    expect(service.argsOf('experiments.list').length).toBe(before + 2)
    service.reply('experiments.list', () => {
      throw new Error('database is locked')
    })
    await app.refreshExperiments()
    expect(app.experiments.map((e) => e.id)).toEqual([5])
  })

  it('ticks at most ten runs for Compare, dropping the oldest tick', () => {
    const app = new AppState()
    for (let id = 1; id <= 12; id++) app.toggleSelected(id, true)
    app.toggleSelected(5, false)
    expect(app.selection).toEqual([3, 4, 6, 7, 8, 9, 10, 11, 12])
  })

  it('shows a failed view as an error with an empty chart, and ignores an answer for a run no longer viewed', async () => {
    const app = await started()
    const slow = deferred<ReturnType<typeof detail>>()
    service.reply('experiments.get', ({ id }) => (id === 1 ? slow.promise : detail(id)))
    const first = app.view(1)
    await app.view(2)
    slow.resolve(detail(1, { steps: [{ step: 1, epoch: 1, loss: 5 }] }))
    await first
    expect(app.series.experimentId).toBe(2)
    expect(app.series.steps).toEqual([])
    service.reply('experiments.get', () => {
      throw new Error('experiment 7 does not exist')
    })
    await app.view(7)
    expect(app.viewError).toBe('experiment 7 does not exist')
    expect(app.series.experimentId).toBeNull()
  })

  it("opens a dataset imported elsewhere, but not while this window's own import runs", async () => {
    const app = await started()
    service.reply('datasets.list', () => [dataset(3), dataset(2), dataset(1)])
    service.emit('datasets.changed', { datasetId: 3 })
    await settle()
    expect(app.dataset?.id).toBe(3)
    const importing = deferred<ReturnType<typeof dataset>>()
    service.reply('datasets.import', () => importing.promise)
    const own = app.importSample('co2')
    service.emit('datasets.changed', { datasetId: 1 })
    await settle()
    expect(app.dataset?.id).toBe(3)
    importing.resolve(dataset(4))
    await own
    expect(app.dataset?.id).toBe(4)
    expect(app.importing).toBeNull()
  })

  it("shows a failed import's message and keeps the open dataset", async () => {
    const app = await started()
    service.reply('datasets.import', () => {
      throw new Error('line 2, column 3: not a number')
    })
    await app.importSample('co2')
    expect(app).toMatchObject({ importError: 'line 2, column 3: not a number', importing: null })
    expect(app.dataset?.id).toBe(2)
    await app.importFile({ name: 'big.csv', size: 513 * 2 ** 20 } as File)
    expect(app.importError).toContain('the largest CSV the workbench imports is 512 MB')
  })

  it('re-reads what is on screen after the event stream comes back, ending a run that finished meanwhile', async () => {
    experiments = [experiment(3, { status: 'running', epochsDone: 1 })]
    const app = await started()
    service.setConnection('retrying')
    expect(app.connection).toBe('retrying')
    experiments = [experiment(3, { status: 'completed', epochsDone: 4, trainLoss: 0.1, valLoss: 0.2 })]
    const gets = service.argsOf('experiments.get').length
    service.setConnection('open')
    await settle()
    expect(app.live).toMatchObject({ phase: 'ended', status: 'completed', trainLoss: 0.1, valLoss: 0.2 })
    expect(service.argsOf('experiments.get').length).toBe(gets + 1)
  })

  it("puts an earlier run's settings and dataset back into the form", async () => {
    experiments = [experiment(2, { datasetId: 1, config: config({ window: 5, model: { hiddenSize: 17 } }) })]
    const app = await started()
    await app.reuse(2)
    expect(app.dataset?.id).toBe(1)
    expect(app.config).toMatchObject({ window: 5, hiddenSize: 17 })
    // the form says it is a copy of #2, and what has been changed since
    expect(app.copyOf).toMatchObject({ id: 2 })
    expect(changesFrom(app.copyOf!.base, app.config.toConfig())).toEqual([])
    app.config.hiddenSize = 64
    app.config.epochs = 9
    expect(changesFrom(app.copyOf!.base, app.config.toConfig())).toEqual(['hidden size 17 → 64', 'epochs 4 → 9'])
  })
})
