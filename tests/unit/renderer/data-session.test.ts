// The Data and Model screens' own state: an import with its progress and Cancel, the debounced sequences
// preview with the service's refusal, and the time-per-epoch estimate.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../src-renderer/lib/api'
import { AppState } from '../../../src-renderer/lib/state/app-state.svelte'
import { dataSession, SequencesPreview } from '../../../src-renderer/lib/state/data-session.svelte'
import type { SequencesSummary } from '../../../src-shared/contract'
import { deferred, service } from './fake-api'
import { categorical, config, dataset, text } from './fixtures'

vi.mock('../../../src-renderer/lib/api', async (original) => ({
  ...(await original<object>()),
  ...(await import('./fake-api')).api
}))

beforeEach(() => service.reset())
afterEach(() => vi.useRealTimers())

const names = dataset(5, [text('name'), categorical('gender')], 8849)

function appWithSample(): AppState {
  const app = new AppState()
  app.info = {
    version: '0',
    mode: 'browser',
    dataDir: '/tmp',
    samples: [
      {
        id: 'first-names',
        title: 'English first names',
        description: '',
        suggested: { mapping: 'one-to-many', target: 'name', condition: 'gender', tokens: 'char' }
      }
    ]
  }
  service.reply('datasets.list', () => [names])
  service.reply('datasets.get', ({ id }) => (id === 5 ? names : dataset(id)))
  return app
}

function summary(over: Partial<SequencesSummary> = {}): SequencesSummary {
  return {
    mapping: 'many-to-one',
    task: 'regression',
    inputEncoding: 'values',
    inputSize: 1,
    outputSize: 1,
    tx: 12,
    ty: 1,
    train: 300,
    val: 90,
    shapes: { x: [300, 12, 1], y: [300, 1] },
    preview: [],
    parameters: 1000,
    warnings: [],
    ...over
  }
}

