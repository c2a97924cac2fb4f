// Calibration task: how fast this machine's engine trains, measured by two short runs (a small and a larger LSTM on
// random data, each timed on its second epoch) and split into a cost per time step and a cost per multiply-add (src-shared/
// estimate.ts). A known calibration of the same engine path is returned as it is, unless a refresh is asked.
import { train, type TrainConfig, type TrainData } from '../trainer'
import { Rng } from '../engine/rng'
import { enginePath } from '../engine/engine-path'
import { runThreads } from './train-task'
import { sequenceCost, type EngineCalibration, type EstimateShape } from '../../src-shared/estimate'
import type { FromWorker, ToWorker } from '../protocol'

const T = 24,
  INPUT = 4

function shapeOf(n: number): EstimateShape {
  return {
    mapping: 'many-to-one',
    inputEncoding: 'values',
    inputSize: INPUT,
    outputSize: 1,
    tx: T,
    ty: 1,
    train: n,
    val: n / 4
  }
}

function randomData(n: number, rng: Rng): TrainData {
  const split = (k: number) => {
    const x = new Float32Array(k * T * INPUT),
      y = new Float32Array(k)
    for (let i = 0; i < x.length; i++) x[i] = rng.normal()
    for (let i = 0; i < k; i++) y[i] = rng.normal()
    return { n: k, x, y }
  }
  const s = shapeOf(n)
  const train = split(s.train),
    val = split(s.val)
  return { mapping: 'many-to-one', task: 'regression', inputSize: INPUT, outputSize: 1, tx: T, ty: 1, train, val }
}

/**
 * Seconds per training sequence (validation at a third) of an LSTM of `hidden` units on `n` sequences, timed on its
 * second epoch, as a run's epochs are timed (the first one also pays for allocating and packing its buffers).
 */
function secondsPerSequence(hidden: number, n: number): number {
  const config: TrainConfig = {
    model: { cell: 'lstm', hiddenSize: hidden, numLayers: 1 },
    optimizer: { kind: 'adam', lr: 1e-3 },
    epochs: 2,
    batchSize: 32,
    seed: 1
  }
  const data = randomData(n, new Rng(7))
  const r = train({ ...config, threads: runThreads() }, data, { wantProbe: () => false })
  const s = shapeOf(n)
  return r.epochs[r.epochs.length - 1]!.seconds / (s.train + s.val / 3)
}

/** Measures the engine: about a second on a laptop core. */
export function calibrate(sizes = { small: 1024, large: 256 }): EngineCalibration {
  secondsPerSequence(8, 64) // warm-up: compiles the kernels' code paths
  const model = (hiddenSize: number) => ({ model: { cell: 'lstm', hiddenSize, numLayers: 1 } })
  const cs = sequenceCost(shapeOf(sizes.small), model(8)),
    cl = sequenceCost(shapeOf(sizes.large), model(128))
  const ts = secondsPerSequence(8, sizes.small),
    tl = secondsPerSequence(128, sizes.large)
  const secondsPerMac = Math.max((tl - ts) / (cl.macs - cs.macs), 1e-13)
  const secondsPerStep = Math.max((ts - cs.macs * secondsPerMac) / cs.steps, 0)
  return { engine: enginePath(runThreads()), secondsPerStep, secondsPerMac, measuredAt: new Date().toISOString() }
}

export function runCalibrate(msg: ToWorker & { type: 'calibrate' }, post: (m: FromWorker) => void): void {
  const known = msg.known
  const calibration = known && !msg.refresh && known.engine === enginePath(runThreads()) ? known : calibrate()
  post({ type: 'calibrated', taskId: msg.taskId, calibration })
}
