// A run records its estimated seconds per epoch from the stored engine calibration when it is of the engine path the
// run takes (src-shared/estimate.ts), so the estimate follows the calibration.
import { afterEach, describe, expect, it } from 'vitest'
import { openWorkbench, tempDir } from '../../../helpers/workbench'
import type { Workbench } from '../../../../src-main/services/workbench'
import { epochSeconds } from '../../../../src-shared/estimate'
import { enginePath } from '../../../../src-worker/engine/engine-path'
import { runThreads } from '../../../../src-worker/tasks/train-task'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})
function workbench(): Workbench {
  const t = tempDir()
  const wb = openWorkbench(t.dir)
  cleanups.push(t.cleanup, () => wb.close())
  return wb
}

const config = {
  mapping: 'many-to-one' as const,
  target: 'CO2',
  inputs: [],
  window: 12,
  model: { cell: 'gru' as const, hiddenSize: 8 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 1,
  seed: 1
}

describe('estimates from the engine calibration', () => {
  it('a run records its estimate per epoch from the stored calibration of its engine path', async () => {
    const wb = workbench()
    const cal = {
      engine: enginePath(runThreads()),
      secondsPerStep: 3e-6,
      secondsPerMac: 7e-10,
      measuredAt: '2026-01-01T00:00:00.000Z'
    }
    wb.store.settings.set('engine-calibration', cal)
    const d = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const summary = await wb.request('datasets.sequences', { datasetId: d.id, config })
    const { experimentId } = await wb.request('experiments.start', { datasetId: d.id, config })
    await wb.waitForRun(experimentId)
    const run = await wb.request('experiments.get', { id: experimentId })
    const ev = run.events.find((e) => e.kind === 'estimate')
    expect((ev?.detail as { epochSeconds: number }).epochSeconds).toBeCloseTo(
      epochSeconds(summary, run.config, cal)!,
      15
    )
  })
})
