// The app trains a run on both cores (runThreads) unless RNN_THREADS says otherwise, and the thread count never
// changes the numbers: the same run through the service gives bit-identical losses with one and two threads.
import { afterAll, describe, expect, it } from 'vitest'
import { openWorkbench, tempDir } from '../../../helpers/workbench'
import { runThreads } from '../../../../src-worker/tasks/train-task'

describe('threads of a training run', () => {
  it('both cores by default on a multi-core machine; RNN_THREADS overrides; one core stays one thread', () => {
    expect(runThreads({}, 2)).toBe(2)
    expect(runThreads({}, 8)).toBe(2)
    expect(runThreads({}, 1)).toBe(1)
    expect(runThreads({ RNN_THREADS: '1' }, 8)).toBe(1)
    expect(runThreads({ RNN_THREADS: '2' }, 1)).toBe(2)
    expect(runThreads({ RNN_THREADS: '' }, 4)).toBe(2)
  })

  const saved = process.env.RNN_THREADS
  afterAll(() => {
    if (saved === undefined) delete process.env.RNN_THREADS
    else process.env.RNN_THREADS = saved
  })

  it('one and two threads give bit-identical losses through the app', async () => {
    // batch 32 × hidden 48: big enough for the scans and products to be split between the threads
    const config = {
      mapping: 'many-to-one' as const,
      target: 'CO2',
      inputs: [],
      window: 24,
      model: { cell: 'lstm' as const, hiddenSize: 48 },
      optimizer: { kind: 'adam' as const, lr: 0.01 },
      epochs: 3,
      batchSize: 32,
      seed: 5
    }
    const losses: number[][] = []
    for (const threads of ['1', '2']) {
      process.env.RNN_THREADS = threads // read by the training worker, which inherits this environment
      const t = tempDir()
      const wb = openWorkbench(t.dir)
      try {
        const d = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
        const { experimentId } = await wb.request('experiments.start', { datasetId: d.id, config })
        await wb.waitForRun(experimentId)
        const e = await wb.request('experiments.get', { id: experimentId })
        expect(e.status).toBe('completed')
        losses.push([...e.steps.map((s) => s.loss!), ...e.epochs.map((p) => p.valLoss!)])
      } finally {
        await wb.close()
        t.cleanup()
      }
    }
    expect(losses[0]!.length).toBeGreaterThan(40)
    expect(losses[1]).toEqual(losses[0])
  })
})
