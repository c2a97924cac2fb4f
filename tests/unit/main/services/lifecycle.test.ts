import { afterEach, describe, expect, it } from 'vitest'
import { Worker } from 'node:worker_threads'
import type { Workbench, WorkbenchOptions } from '../../../../src-main/services/workbench'
import { openWorkbench, SOURCE_ENTRY, tempDir } from '../../../helpers/workbench'
import { workerFactoryFor } from '../../../../src-main/services/worker-factory'
import { experimentConfig } from '../../../../src-shared/contract'

const open: Workbench[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  while (open.length) await open.pop()!.close()
  while (cleanups.length) cleanups.pop()!()
})
function fresh(extra: Partial<WorkbenchOptions> = {}, dir?: string): { wb: Workbench; dir: string } {
  if (!dir) {
    const t = tempDir()
    cleanups.push(t.cleanup)
    dir = t.dir
  }
  const wb = openWorkbench(dir, 'cli', extra)
  open.push(wb)
  return { wb, dir }
}

const config = {
  mapping: 'many-to-one' as const,
  target: 'CO2',
  inputs: [],
  window: 12,
  model: { cell: 'lstm' as const, hiddenSize: 8 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 3,
  batchSize: 64,
  seed: 5
}

async function withSample(wb: Workbench): Promise<number> {
  return (await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })).id
}
const once = <T>(wb: Workbench, event: Parameters<Workbench['on']>[0], pred: (p: T) => boolean = () => true) =>
  new Promise<T>((resolve) => {
    const off = wb.on(event, (p) => {
      if (pred(p as T)) {
        off()
        resolve(p as T)
      }
    })
  })