describe('DataImport', () => {
  it('imports a sample, opens it and pre-selects the mapping it suits, with progress for its own import only', async () => {
    const app = appWithSample()
    const { imports } = dataSession(app)
    expect(dataSession(app).imports).toBe(imports)
    const reply = deferred<typeof names>()
    service.reply('datasets.import', () => reply.promise)
    const importing = imports.importSample('first-names')
    expect(imports.busy).toBe('English first names')
    const { importId } = service.argsOf('datasets.import')[0]!
    service.emit('datasets.importProgress', { importId: 'other', fileName: 'x', bytes: 9, totalBytes: 10 })
    service.emit('datasets.importProgress', { importId: importId!, fileName: 'x', bytes: 25, totalBytes: 100 })
    expect(imports.fraction).toBe(0.25)
    reply.resolve(names)
    await importing
    expect(imports.busy).toBeNull()
    expect(app.dataset?.id).toBe(5)
    expect(app.config).toMatchObject({ mapping: 'one-to-many', source: 'text', target: 'name', condition: 'gender' })
  })

  it('refuses a file over the import limit before reading it', async () => {
    const { imports } = dataSession(appWithSample())
    await imports.importFile({ name: 'huge.csv', size: 600 * 2 ** 20 } as File)
    expect(imports.error).toBe('"huge.csv" is 600 MB; the largest CSV the workbench imports is 512 MB')
    expect(service.calls).toEqual([])
  })

  it("shows a failed import's message and leaves the open dataset as it was", async () => {
    const app = appWithSample()
    const { imports } = dataSession(app)
    service.reply('datasets.import', () => {
      throw new ApiError({ name: 'CsvError', message: 'line 3, column 2: unterminated quote' })
    })
    await imports.importFile(new File(['a,b\n1,"2\n'], 'bad.csv'))
    expect(imports).toMatchObject({ error: 'line 3, column 2: unterminated quote', busy: null, notice: null })
    expect(app.dataset).toBeNull()
    expect(service.argsOf('datasets.import')[0]!.source).toEqual({
      kind: 'bytes',
      fileName: 'bad.csv',
      base64: Buffer.from('a,b\n1,"2\n').toString('base64')
    })
  })

  it('cancels: retries until the service knows the import, then says nothing was stored', async () => {
    vi.useFakeTimers()
    const { imports } = dataSession(appWithSample())
    const reply = deferred<typeof names>()
    service.reply('datasets.import', () => reply.promise)
    let asked = 0
    service.reply('datasets.cancelImport', () => {
      asked++
      if (asked === 2) reply.reject(new ApiError({ name: 'ImportCancelled', message: 'import cancelled' }))
      return { ok: asked === 2 }
    })
    const importing = imports.importSample('first-names')
    const cancelling = imports.cancel()
    await vi.advanceTimersByTimeAsync(150)
    await cancelling
    await importing
    expect(asked).toBe(2)
    expect(imports.notice).toBe('Import of English first names cancelled; nothing was stored.')
    expect(imports).toMatchObject({ error: null, busy: null, cancelling: false })
  })

  it('reads the dataset on screen again in its place, and says so when a stored reading was opened instead', async () => {
    const app = appWithSample()
    const { imports } = dataSession(app)
    await app.refreshDatasets()
    await app.openDataset(5)
    const recoded = { ...names, id: 6, importOptions: { types: { gender: 'text' as const } } }
    service.reply('datasets.import', () => recoded)
    service.reply('datasets.list', () => [recoded])
    service.reply('datasets.get', ({ id }) => (id === 6 ? recoded : id === 5 ? names : dataset(id)))
    app.config.missing = 'drop'
    await imports.retype('gender', 'text')
    expect(service.argsOf('datasets.import')[0]).toMatchObject({
      name: names.name,
      source: { kind: 'dataset', datasetId: 5, replace: true },
      options: { types: { gender: 'text' } },
      reuse: true
    })
    expect(app.dataset?.id).toBe(6)
    expect(imports.notice).toBeNull()
    // the same file read with other options keeps the settings made for it
    expect(app.config).toMatchObject({ missing: 'drop', carried: null })
    // back to the inferred type: the service answers with the stored dataset of that reading
    service.reply('datasets.list', () => [recoded, names])
    await app.refreshDatasets()
    service.reply('datasets.import', () => names)
    await imports.retype('gender', 'auto')
    expect(service.argsOf('datasets.import')[1]).toMatchObject({ options: {}, reuse: true })
    expect(app.dataset?.id).toBe(5)
    expect(app.config.missing).toBe('drop')
    expect(imports.notice).toBe(`"${names.name}" already holds this file read this way: opened it instead of a copy.`)
    // another file starts its own settings over
    await app.openDataset(7)
    expect(app.config.missing).toBe('report')
    expect(app.config.carried?.dataset).toBe('data 7')
  })

  it('asks the service for a stored reading of a file or sample rather than a copy, and says when it got one', async () => {
    const app = appWithSample()
    const { imports } = dataSession(app)
    service.reply('datasets.import', () => names)
    await imports.importSample('first-names')
    expect(imports.notice).toBeNull()
    await imports.importFile(new File(['a,b\n1,2\n'], 'ab.csv'))
    expect(service.argsOf('datasets.import').map((a) => a.reuse)).toEqual([true, true])
    expect(imports.notice).toBe(`"${names.name}" already holds this file read this way: opened it instead of a copy.`)
  })
})

