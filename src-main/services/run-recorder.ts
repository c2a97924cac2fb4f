// Records one training run's worker messages: metrics and checkpoints into the store (the only writer), contract
// events onto the bus. Step rows are buffered and go to the store with the next epoch batch (about once a second),
// or on their own after STEP_WRITE_MS: one transaction a second instead of one per progress message (~10 a second),
// which on a two-core machine took CPU from the training threads. Events still go out with every message.
import { storeErrorMessage } from '../store/errors'
import type { CheckpointRecord, ExperimentsRepo } from '../store/experiments'
import type { StepPoint } from '../../src-shared/contract'
import type { EpochsMessage, FromWorker, ProgressMessage, SharedCheckpoint } from '../../src-worker/protocol'
import type { EventBus } from './events'

/** Retries a store write that failed (busy, full) every RETRY_MS for up to RETRY_FOR_MS, without blocking. */
export const RETRY_MS = 250
export const RETRY_FOR_MS = 10 * 60_000
function retryWrite(write: () => void, then: () => void, started = Date.now()): void {
  try {
    write()
    then()
  } catch {
    if (Date.now() - started < RETRY_FOR_MS) setTimeout(() => retryWrite(write, then, started), RETRY_MS).unref()
  }
}

/** Step rows not sent with an epoch batch (those of a long epoch) are written at least this often: twice the
 * worker's epoch batch interval, so a run of short epochs writes its steps with its epochs only. */
export const STEP_WRITE_MS = 2000

type EndStatus = 'completed' | 'stopped' | 'failed'
type EpochItem = EpochsMessage['items'][number]

const isShared = (c: unknown): c is SharedCheckpoint =>
  !!c && typeof c === 'object' && (c as SharedCheckpoint).shared instanceof SharedArrayBuffer

/**
 * A checkpoint as the store takes it: the worker sends the bytes to store, mostly in shared slots it reuses
 * (released once written, see releaseSlots), or a state object of its own.
 */
function checkpointRecord(kind: 'last' | 'best', e: EpochItem): CheckpointRecord {
  const c = e.checkpoint
  if (c instanceof Uint8Array) return { kind, epoch: e.epoch, bytes: c }
  if (isShared(c)) return { kind, epoch: e.epoch, bytes: Buffer.from(c.shared, c.offset, c.length) }
  return { kind, epoch: e.epoch, state: c }
}

/** The latest checkpoint and the latest best one of a batch of epochs. */
function batchCheckpoints(items: EpochItem[]): CheckpointRecord[] {
  const last = items.findLast((e) => e.checkpoint !== undefined)
  const best = items.findLast((e) => e.best && e.checkpoint !== undefined)
  return [...(last ? [checkpointRecord('last', last)] : []), ...(best ? [checkpointRecord('best', best)] : [])]
}

function releaseSlots(items: EpochItem[]): void {
  for (const e of items)
    if (isShared(e.checkpoint)) Atomics.store(new Int32Array(e.checkpoint.shared, 0, 2), e.checkpoint.slot, 0)
}

function epochPoint(e: EpochItem) {
  return {
    epoch: e.epoch,
    seconds: e.seconds,
    trainLoss: Number.isFinite(e.trainLoss) ? e.trainLoss : null,
    valLoss: Number.isFinite(e.valLoss) ? e.valLoss : null,
    valMetrics: e.valMetrics ?? null,
    lr: e.lr,
    diagnostics: e.diagnostics
  }
}

export class RunRecorder {
  private steps: StepPoint[] = []
  private stepsAt = performance.now()
  private finished = false

  constructor(
    private experimentId: number,
    private exps: ExperimentsRepo,
    private bus: EventBus
  ) {}

  onMessage(m: FromWorker): void {
    const experimentId = this.experimentId
    if (m.type === 'progress') this.progress(m)
    else if (m.type === 'epochs') this.epochs(m)
    else if (m.type === 'paused' || m.type === 'resumed') {
      this.writeSteps()
      this.exps.setStatus(experimentId, m.type === 'paused' ? 'paused' : 'running')
      this.exps.addEvent(experimentId, m.type)
      this.bus.emit('experiments.changed', { experimentId })
    } else if (m.type === 'event') this.exps.addEvent(experimentId, m.kind, m.detail)
    else if (m.type === 'baselines') {
      this.exps.setBaselines(experimentId, m.baselines)
      this.bus.emit('experiments.changed', { experimentId })
    } else if (m.type === 'done') {
      if (m.result.finalMetrics) this.exps.setFinalMetrics(experimentId, m.result.finalMetrics)
      this.finish(m.result.status, m.result.error, m.result.model ?? undefined)
    }
  }

  /** Records the run's end once (later calls are ignored); a store that refuses it gets it retried. */
  finish(status: EndStatus, error: string | null, model?: unknown): void {
    if (this.finished) return
    this.finished = true
    const experimentId = this.experimentId
    let trainLoss: number | null = null,
      valLoss: number | null = null
    try {
      this.writeSteps()
      this.exps.finish(experimentId, status, error, model)
      this.exps.addEvent(experimentId, status, error ? { error } : undefined)
      const e = this.exps.get(experimentId)!
      trainLoss = e.trainLoss
      valLoss = e.valLoss
    } catch (e) {
      // The store refused the last write too (disk full, locked…): its last committed epoch stays
      // resumable, and the failure is recorded as soon as the store takes writes again.
      status = 'failed'
      error = this.retryFailed(error, storeErrorMessage(e))
    }
    this.bus.emit('training.finished', { experimentId, status, trainLoss, valLoss, error })
    this.bus.emit('experiments.changed', { experimentId })
  }

  /** Records the run as failed as soon as the store takes writes; returns the error it records. */
  private retryFailed(error: string | null, why: string): string {
    const experimentId = this.experimentId
    const message = error && error !== why ? `${error}; ${why}` : why
    retryWrite(
      () => this.exps.finish(experimentId, 'failed', message),
      () => this.bus.emit('experiments.changed', { experimentId })
    )
    return message
  }

  private takeSteps(): StepPoint[] {
    const s = this.steps
    this.steps = []
    this.stepsAt = performance.now()
    return s
  }

  private writeSteps(): void {
    if (this.steps.length) this.exps.writeMetrics(this.experimentId, this.takeSteps())
  }

  private progress(m: ProgressMessage): void {
    for (const p of m.steps) this.steps.push(p)
    if (performance.now() - this.stepsAt >= STEP_WRITE_MS) this.writeSteps()
    this.bus.emit('training.progress', {
      experimentId: this.experimentId,
      epoch: m.epoch,
      epochs: m.epochs,
      step: m.step,
      stepsPerEpoch: m.stepsPerEpoch,
      totalSteps: m.totalSteps,
      elapsedSeconds: m.elapsedSeconds,
      etaSeconds: m.etaSeconds,
      seqPerSec: m.seqPerSec,
      steps: m.steps
    })
  }

  /** The epochs, the latest checkpoint and the latest best one in one transaction. */
  private epochs(m: EpochsMessage): void {
    const points = m.items.map(epochPoint)
    try {
      this.exps.writeMetrics(
        this.experimentId,
        this.takeSteps(),
        points.map((p, i) => ({ ...p, seqPerSec: m.items[i].seqPerSec })),
        batchCheckpoints(m.items)
      )
    } finally {
      releaseSlots(m.items)
    }
    for (const p of points) this.bus.emit('training.epoch', { experimentId: this.experimentId, ...p })
  }
}
