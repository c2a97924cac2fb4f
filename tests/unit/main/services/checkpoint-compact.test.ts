// Per-epoch checkpoints travel and are stored without the trainer's bit-identical second copy of the current
// weights and optimizer moments ("last good" state): `good: 'current'`. A run still resumes exactly, from the
// compact form and from the full form older stores hold.
import { afterEach, describe, expect, it } from 'vitest'
import { deserialize, serialize } from 'node:v8'
import type { Workbench } from '../../../../src-main/services/workbench'
import { openWorkbench, tempDir } from '../../../helpers/workbench'
import { compactCheckpoint, expandCheckpoint, type StoredTrainState } from '../../../../src-worker/tasks/train-task'
import type { TrainState } from '../../../../src-worker/trainer'

const open: Workbench[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  while (open.length) await open.pop()!.close()
  while (cleanups.length) cleanups.pop()!()
})
function fresh(): Workbench {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const wb = openWorkbench(t.dir, 'cli', { maxConcurrent: 1 })
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
  epochs: 6,
  batchSize: 16,
  seed: 5
}

function state(n: number, F: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array): TrainState {
  const a = (k: number) => {
    const x = new F(n)
    for (let i = 0; i < n; i++) x[i] = Math.sin(i + k)
    return x
  }
  return {
    version: 1,
    epoch: 3,
    params: a(1),
    opt: { m: a(2), v: a(3), t: 30 },
    lr: 0.01,
    rng: [1, 2, 3, 4],
    order: Int32Array.from([2, 0, 1]),
    sched: [],
    best: 0.5,
    bestEpoch: 3,
    bad: 0,
    bestParams: null,
    good: { params: a(1), opt: { m: a(2), v: a(3), t: 30 } },
    reverts: 0
  }
}

describe('compact checkpoints', () => {
  it('drop the copy only when it is bit-identical to the current state', () => {
    for (const F of [Float32Array, Float64Array]) {
      const s = state(50, F)
      const c = compactCheckpoint(s)
      expect(c.good).toBe('current')
      expect(serialize(c).length).toBeLessThan(serialize(s).length * 0.6)
      const back = expandCheckpoint(c)
      expect(back.good.params).toEqual(s.good.params)
      expect(back.good.opt).toEqual(s.good.opt)
      expect({ ...back, good: null }).toEqual({ ...s, good: null })
    }
    // after a NaN revert the last good state differs from the current one: kept in full
    const reverted = state(50)
    reverted.good.params[7] = 42
    expect(compactCheckpoint(reverted).good).toBe(reverted.good)
    const signOfZero = state(50)
    signOfZero.params[0] = 0
    signOfZero.good.params[0] = -0
    expect(compactCheckpoint(signOfZero).good).toBe(signOfZero.good)
    const steps = state(50)
    steps.good.opt.t = 29
    expect(compactCheckpoint(steps).good).toBe(steps.good)
    // a full (older) checkpoint passes through unchanged
    const full = state(5)
    expect(expandCheckpoint(full as StoredTrainState)).toBe(full)
  })

  it('are what a run stores, and a stopped run resumes from them and from the full form to the uninterrupted losses', async () => {
    const wb = fresh()
    const datasetId = (await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })).id
    const { experimentId: ref } = await wb.request('experiments.start', { datasetId, config })
    await wb.waitForRun(ref)
    const stored = wb.store.experiments.checkpoint(ref, 'last')!
    expect(stored.epoch).toBe(config.epochs)
    const s = stored.state as StoredTrainState
    expect(s.good).toBe('current')
    expect(s.params.length).toBeGreaterThan(300)

    const reference = await wb.request('experiments.get', { id: ref })
    const losses = (e: typeof reference) => e.epochs.map((p) => [p.epoch, p.trainLoss, p.valLoss])
    for (const form of ['compact', 'full'] as const) {
      // a run that stops after its first checkpoint; then, for 'full', its checkpoint rewritten as an older store holds it
      const { experimentId: id } = await wb.request('experiments.start', {
        datasetId,
        config: { ...config, epochs: 1 }
      })
      await wb.waitForRun(id)
      const db = wb.store.db
      db.prepare('UPDATE experiments SET config_json = ? WHERE id = ?').run(JSON.stringify({ ...reference.config }), id)
      db.prepare("UPDATE experiments SET status = 'stopped' WHERE id = ?").run(id)
      const cp = wb.store.experiments.checkpoint(id, 'last')!
      expect((cp.state as StoredTrainState).good).toBe('current')
      if (form === 'full') {
        const full = expandCheckpoint(cp.state as StoredTrainState)
        db.prepare("UPDATE checkpoints SET state = ? WHERE experiment_id = ? AND kind = 'last'").run(
          serialize(full),
          id
        )
        const row = db.prepare("SELECT state FROM checkpoints WHERE experiment_id = ? AND kind = 'last'").get(id) as {
          state: Buffer
        }
        expect((deserialize(row.state) as TrainState).good.params).toEqual(full.params)
      }
      expect((await wb.request('experiments.resume', { id })).ok).toBe(true)
      await wb.waitForRun(id)
      const e = await wb.request('experiments.get', { id })
      expect(e.status, form).toBe('completed')
      expect(losses(e), form).toEqual(losses(reference))
    }
  })
})
