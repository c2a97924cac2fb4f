// Training task: rebuild the windows from the stored CSV bytes, train, and stream progress to main.
// Progress is throttled to ~10 messages/s; steps are batched and travel with their epoch.
import { gunzipSync } from 'node:zlib'
import { availableParallelism } from 'node:os'
import { parseCsv } from '../../src-main/data/csv'
import { train, type StepInfo, type TrainConfig, type TrainData, type TrainState } from '../trainer'
import { buildSequences, toTrainConfig, toTrainData } from './build-data'
import type { StepPoint } from '../../src-shared/contract'
import { CONTROL_PAUSE, CONTROL_STOP, type EpochMessage, type FromWorker, type ToWorker } from '../protocol'

const PROGRESS_INTERVAL_MS = 100

/** A checkpoint as it travels to main and is stored: `good: 'current'` stands for a copy of the current state. */
export type StoredTrainState = Omit<TrainState, 'good'> & { good: TrainState['good'] | 'current' }

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false
  const x = new Int32Array(a.buffer, a.byteOffset, a.byteLength >> 2), y = new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

/**
 * The state to store for an epoch. After an epoch without a NaN revert, the "last good" weights and optimizer
 * moments the trainer hands over are a bit-identical second copy of the current ones: they are sent as
 * `good: 'current'`, halving what is copied to main, serialised and written every epoch.
 */
export function compactCheckpoint(state: TrainState): StoredTrainState {
  const g = state.good
  const same = g.opt.t === state.opt.t && sameBits(g.params, state.params) && sameBits(g.opt.m, state.opt.m) && sameBits(g.opt.v, state.opt.v)
  return same ? { ...state, good: 'current' } : state
}

/** The trainer's full state from a stored checkpoint (either form). */
export function expandCheckpoint(state: StoredTrainState): TrainState {
  if (state.good !== 'current') return state as TrainState
  return { ...state, good: { params: state.params, opt: { m: state.opt.m, v: state.opt.v, t: state.opt.t } } }
}

export function runTraining(msg: ToWorker & { type: 'train' }, post: (m: FromWorker) => void): void {
  const { config, taskId } = msg
  const control = new Int32Array(msg.control)
  const table = parseCsv(new Uint8Array(gunzipSync(msg.bytesGz)))
  const seqs = buildSequences(table, config)
  const data: TrainData = toTrainData(seqs)
  const trainConfig: TrainConfig = toTrainConfig(config)
  const stepsPerEpoch = Math.max(1, Math.ceil(data.train.n / Math.min(config.batchSize, Math.max(1, data.train.n))))
  const totalSteps = stepsPerEpoch * config.epochs
  const t0 = performance.now()
  let pending: StepPoint[] = []
  let lastPost = 0
  let globalStep = 0
  let stepsThisRun = 0
  let epochMsg: EpochMessage | null = null
  const flushEpoch = () => {
    if (epochMsg) post(epochMsg)
    epochMsg = null
  }
  let pausedMs = 0
  let lastStep: StepInfo | null = null

  const rates = () => {
    const elapsed = (performance.now() - t0 - pausedMs) / 1000
    const rate = elapsed > 0 ? stepsThisRun / elapsed : 0
    return {
      elapsed,
      etaSeconds: rate > 0 ? (totalSteps - globalStep) / rate : null,
      seqPerSec: elapsed > 0 ? (stepsThisRun * config.batchSize) / elapsed : null
    }
  }
  /** Posts the steps not yet reported with the run's progress (at most ~10 times a second, and at each epoch's end). */
  const postProgress = () => {
    if (!lastStep || !pending.length) return
    lastPost = performance.now()
    const r = rates()
    post({
      type: 'progress', taskId,
      epoch: lastStep.epoch, epochs: config.epochs, step: lastStep.step, stepsPerEpoch: lastStep.stepsPerEpoch, totalSteps,
      elapsedSeconds: r.elapsed, etaSeconds: r.etaSeconds, seqPerSec: r.seqPerSec, steps: pending
    })
    pending = []
  }

  const result = train({ ...trainConfig, threads: runThreads() }, data, {
    shouldStop: () => {
      if (Atomics.load(control, 0) === CONTROL_PAUSE) {
        post({ type: 'paused', taskId })
        const t = performance.now()
        while (Atomics.load(control, 0) === CONTROL_PAUSE) Atomics.wait(control, 0, CONTROL_PAUSE)
        pausedMs += performance.now() - t
        post({ type: 'resumed', taskId })
      }
      return Atomics.load(control, 0) === CONTROL_STOP
    },
    onStep(s) {
      globalStep = (s.epoch - 1) * s.stepsPerEpoch + s.step
      stepsThisRun++
      lastStep = s
      pending.push({ step: globalStep, epoch: s.epoch, loss: Number.isFinite(s.loss) ? s.loss : null })
      if (performance.now() - lastPost >= PROGRESS_INTERVAL_MS) postProgress()
    },
    onEpoch(e) {
      flushEpoch()
      postProgress() // the epoch's last steps go out before the epoch itself
      epochMsg = {
        type: 'epoch', taskId, epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss, seconds: e.seconds,
        lr: e.lr, diagnostics: e.diagnostics, seqPerSec: rates().seqPerSec
      }
      if (e.warning) post({ type: 'event', taskId, kind: 'nan', detail: { epoch: e.epoch, message: e.warning } })
    },
    // The checkpoint travels with its epoch, so main records both in one transaction.
    onCheckpoint(state) {
      if (epochMsg) {
        epochMsg.checkpoint = compactCheckpoint(state)
        epochMsg.best = state.bestEpoch === state.epoch
      }
      flushEpoch()
    }
  }, msg.resume === undefined ? undefined : expandCheckpoint(msg.resume as StoredTrainState))
  flushEpoch()
  postProgress() // steps of a run stopped mid-epoch
  post({
    type: 'done', taskId,
    result: {
      status: result.status, error: result.error ?? null,
      trainLoss: Number.isFinite(result.trainLoss) ? result.trainLoss : null,
      valLoss: Number.isFinite(result.valLoss) ? result.valLoss : null,
      model: Object.keys(result.weights).length ? {
        weights: result.weights,
        trainConfig,
        data: { mapping: data.mapping, task: data.task, inputSize: data.inputSize, outputSize: data.outputSize, tx: data.tx, ty: data.ty, tokens: !!data.tokens },
        inputs: seqs.inputNorm.columns,
        target: config.target,
        normalization: { input: seqs.inputNorm, target: seqs.targetNorm },
        vocab: { classes: seqs.classes, inputVocab: seqs.inputVocab, targetVocab: seqs.targetVocab, conditions: seqs.conditions },
        experiment: config
      } : null
    }
  })
}

/**
 * Threads for one run's float32 engine: both cores when the machine has two or more, unless RNN_THREADS says
 * otherwise. Results are bit-identical for any thread count; the helper only takes pieces big enough to pay and
 * claims chunks, so a busy core (a second run, another program) just runs fewer of them (docs/PERFORMANCE.md).
 */
export function runThreads(env: Record<string, string | undefined> = process.env, cores = availableParallelism()): 1 | 2 {
  const v = env.RNN_THREADS
  if (v !== undefined && v !== '') return Number(v) >= 2 ? 2 : 1
  return cores >= 2 ? 2 : 1
}
