// Training task: rebuild the windows from the stored CSV bytes, train, and stream progress to main.
// Progress (the steps, batched) is throttled to ~10 messages/s. Epochs go out at most once a second: epochs
// shorter than that travel together with the checkpoint of the latest one (and of the latest best) and the probe
// heatmaps of the latest one (the trainer computes them for that epoch only), so main writes a checkpoint about
// once a second rather than after every epoch — as bytes written here into shared memory. A crash loses at most
// that second of training, which a resume retrains bit-identically; a pause or stop sends what is queued first.
import { gunzipSync } from 'node:zlib'
import { availableParallelism } from 'node:os'
import { csvOptions, parseCsv } from '../data/csv'
import {
  train,
  type EpochInfo,
  type StepInfo,
  type TrainConfig,
  type TrainData,
  type TrainHooks,
  type TrainState
} from '../trainer'
import { buildSequences, toTrainConfig, toTrainData } from './build-data'
import { baselinesOf } from '../evaluation/of-data'
import { enginePath } from '../engine/engine-path'
import { epochSeconds } from '../../src-shared/estimate'
import { bytesOf, prepareState, writeState, type EncodedState } from '../model/checkpoint-bytes'
import type { ExperimentConfig, StepPoint } from '../../src-shared/contract'
import {
  CONTROL_PAUSE,
  CONTROL_STOP,
  type EpochsMessage,
  type FromWorker,
  type SharedCheckpoint,
  type ToWorker
} from '../protocol'

const PROGRESS_INTERVAL_MS = 100
const EPOCH_INTERVAL_MS = 1000

/** A checkpoint as it travels to main and is stored: `good: 'current'` stands for a copy of the current state. */
export type StoredTrainState = Omit<TrainState, 'good'> & { good: TrainState['good'] | 'current' }

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false
  const x = new Int32Array(a.buffer, a.byteOffset, a.byteLength >> 2),
    y = new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2)
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
  const shared = g.params === state.params && g.opt.m === state.opt.m && g.opt.v === state.opt.v // the trainer's own shorthand
  const same =
    g.opt.t === state.opt.t &&
    (shared || (sameBits(g.params, state.params) && sameBits(g.opt.m, state.opt.m) && sameBits(g.opt.v, state.opt.v)))
  return same ? { ...state, good: 'current' } : state
}

/** The trainer's full state from a stored checkpoint (either form). */
export function expandCheckpoint(state: StoredTrainState): TrainState {
  if (state.good !== 'current') return state as TrainState
  return { ...state, good: { params: state.params, opt: { m: state.opt.m, v: state.opt.v, t: state.opt.t } } }
}

type AnyArr = Float32Array | Float64Array | Int32Array
function copyArr<A extends AnyArr>(a: A, into: A | null | undefined): A {
  if (into && into !== a && into.constructor === a.constructor && into.length === a.length) {
    into.set(a)
    return into
  }
  return a.slice() as A
}

/**
 * A copy of a state whose arrays the trainer lends (it reuses them after the next epoch): into `into`'s arrays
 * where their shapes match (no allocation), else fresh ones.
 */
export function copyCheckpoint(s: StoredTrainState, into?: StoredTrainState): StoredTrainState {
  const x = (s.opt as { x?: Float32Array | Float64Array }).x,
    intoX = (into?.opt as { x?: Float32Array | Float64Array } | undefined)?.x
  const intoGood = into && into.good !== 'current' ? into.good : undefined
  return {
    ...s,
    params: copyArr(s.params, into?.params),
    opt: {
      ...s.opt,
      m: copyArr(s.opt.m, into?.opt.m),
      v: copyArr(s.opt.v, into?.opt.v),
      ...(x ? { x: copyArr(x, intoX) } : {})
    },
    order: copyArr(s.order, into?.order),
    bestParams: s.bestParams ? copyArr(s.bestParams, into?.bestParams) : null,
    good:
      s.good === 'current'
        ? 'current'
        : {
            params: copyArr(s.good.params, intoGood?.params),
            opt: {
              m: copyArr(s.good.opt.m, intoGood?.opt.m),
              v: copyArr(s.good.opt.v, intoGood?.opt.v),
              t: s.good.opt.t
            }
          }
  }
}

