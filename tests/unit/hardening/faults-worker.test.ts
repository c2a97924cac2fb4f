// Faults inside training: NaN/Inf mid-run (a huge learning rate without clipping) fails the run naming
// the epoch and step, or — with nanPolicy 'revert' — reverts to the last good weights and goes on; a
// worker that dies (out of memory via resourceLimits, or an exception) fails only its own run while the
// service and the other runs carry on; a config over the memory budget is refused before it starts.
import { EventEmitter } from 'node:events'
import { Worker } from 'node:worker_threads'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Workbench, WorkbenchOptions } from '../../../src-main/services/workbench'
import type { WorkerFactory } from '../../../src-main/services/worker-factory'
import { openWorkbench, tempDir, WORKER_BUNDLE } from '../../helpers/workbench'

const open: Workbench[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  while (open.length)
    await open
      .pop()!
      .close()
      .catch(() => {})
  while (cleanups.length) cleanups.pop()!()
})
function fresh(extra: Partial<WorkbenchOptions> = {}): Workbench {
  const t = tempDir('rnnwb-wfaults-')
  cleanups.push(t.cleanup)
  const wb = openWorkbench(join(t.dir, 'data'), 'cli', extra)
  open.push(wb)
  return wb
}
const config = {
  mapping: 'many-to-one' as const,
  target: 'CO2',
  inputs: [],
  window: 12,
  model: { cell: 'lstm' as const, hiddenSize: 8 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 4,
  batchSize: 32,
  seed: 5
}
type Cfg = Omit<typeof config, 'optimizer'> & {
  optimizer: { kind: 'adam' | 'sgd'; lr: number }
  clipNorm?: number
  nanPolicy?: 'fail' | 'revert'
}
const sample = async (wb: Workbench) =>
  (await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })).id
const intact = (wb: Workbench) => expect(wb.store.db.pragma('integrity_check', { simple: true })).toBe('ok')

describe('NaN/Inf mid-run', () => {
  const exploding: Cfg = { ...config, optimizer: { kind: 'sgd', lr: 10 }, clipNorm: 0, epochs: 6 }

  it("fails the run naming the epoch and step (nanPolicy 'fail')", async () => {
    const wb = fresh()
    const datasetId = await sample(wb)
    const { experimentId: id } = await wb.request('experiments.start', { datasetId, config: exploding })
    await wb.waitForRun(id)
    const e = await wb.request('experiments.get', { id })
    console.log(`NaN (lr 10, clipNorm 0, fail): run ${id} → ${e.status}: ${e.error}`)
    expect(e.status).toBe('failed')
    expect(e.error).toMatch(/non-finite (loss|gradient norm) \(.*\) at epoch \d+, step \d+/)
    expect(e.events.at(-1)).toMatchObject({ kind: 'failed', detail: { error: e.error } })
    // no NaN stored as a number: SQLite keeps them as NULL
    for (const p of e.epochs)
      for (const v of [p.trainLoss, p.valLoss]) expect(v === null || Number.isFinite(v)).toBe(true)
    intact(wb)
  })

  it("reverts to the last good weights and continues (nanPolicy 'revert')", async () => {
    const wb = fresh()
    const datasetId = await sample(wb)
    const { experimentId: id } = await wb.request('experiments.start', {
      datasetId,
      config: { ...exploding, nanPolicy: 'revert' }
    })
    await wb.waitForRun(id)
    const e = await wb.request('experiments.get', { id })
    const reverts = e.events.filter((v) => v.kind === 'nan')
    console.log(
      `NaN (lr 10, clipNorm 0, revert): run ${id} → ${e.status} after ${reverts.length} revert(s), ${e.epochs.length} epochs; ${JSON.stringify(reverts[0]?.detail)}`
    )
    expect(reverts.length).toBeGreaterThan(0)
    expect(reverts[0].detail).toMatchObject({
      message: expect.stringMatching(
        /non-finite .* at epoch \d+, step \d+: reverted to the weights at the start of epoch \d+ and halved the learning rate/
      )
    })
    // It went on after the first revert: later epochs were trained and recorded.
    const firstRevertEpoch = (reverts[0].detail as { epoch: number }).epoch
    expect(e.epochs.length).toBeGreaterThan(firstRevertEpoch)
    if (e.status === 'failed') expect(e.error).toMatch(/gave up after 5 reverts/)
    else expect(e.status).toBe('completed')
    intact(wb)
  })
})

/**
 * A worker factory whose training workers for `seed` run under a tiny V8 heap. The real Worker is
 * created when the task message arrives (runTask attaches listeners first), so import/sequences tasks
 * and other runs get normal workers.
 */