describe('SequencesPreview', () => {
  it('asks once for the latest config after the form has been quiet, and not again for the same one', async () => {
    vi.useFakeTimers()
    service.reply('datasets.sequences', () => summary())
    const p = new SequencesPreview()
    p.request(1, config({ window: 6 }))
    p.request(1, config({ window: 8 }))
    expect(p.loading).toBe(true)
    await vi.advanceTimersByTimeAsync(300)
    expect(service.argsOf('datasets.sequences').map((a) => a.config.window)).toEqual([8])
    expect(p).toMatchObject({ loading: false, refusal: null })
    expect(p.summary?.train).toBe(300)
    p.request(1, config({ window: 8 }))
    await vi.advanceTimersByTimeAsync(300)
    expect(service.calls).toHaveLength(1)
  })

  it("shows the service's refusal with the fields it names, and a cleared form shows nothing", async () => {
    vi.useFakeTimers()
    service.reply('datasets.sequences', () => {
      throw new ApiError({
        name: 'ValidationError',
        message: 'window: must be below the training rows',
        issues: [{ path: 'window', message: 'must be below the training rows' }]
      })
    })
    const p = new SequencesPreview()
    p.request(1, config({ window: 4000 }), 0)
    await vi.advanceTimersByTimeAsync(0)
    expect(p.refusal).toEqual({
      message: 'window: must be below the training rows',
      issues: [{ path: 'window', message: 'must be below the training rows' }]
    })
    expect(p.summary).toBeNull()
    p.request(null, null)
    expect(p).toMatchObject({ refusal: null, summary: null, loading: false })
  })

  it('ignores the answer to a config the form has since left', async () => {
    vi.useFakeTimers()
    const first = deferred<SequencesSummary>()
    service.reply('datasets.sequences', ({ config: c }) => (c.window === 6 ? first.promise : summary({ tx: 8 })))
    const p = new SequencesPreview()
    p.request(1, config({ window: 6 }), 0)
    await vi.advanceTimersByTimeAsync(0)
    p.request(1, config({ window: 8 }), 0)
    await vi.advanceTimersByTimeAsync(0)
    first.resolve(summary({ tx: 6 }))
    await vi.advanceTimersByTimeAsync(0)
    expect(p.summary?.tx).toBe(8)
  })

  it("estimates an epoch from this machine's calibration, asked of the service once", async () => {
    const cal = { engine: 'wasm · cpu', secondsPerStep: 2e-6, secondsPerMac: 1e-9, measuredAt: '2026-01-02T03:04:05Z' }
    service.reply('engine.calibration', () => cal)
    const p = new SequencesPreview()
    const model = config({ model: { cell: 'gru', hiddenSize: 10, numLayers: 1 } })
    expect(p.epochSeconds(model)).toBeNull() // no preview yet
    p.summary = summary({ inputSize: 2, tx: 24, train: 300, val: 90 })
    expect(p.epochSeconds(model)).toBeNull() // not calibrated yet
    await p.calibrate()
    await p.calibrate()
    expect(service.argsOf('engine.calibration')).toHaveLength(1)
    // GRU: 3 gates × 10 × (2 + 10) multiply-adds per step over 24 steps, plus the output layer (10 × 1)
    const macs = 24 * 3 * 10 * 12 + 10
    const est = p.epochSeconds(model)!
    expect(est.seconds).toBeCloseTo((300 + 90 / 3) * (24 * 2e-6 + macs * 1e-9), 12)
    expect(est.how).toContain('wasm · cpu')
  })

  it('follows the calibration: a machine measured twice as slow estimates twice the time', async () => {
    let cal = { engine: 'a', secondsPerStep: 1e-6, secondsPerMac: 5e-10, measuredAt: '2026-01-02T03:04:05Z' }
    service.reply('engine.calibration', () => cal)
    const model = config({ model: { cell: 'lstm', hiddenSize: 64, numLayers: 2 } })
    const fast = new SequencesPreview()
    fast.summary = summary()
    await fast.calibrate()
    cal = { ...cal, secondsPerStep: 2e-6, secondsPerMac: 1e-9 }
    const slow = new SequencesPreview()
    slow.summary = summary()
    await slow.calibrate()
    expect(slow.epochSeconds(model)!.seconds).toBeCloseTo(2 * fast.epochSeconds(model)!.seconds, 12)
    expect(slow.epochSeconds({ ...model, precision: 'float64' })).toBeNull()
  })
})

describe('dataSession', () => {
  it('belongs to one AppState', () => {
    const a = new AppState()
    const b = new AppState()
    expect(dataSession(a)).toBe(dataSession(a))
    expect(dataSession(a)).not.toBe(dataSession(b))
  })
})