/**
 * Shared memory the checkpoints are written into for main to store: two slots (a batch sends at most two states,
 * the newest epoch's and the latest best's), reused from batch to batch, so their pages are touched once rather
 * than a fresh buffer's every second. A slot is main's from the message that names it until main has stored it
 * and clears its flag; when neither is free (main is behind) a checkpoint goes as bytes of its own.
 */
export class CheckpointSlots {
  private shared: SharedArrayBuffer | null = null
  private flags: Int32Array<ArrayBufferLike> = new Int32Array(2)
  private room = 0

  /** Writes a prepared state into a free slot, or returns null when none is free. */
  write(e: EncodedState): SharedCheckpoint | null {
    if (e.size > this.room) {
      // grow only while main holds neither slot of the old memory (it keeps its own reference until it is done)
      if (this.shared && (Atomics.load(this.flags, 0) || Atomics.load(this.flags, 1))) return null
      this.room = Math.ceil((e.size * 1.25) / 8) * 8
      this.shared = new SharedArrayBuffer(8 + 2 * this.room)
      this.flags = new Int32Array(this.shared, 0, 2)
    }
    const slot = Atomics.load(this.flags, 0) === 0 ? 0 : Atomics.load(this.flags, 1) === 0 ? 1 : -1
    if (slot < 0) return null
    const offset = 8 + slot * this.room
    const length = writeState(e, new Uint8Array(this.shared!, offset, e.size))
    Atomics.store(this.flags, slot, 1)
    return { shared: this.shared!, slot, offset, length }
  }
}

type EpochItem = EpochsMessage['items'][number]
type Post = (m: FromWorker, transfer?: ArrayBuffer[]) => void

/**
 * One training run's traffic to main: the steps not yet reported, the epochs not yet sent with their
 * checkpoints, and the clock that paces both. Its `hooks` are the trainer's.
 */
class TrainingReport {
  private readonly t0 = performance.now()
  private readonly totalSteps: number
  private pending: StepPoint[] = []
  private lastPost = 0
  private globalStep = 0
  private stepsThisRun = 0
  private pausedMs = 0
  private lastStep: StepInfo | null = null
  /** The epoch that ended, until its checkpoint joins it. */
  private epochMsg: EpochItem | null = null
  /** Recorded epochs not yet sent. */
  private batch: EpochItem[] = []
  private lastEpochPost = -Infinity
  /**
   * Whether the epoch being finished ends a batch: decided once, when the trainer asks whether it wants the probe
   * heatmaps (G × T × H numbers), so only the newest epoch of a batch, the one the view draws, has them — and the
   * last epoch of the run. (A batch a pause or stop sends early ends with an epoch without them.)
   */
  private flushDue = false
  /**
   * A best epoch's state, kept in case a later epoch of the same batch is not better (then both are sent): copied
   * into these same arrays at every best epoch that does not end a batch.
   */
  private bestKept: StoredTrainState | undefined
  private readonly slots = new CheckpointSlots()

  constructor(
    private readonly taskId: number,
    private readonly config: ExperimentConfig,
    private readonly control: Int32Array,
    private readonly post: Post,
    stepsPerEpoch: number
  ) {
    this.totalSteps = stepsPerEpoch * config.epochs
  }

  /**
   * Queues an epoch. A newer checkpoint makes the older ones of the batch redundant (only 'last' and 'best' are
   * stored), except the latest best epoch's.
   */
  private enqueue(m: EpochItem): void {
    if (m.checkpoint !== undefined) {
      const keepBest = !m.best
      for (let i = this.batch.length - 1, bestSeen = false; i >= 0; i--) {
        const q = this.batch[i]
        if (q.checkpoint === undefined) continue
        if (keepBest && q.best && !bestSeen) {
          bestSeen = true
          continue
        }
        delete q.checkpoint
      }
    }
    this.batch.push(m)
  }

  /** Queues the epoch that ended, with its checkpoint if it got one (a stopped epoch gets none). */
  private seal(): void {
    if (this.epochMsg) this.enqueue(this.epochMsg)
    this.epochMsg = null
  }

