// The Data and Model screens' own state: an import with its progress and Cancel, the debounced sequences
// preview with the service's refusal, and the time-per-epoch estimate.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../src-renderer/lib/api'
import { AppState } from '../../../src-renderer/lib/state/app-state.svelte'
import { dataSession, SequencesPreview, stepsOf } from '../../../src-renderer/lib/state/data-session.svelte'
import type { SequencesSummary } from '../../../src-shared/contract'
import { deferred, service } from './fake-api'
import { categorical, config, dataset, experiment, text } from './fixtures'

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

  it('estimates an epoch from the newest completed run that measured its speed, scaled by parameters × steps', async () => {
    const runs = [
      experiment(1, { finishedAt: '2026-01-02T00:00:00Z', seqPerSec: 200 }),
      experiment(2, { finishedAt: '2026-01-03T00:00:00Z', seqPerSec: 100, name: 'newest' }),
      experiment(3, { finishedAt: '2026-01-04T00:00:00Z', seqPerSec: null }),
      experiment(4, { finishedAt: '2026-01-05T00:00:00Z', status: 'failed' })
    ]
    service.reply('datasets.sequences', ({ config: c }) =>
      c.window === 12 ? summary({ parameters: 500, tx: 12, train: 100 }) : summary()
    )
    const p = new SequencesPreview()
    p.request(1, config({ window: 24 }), 0)
    await p.calibrate(runs)
    expect(service.argsOf('datasets.sequences')[0]!.datasetId).toBe(1)
    expect(p.reference).toEqual({ id: 2, name: 'newest', seqPerSec: 100, work: 500 * 12 })
    p.summary = summary({ parameters: 1000, tx: 24, train: 300, val: 90 })
    const est = p.epochSeconds()!
    expect(est.seconds).toBeCloseTo(((300 + 90 / 3) * 1000 * 24) / (100 * 500 * 12))
    expect(est.how).toContain('"newest" (100 seq/s)')
    await p.calibrate(runs)
    expect(service.argsOf('datasets.sequences')).toHaveLength(1)
  })

  it('falls back to a FLOP model before any run is measured; seq2seq runs encoder and decoder steps', () => {
    const p = new SequencesPreview()
    expect(p.epochSeconds()).toBeNull()
    p.summary = summary({ parameters: 1000, tx: 10, train: 150, val: 150 })
    expect(p.epochSeconds()!.seconds).toBeCloseTo((200 * 6 * 1000 * 10) / 1.5e9)
    expect(stepsOf({ mapping: 'seq2seq', tx: 10, ty: 4 })).toBe(14)
    expect(stepsOf({ mapping: 'many-to-many', tx: 10, ty: 10 })).toBe(10)
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