describe('experiment lifecycle', () => {
  it('pauses and resumes a run, which then completes with all its epochs', async () => {
    const { wb } = fresh()
    const datasetId = await withSample(wb)
    const { experimentId: id } = await wb.request('experiments.start', { datasetId, config: { ...config, epochs: 40 } })
    await once(wb, 'training.epoch')
    expect((await wb.request('experiments.pause', { id })).ok).toBe(true)
    await once(wb, 'experiments.changed', () => wb.store.experiments.get(id)!.status === 'paused')
    const frozen = wb.store.experiments.get(id)!.epochsDone
    await new Promise((r) => setTimeout(r, 300))
    expect(wb.store.experiments.get(id)!.epochsDone).toBe(frozen)
    expect((await wb.request('experiments.resume', { id })).ok).toBe(true)
    await wb.waitForRun(id)
    const e = await wb.request('experiments.get', { id })
    expect(e.status).toBe('completed')
    expect(e.epochs).toHaveLength(40)
    expect(e.events.map((v) => v.kind)).toEqual(['started', 'paused', 'resumed', 'completed'])
  })

  it('resumes a stopped run from its last checkpoint with exactly the losses of an uninterrupted run', async () => {
    const { wb } = fresh({ maxConcurrent: 1 })
    const datasetId = await withSample(wb)
    // stopped from a progress event of epoch 3 (epochs themselves reach main about once a second)
    const cfg = { ...config, epochs: 60, batchSize: 16 }
    const { experimentId: ref } = await wb.request('experiments.start', { datasetId, config: cfg })
    await wb.waitForRun(ref)
    const { experimentId: id } = await wb.request('experiments.start', { datasetId, config: cfg })
    await once(
      wb,
      'training.progress',
      (e: { experimentId: number; epoch: number }) => e.experimentId === id && e.epoch >= 3
    )
    await wb.request('experiments.stop', { id })
    await wb.waitForRun(id)
    expect(wb.store.experiments.get(id)!.status).toBe('stopped')
    expect(wb.store.experiments.get(id)!.epochsDone).toBeLessThan(cfg.epochs)
    expect((await wb.request('experiments.resume', { id })).ok).toBe(true)
    await wb.waitForRun(id)
    const [a, b] = await Promise.all([ref, id].map((i) => wb.request('experiments.get', { id: i })))
    expect(b.status).toBe('completed')
    expect(b.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss])).toEqual(
      a.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss])
    )
    expect(b.steps.map((s) => s.loss)).toEqual(a.steps.map((s) => s.loss))
    expect(b.events.map((v) => v.kind)).toEqual(['started', 'stopped', 'resumed', 'completed'])
  })

  it('queues runs beyond the concurrency limit', async () => {
    const { wb } = fresh({ maxConcurrent: 1 })
    const datasetId = await withSample(wb)
    // a runs long enough to still be training when b is queued; stopping it lets b start
    const a = (await wb.request('experiments.start', { datasetId, config: { ...config, epochs: 100_000 } }))
      .experimentId
    const b = (await wb.request('experiments.start', { datasetId, config: { ...config, seed: 6 } })).experimentId
    expect(wb.store.experiments.get(a)!.status).toBe('running')
    expect(wb.store.experiments.get(b)!.status).toBe('queued')
    await wb.request('experiments.stop', { id: a })
    await wb.waitForRun(b)
    expect(wb.store.experiments.get(a)!.status).toBe('stopped')
    expect(wb.store.experiments.get(b)!.status).toBe('completed')
    expect(Date.parse(wb.store.experiments.get(b)!.startedAt!)).toBeGreaterThanOrEqual(
      Date.parse(wb.store.experiments.get(a)!.finishedAt!)
    )
  })

  it('renames, annotates, tags, duplicates with changes and deletes with everything it owns', async () => {
    const { wb } = fresh()
    const datasetId = await withSample(wb)
    const { experimentId: id } = await wb.request('experiments.start', { datasetId, config })
    await wb.waitForRun(id)
    const u = await wb.request('experiments.update', {
      id,
      name: 'baseline',
      notes: 'first try',
      tags: ['co2', 'lstm']
    })
    expect([u.name, u.notes, u.tags]).toEqual(['baseline', 'first try', ['co2', 'lstm']])
    const { experimentId: copy } = await wb.request('experiments.duplicate', {
      id,
      config: { ...config, model: { cell: 'gru', hiddenSize: 12 } },
      start: true
    })
    await wb.waitForRun(copy)
    const c = await wb.request('experiments.get', { id: copy })
    expect([c.name, c.status, c.config.model.cell, c.config.model.hiddenSize]).toEqual([
      'baseline (copy)',
      'completed',
      'gru',
      12
    ])
    const count = (table: string) =>
      (wb.store.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE experiment_id = ?`).get(id) as { n: number }).n
    expect(count('steps')).toBeGreaterThan(0)
    expect(count('checkpoints')).toBeGreaterThan(0)
    expect((await wb.request('experiments.delete', { id })).ok).toBe(true)
    for (const t of ['steps', 'epochs', 'events', 'checkpoints']) expect(count(t)).toBe(0)
    expect((await wb.request('experiments.list', {})).map((e) => e.id)).toEqual([copy])
    await expect(wb.request('experiments.get', { id })).rejects.toThrow(`experiment ${id} does not exist`)
  })

  it('compares runs: config differences only where they differ, curves, internals, seed bands', async () => {
    const { wb } = fresh({ maxConcurrent: 2 })
    const datasetId = await withSample(wb)
    const { experimentId: a } = await wb.request('experiments.start', { datasetId, config })
    await wb.waitForRun(a)
    const { experimentIds } = await wb.request('experiments.repeat', { id: a, seeds: [11, 12] })
    await Promise.all(experimentIds.map((i) => wb.waitForRun(i)))
    const c = await wb.request('experiments.compare', { ids: [a, ...experimentIds] })
    expect(c.config.filter((r) => r.differs).map((r) => r.path)).toEqual(['seed'])
    expect(c.config.find((r) => r.path === 'seed')!.values).toEqual([5, 11, 12])
    expect(c.curves.map((k) => k.epochs.length)).toEqual([3, 3, 3])
    expect(c.groups).toHaveLength(1)
    expect(c.groups[0].ids).toEqual([a, ...experimentIds])
    const e3 = c.groups[0].epochs[2]
    const vals = c.curves.map((k) => k.epochs[2].trainLoss!)
    expect(e3.trainMean).toBeCloseTo(vals.reduce((x, y) => x + y) / 3, 12)
    expect(e3.trainStd).toBeGreaterThan(0)
    for (const i of c.internals) {
      expect(i.forgetGateMean).toHaveLength(3)
      expect(i.gradNormOverTime).toHaveLength(12)
      expect(i.clippedFraction).not.toBeNull()
    }
    await expect(wb.request('experiments.compare', { ids: [a] })).rejects.toThrow(/ids/)
  })

  it('marks only the run failed when its worker crashes, and keeps serving', async () => {
    // the first worker (the pre-flight check of the data) is real; the training worker crashes
    const real = workerFactoryFor(SOURCE_ENTRY)
    let started = 0
    const crashing = () => (started++ === 0 ? real() : new Worker('throw new Error("worker exploded")', { eval: true }))
    const t = tempDir()
    cleanups.push(t.cleanup)
    const { wb: importer } = fresh({}, t.dir)
    const datasetId = await withSample(importer)
    await importer.close()
    open.splice(open.indexOf(importer), 1)
    const { wb } = fresh({ workerFactory: crashing }, t.dir)
    const { experimentId: id } = await wb.request('experiments.start', { datasetId, config })
    await wb.waitForRun(id)
    const e = await wb.request('experiments.get', { id })
    expect(e.status).toBe('failed')
    expect(e.error).toContain('worker exploded')
    expect((await wb.request('experiments.list', {})).length).toBe(1)
  })

  it('refuses a config whose tensors exceed the memory budget, with the figure', async () => {
    const { wb } = fresh({ memoryBudgetBytes: 1024 * 1024 })
    const datasetId = await withSample(wb)
    await expect(
      wb.request('experiments.start', { datasetId, config: { ...config, model: { cell: 'lstm', hiddenSize: 512 } } })
    ).rejects.toThrow(/needs about \d+ MB of tensor memory, more than the 1 MB budget/)
    expect(await wb.request('experiments.list', {})).toEqual([])
  })

  it('leaves the runs of another live process alone, and interrupts those of a dead one', async () => {
    const { wb, dir } = fresh()
    const datasetId = await withSample(wb)
    const ids = [1, 2].map(() => wb.store.experiments.create(datasetId, 'x', experimentConfig.parse(config)))
    const set = wb.store.db.prepare(
      "UPDATE experiments SET status = 'running', owner_pid = ?, heartbeat_at = ? WHERE id = ?"
    )
    set.run(process.ppid, new Date().toISOString(), ids[0]) // a live process
    set.run(2 ** 22 + 12345, new Date().toISOString(), ids[1]) // no such process
    await wb.close()
    open.pop()
    const again = fresh({}, dir).wb
    expect(again.interruptedAtStart).toEqual([ids[1]])
    expect(again.store.experiments.get(ids[0])!.status).toBe('running')
    expect((await again.request('experiments.stop', { id: ids[0] })).ok).toBe(true)
    expect(again.store.db.prepare('SELECT control FROM experiments WHERE id = ?').get(ids[0])).toEqual({
      control: 'stop'
    })
  })
})