  /**
   * Sends the queued epochs (after the steps not yet reported, which they follow). Their checkpoints — lent by the
   * trainer (the newest epoch's, until the next epoch ends) or kept in reused arrays (`bestKept`) — go as the bytes
   * the store keeps (checkpoint-bytes.ts), written into a shared slot (or, when none is free, bytes of their own
   * moved to main).
   */
  flushEpochs(): void {
    this.seal()
    if (!this.batch.length) return
    this.postProgress()
    const moved: ArrayBuffer[] = []
    for (const m of this.batch) {
      if (m.checkpoint === undefined) continue
      const e = prepareState(m.checkpoint as StoredTrainState),
        inSlot = this.slots.write(e)
      if (inSlot) {
        m.checkpoint = inSlot
        continue
      }
      const bytes = bytesOf(e)
      m.checkpoint = bytes
      moved.push(bytes.buffer as ArrayBuffer)
    }
    this.post({ type: 'epochs', taskId: this.taskId, items: this.batch }, moved)
    this.batch = []
    this.lastEpochPost = performance.now()
  }

  private rates() {
    const elapsed = (performance.now() - this.t0 - this.pausedMs) / 1000
    const rate = elapsed > 0 ? this.stepsThisRun / elapsed : 0
    return {
      elapsed,
      etaSeconds: rate > 0 ? (this.totalSteps - this.globalStep) / rate : null,
      seqPerSec: elapsed > 0 ? (this.stepsThisRun * this.config.batchSize) / elapsed : null
    }
  }

  /** Posts the steps not yet reported with the run's progress (at most ~10 times a second, and at each epoch's end). */
  postProgress(): void {
    const lastStep = this.lastStep
    if (!lastStep || !this.pending.length) return
    this.lastPost = performance.now()
    const r = this.rates()
    this.post({
      type: 'progress',
      taskId: this.taskId,
      epoch: lastStep.epoch,
      epochs: this.config.epochs,
      step: lastStep.step,
      stepsPerEpoch: lastStep.stepsPerEpoch,
      totalSteps: this.totalSteps,
      elapsedSeconds: r.elapsed,
      etaSeconds: r.etaSeconds,
      seqPerSec: r.seqPerSec,
      steps: this.pending
    })
    this.pending = []
  }

  /** Between steps: waits out a pause (after sending what is queued, so the store is resumable); true = stop. */
  private shouldStop(): boolean {
    const control = this.control
    if (Atomics.load(control, 0) === CONTROL_PAUSE) {
      this.flushEpochs()
      this.post({ type: 'paused', taskId: this.taskId })
      const t = performance.now()
      while (Atomics.load(control, 0) === CONTROL_PAUSE) Atomics.wait(control, 0, CONTROL_PAUSE)
      this.pausedMs += performance.now() - t
      this.post({ type: 'resumed', taskId: this.taskId })
    }
    return Atomics.load(control, 0) === CONTROL_STOP
  }

  private onStep(s: StepInfo): void {
    this.globalStep = (s.epoch - 1) * s.stepsPerEpoch + s.step
    this.stepsThisRun++
    this.lastStep = s
    this.pending.push({ step: this.globalStep, epoch: s.epoch, loss: Number.isFinite(s.loss) ? s.loss : null })
    if (performance.now() - this.lastPost >= PROGRESS_INTERVAL_MS) this.postProgress()
  }

  private onEpoch(e: EpochInfo): void {
    this.seal()
    this.epochMsg = {
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      valLoss: e.valLoss,
      seconds: e.seconds,
      lr: e.lr,
      diagnostics: e.diagnostics,
      seqPerSec: this.rates().seqPerSec,
      valMetrics: e.valMetrics
    }
    if (e.warning)
      this.post({ type: 'event', taskId: this.taskId, kind: 'nan', detail: { epoch: e.epoch, message: e.warning } })
  }

  /**
   * The checkpoint travels with its epoch, so main records both in one transaction. The trainer lends its arrays
   * until the next epoch ends: the newest epoch's state is copied only when sent (at most once a second, or at a
   * pause or stop), a best epoch's at once unless it is sent now (the next epoch may not be better).
   */
  private onCheckpoint(state: TrainState): void {
    if (this.epochMsg) {
      const best = state.bestEpoch === state.epoch,
        compact = compactCheckpoint(state)
      this.epochMsg.checkpoint =
        best && !this.flushDue ? (this.bestKept = copyCheckpoint(compact, this.bestKept)) : compact
      this.epochMsg.best = best
    }
    this.seal()
    if (this.flushDue) this.flushEpochs()
  }

