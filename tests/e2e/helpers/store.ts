// Writing a long stored run straight into a running app's store (workbench.db in its data folder), from
// the test process, through the app's own store code (src-main/store). SQLite in WAL mode lets this
// second connection write while the server or the Electron app has the file open; the page then
// reloads to see the new run. Works the same under both shells.
import { experimentConfig, type StepPoint } from '../../../src-shared/contract'
import { Store } from '../../../src-main/store/index'

export interface LongRun {
  datasetId: number
  name: string
  epochs: number
  stepsPerEpoch: number
}

/** A deterministic noisy, decaying, always positive loss for step `s` (of `total`). */
export function lossAt(s: number, total: number): number {
  const noise = Math.sin(s * 12.9898) * 43758.5453
  return 0.02 + 0.8 * Math.exp((-5 * s) / total) * (1 + 0.6 * (noise - Math.floor(noise) - 0.5))
}

/**
 * Stores a completed many-to-one run on the CO2 sample with `epochs × stepsPerEpoch` per-step losses
 * (x = global step) and one train/validation loss per epoch; returns its id. The config matches:
 * 580 training windows at batch 1 make 580 steps per epoch.
 */
export function storeLongRun(dataDir: string, run: LongRun): number {
  const store = Store.open(dataDir)
  try {
    const total = run.epochs * run.stepsPerEpoch
    // Stored as the service stores it: checked, with every default filled in.
    const config = experimentConfig.parse({
      mapping: 'many-to-one',
      target: 'CO2',
      window: 12,
      model: { cell: 'lstm', hiddenSize: 8 },
      optimizer: { kind: 'adam', lr: 0.01 },
      epochs: run.epochs,
      batchSize: 1
    })
    const exps = store.experiments
    const id = exps.create(run.datasetId, run.name, config)
    for (let e = 1; e <= run.epochs; e++) {
      const steps: StepPoint[] = []
      let sum = 0
      for (let k = 1; k <= run.stepsPerEpoch; k++) {
        const step = (e - 1) * run.stepsPerEpoch + k
        const loss = lossAt(step, total)
        sum += loss
        steps.push({ step, epoch: e, loss })
      }
      const trainLoss = sum / run.stepsPerEpoch
      exps.writeMetrics(id, steps, { epoch: e, trainLoss, valLoss: trainLoss * 1.15, seconds: 2.5 })
    }
    exps.finish(id, 'completed', null)
    return id
  } finally {
    store.close()
  }
}