function limitedFactory(
  seed: number,
  resourceLimits: ConstructorParameters<typeof Worker>[1] extends infer O
    ? O extends { resourceLimits?: infer R }
      ? R
      : never
    : never
): WorkerFactory {
  return () => {
    const facade = new EventEmitter() as EventEmitter & {
      postMessage(m: unknown, t?: unknown[]): void
      terminate(): Promise<number>
    }
    let real: Worker | null = null
    facade.postMessage = (m, transfer) => {
      const msg = m as { type: string; config?: { seed?: number } }
      const limited = msg.type === 'train' && msg.config?.seed === seed
      real = new Worker(WORKER_BUNDLE, limited ? { resourceLimits } : {})
      for (const ev of ['message', 'error', 'exit'] as const) real.on(ev, (x) => facade.emit(ev, x))
      real.postMessage(m, transfer as never)
    }
    facade.terminate = async () => (real ? real.terminate() : 0)
    return facade as unknown as Worker
  }
}

describe('a worker that dies', () => {
  it('out of memory (ERR_WORKER_OUT_OF_MEMORY): only that run fails, with the reason; the service keeps serving', async () => {
    const wb = fresh({
      workerFactory: limitedFactory(666, { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 }),
      maxConcurrent: 2
    })
    const datasetId = await sample(wb)
    const { experimentId: doomed } = await wb.request('experiments.start', {
      datasetId,
      config: { ...config, seed: 666, model: { cell: 'lstm', hiddenSize: 256 }, window: 48, epochs: 50 }
    })
    const { experimentId: healthy } = await wb.request('experiments.start', {
      datasetId,
      config: { ...config, seed: 7, epochs: 3 }
    })
    await wb.waitForRun(doomed)
    const d = await wb.request('experiments.get', { id: doomed })
    console.log(`worker OOM (maxOldGenerationSizeMb 8): run ${doomed} → ${d.status}: ${d.error}`)
    expect(d.status).toBe('failed')
    expect(d.error).toMatch(/memory limit|out of memory|ERR_WORKER_OUT_OF_MEMORY/i)
    // the service answers while the other run trains, and that run completes
    expect((await wb.request('app.info', {})).mode).toBe('cli')
    expect((await wb.request('experiments.list', {})).length).toBe(2)
    await wb.waitForRun(healthy)
    const h = await wb.request('experiments.get', { id: healthy })
    expect(h.status).toBe('completed')
    expect(h.epochs).toHaveLength(3)
    // and a new run starts fine afterwards
    const { experimentId: next } = await wb.request('experiments.start', {
      datasetId,
      config: { ...config, seed: 8, epochs: 1 }
    })
    await wb.waitForRun(next)
    expect(wb.store.experiments.get(next)!.status).toBe('completed')
    intact(wb)
  })

  it('an exception in the worker: only that run fails, with the message', async () => {
    let n = 0
    const factory: WorkerFactory = () => {
      const facade = new EventEmitter() as EventEmitter & {
        postMessage(m: unknown, t?: unknown[]): void
        terminate(): Promise<number>
      }
      let real: Worker | null = null
      facade.postMessage = (m, transfer) => {
        const msg = m as { type: string; config?: { seed?: number } }
        real =
          msg.type === 'train' && msg.config?.seed === 13
            ? new Worker('setTimeout(() => { throw new RangeError("boom: simulated fault in the trainer") }, 50)', {
                eval: true
              })
            : new Worker(WORKER_BUNDLE)
        n++
        for (const ev of ['message', 'error', 'exit'] as const) real.on(ev, (x) => facade.emit(ev, x))
        real.postMessage(m, transfer as never)
      }
      facade.terminate = async () => (real ? real.terminate() : 0)
      return facade as unknown as Worker
    }
    const wb = fresh({ workerFactory: factory, maxConcurrent: 2 })
    const datasetId = await sample(wb)
    const { experimentId: bad } = await wb.request('experiments.start', { datasetId, config: { ...config, seed: 13 } })
    const { experimentId: good } = await wb.request('experiments.start', {
      datasetId,
      config: { ...config, seed: 14, epochs: 2 }
    })
    await Promise.all([wb.waitForRun(bad), wb.waitForRun(good)])
    const b = wb.store.experiments.get(bad)!
    console.log(`worker exception: run ${bad} → ${b.status}: ${b.error}`)
    expect(b.status).toBe('failed')
    expect(b.error).toMatch(/boom: simulated fault/)
    expect(wb.store.experiments.get(good)!.status).toBe('completed')
    expect(n).toBeGreaterThan(2)
    intact(wb)
  })
})

describe('memory budget', () => {
  it('refuses a config whose tensors exceed the budget before a run exists, with the figure', async () => {
    const wb = fresh({ memoryBudgetBytes: 64 * 1024 * 1024 })
    const datasetId = await sample(wb)
    const big = {
      ...config,
      model: { cell: 'lstm' as const, hiddenSize: 1024, numLayers: 4 },
      window: 4096,
      batchSize: 4096
    }
    await expect(wb.request('experiments.start', { datasetId, config: big })).rejects.toThrow(
      /needs about \d+ MB of tensor memory, more than the 64 MB budget/
    )
    expect(wb.store.experiments.list()).toEqual([])
  })
})
