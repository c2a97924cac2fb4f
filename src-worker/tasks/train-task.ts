// Training task: rebuild the windows from the stored CSV bytes, train, and stream progress to main.
// Progress (the steps, batched) is throttled to ~10 messages/s. Epochs go out at most once a second: epochs
// shorter than that travel together with the checkpoint of the latest one (and of the latest best) and the probe
// heatmaps of the latest one (the trainer computes them for that epoch only), so main writes a checkpoint about
// once a second rather than after every epoch — as bytes written here into shared memory. A crash loses at most
// that second of training, which a resume retrains bit-identically; a pause or stop sends what is queued first.
import { gunzipSync } from 'node:zlib'
import { availableParallelism } from 'node:os'
import { parseCsv } from '../data/csv'
import { train, type StepInfo, type TrainConfig, type TrainData, type TrainState } from '../trainer'
import { buildSequences, toTrainConfig, toTrainData } from './build-data'
import { bytesOf, prepareState, writeState, type EncodedState } from '../model/checkpoint-bytes'
import type { StepPoint } from '../../src-shared/contract'
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

export function runTraining(
  msg: ToWorker & { type: 'train' },
  post: (m: FromWorker, transfer?: ArrayBuffer[]) => void
): void {
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
  type EpochItem = EpochsMessage['items'][number]
  let epochMsg: EpochItem | null = null // the epoch that ended, until its checkpoint joins it
  let batch: EpochItem[] = [] // recorded epochs not yet sent
  let lastEpochPost = -Infinity
  // Whether the epoch being finished ends a batch: decided once, when the trainer asks whether it wants the probe
  // heatmaps (G × T × H numbers), so only the newest epoch of a batch, the one the view draws, has them — and the
  // last epoch of the run. (A batch a pause or stop sends early ends with an epoch without them.)
  let flushDue = false
  // A best epoch's state, kept in case a later epoch of the same batch is not better (then both are sent): copied
  // into these same arrays at every best epoch that does not end a batch.
  let bestKept: StoredTrainState | undefined
  const slots = new CheckpointSlots()
  /**
   * Queues an epoch. A newer checkpoint makes the older ones of the batch redundant (only 'last' and 'best' are
   * stored), except the latest best epoch's.
   */
  const enqueue = (m: EpochItem) => {
    if (m.checkpoint !== undefined) {
      const keepBest = !m.best
      for (let i = batch.length - 1, bestSeen = false; i >= 0; i--) {
        const q = batch[i]
        if (q.checkpoint === undefined) continue
        if (keepBest && q.best && !bestSeen) {
          bestSeen = true
          continue
        }
        delete q.checkpoint
      }
    }
    batch.push(m)
  }
  /** Queues the epoch that ended, with its checkpoint if it got one (a stopped epoch gets none). */
  const seal = () => {
    if (epochMsg) enqueue(epochMsg)
    epochMsg = null
  }
  /**
   * Sends the queued epochs (after the steps not yet reported, which they follow). Their checkpoints — lent by the
   * trainer (the newest epoch's, until the next epoch ends) or kept in reused arrays (`bestKept`) — go as the bytes
   * the store keeps (checkpoint-bytes.ts), written into a shared slot (or, when none is free, bytes of their own
   * moved to main).
   */
  const flushEpochs = () => {
    seal()
    if (!batch.length) return
    postProgress()
    const moved: ArrayBuffer[] = []
    for (const m of batch) {
      if (m.checkpoint === undefined) continue
      const e = prepareState(m.checkpoint as StoredTrainState),
        inSlot = slots.write(e)
      if (inSlot) {
        m.checkpoint = inSlot
        continue
      }
      const bytes = bytesOf(e)
      m.checkpoint = bytes
      moved.push(bytes.buffer as ArrayBuffer)
    }
    post({ type: 'epochs', taskId, items: batch }, moved)
    batch = []
    lastEpochPost = performance.now()
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
      type: 'progress',
      taskId,
      epoch: lastStep.epoch,
      epochs: config.epochs,
      step: lastStep.step,
      stepsPerEpoch: lastStep.stepsPerEpoch,
      totalSteps,
      elapsedSeconds: r.elapsed,
      etaSeconds: r.etaSeconds,
      seqPerSec: r.seqPerSec,
      steps: pending
    })
    pending = []
  }

  const result = train(
    { ...trainConfig, threads: runThreads() },
    data,
    {
      shouldStop: () => {
        if (Atomics.load(control, 0) === CONTROL_PAUSE) {
          flushEpochs() // a paused run's store is up to date and resumable
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
        seal()
        epochMsg = {
          epoch: e.epoch,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          seconds: e.seconds,
          lr: e.lr,
          diagnostics: e.diagnostics,
          seqPerSec: rates().seqPerSec
        }
        if (e.warning) post({ type: 'event', taskId, kind: 'nan', detail: { epoch: e.epoch, message: e.warning } })
      },
      // The checkpoint travels with its epoch, so main records both in one transaction. The trainer lends its arrays
      // until the next epoch ends: the newest epoch's state is copied only when sent (at most once a second, or at a
      // pause or stop), a best epoch's at once unless it is sent now (the next epoch may not be better).
      onCheckpoint(state) {
        if (epochMsg) {
          const best = state.bestEpoch === state.epoch,
            compact = compactCheckpoint(state)
          epochMsg.checkpoint = best && !flushDue ? (bestKept = copyCheckpoint(compact, bestKept)) : compact
          epochMsg.best = best
        }
        seal()
        if (flushDue) flushEpochs()
      },
      wantProbe(epoch) {
        flushDue = epoch === config.epochs || performance.now() - lastEpochPost >= EPOCH_INTERVAL_MS
        return flushDue
      }
    },
    msg.resume === undefined ? undefined : expandCheckpoint(msg.resume as StoredTrainState)
  )
  flushEpochs()
  postProgress() // steps of a run stopped mid-epoch
  post({
    type: 'done',
    taskId,
    result: {
      status: result.status,
      error: result.error ?? null,
      trainLoss: Number.isFinite(result.trainLoss) ? result.trainLoss : null,
      valLoss: Number.isFinite(result.valLoss) ? result.valLoss : null,
      model: Object.keys(result.weights).length
        ? {
            weights: result.weights,
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
        : null
    }
  })
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