  private wantProbe(epoch: number): boolean {
    this.flushDue = epoch === this.config.epochs || performance.now() - this.lastEpochPost >= EPOCH_INTERVAL_MS
    return this.flushDue
  }

  readonly hooks: TrainHooks = {
    shouldStop: () => this.shouldStop(),
    onStep: (s) => this.onStep(s),
    onEpoch: (e) => this.onEpoch(e),
    onCheckpoint: (s) => this.onCheckpoint(s),
    wantProbe: (epoch) => this.wantProbe(epoch)
  }
}

export function runTraining(msg: ToWorker & { type: 'train' }, post: Post): void {
  const { config, taskId } = msg
  const table = parseCsv(new Uint8Array(gunzipSync(msg.bytesGz)), csvOptions(msg.importOptions))
  const seqs = buildSequences(table, config)
  const data: TrainData = toTrainData(seqs)
  post({ type: 'baselines', taskId, baselines: baselinesOf(seqs) })
  postEstimate(msg, data, seqs.inputEncoding, post)
  const trainConfig: TrainConfig = toTrainConfig(config)
  const stepsPerEpoch = Math.max(1, Math.ceil(data.train.n / Math.min(config.batchSize, Math.max(1, data.train.n))))
  const report = new TrainingReport(taskId, config, new Int32Array(msg.control), post, stepsPerEpoch)
  const resume = msg.resume === undefined ? undefined : expandCheckpoint(msg.resume as StoredTrainState)
  const result = train({ ...trainConfig, threads: runThreads() }, data, report.hooks, resume)
  report.flushEpochs()
  report.postProgress() // steps of a run stopped mid-epoch
  post({
    type: 'done',
    taskId,
    result: {
      status: result.status,
      error: result.error ?? null,
      trainLoss: Number.isFinite(result.trainLoss) ? result.trainLoss : null,
      valLoss: Number.isFinite(result.valLoss) ? result.valLoss : null,
      ...(result.valMetrics?.novelty !== undefined ? { finalMetrics: { novelty: result.valMetrics.novelty } } : {}),
      model: Object.keys(result.weights).length ? savedModel(result.weights, trainConfig, data, seqs, config) : null
    }
  })
}

/** The run's estimated seconds per epoch, as an 'estimate' event, when the calibration is of this engine path. */
function postEstimate(
  msg: ToWorker & { type: 'train' },
  data: TrainData,
  inputEncoding: 'values' | 'token-ids',
  post: Post
): void {
  const cal = msg.calibration
  if (!cal || cal.engine !== enginePath(runThreads())) return
  const shape = { ...data, inputEncoding, train: data.train.n, val: data.val.n }
  const seconds = epochSeconds(shape, msg.config, cal)
  if (seconds != null) post({ type: 'event', taskId: msg.taskId, kind: 'estimate', detail: { epochSeconds: seconds } })
}

/** The trained model as main stores it: weights, the configs, and what encodes its data. */
function savedModel(
  weights: Record<string, unknown>,
  trainConfig: TrainConfig,
  data: TrainData,
  seqs: ReturnType<typeof buildSequences>,
  config: ExperimentConfig
) {
  return {
    weights,
    trainConfig,
    data: {
      mapping: data.mapping,
      task: data.task,
      inputSize: data.inputSize,
      outputSize: data.outputSize,
      tx: data.tx,
      ty: data.ty,
      tokens: !!data.tokens
    },
    inputs: seqs.inputNorm.columns,
    target: config.target,
    normalization: { input: seqs.inputNorm, target: seqs.targetNorm },
    vocab: {
      classes: seqs.classes,
      inputVocab: seqs.inputVocab,
      targetVocab: seqs.targetVocab,
      conditions: seqs.conditions
    },
    experiment: config
  }
}

/**
 * Threads for one run's float32 engine: both cores when the machine has two or more, unless RNN_THREADS says
 * otherwise. Results are bit-identical for any thread count; the helper only takes pieces big enough to pay and
 * claims chunks, so a busy core (a second run, another program) just runs fewer of them (docs/PERFORMANCE.md).
 */
export function runThreads(
  env: Record<string, string | undefined> = process.env,
  cores = availableParallelism()
): 1 | 2 {
  const v = env.RNN_THREADS
  if (v !== undefined && v !== '') return Number(v) >= 2 ? 2 : 1
  return cores >= 2 ? 2 : 1
}
