// Supervises training: a queue of runs, up to `maxConcurrent` worker threads at once, metrics and
// checkpoints written by the main side (the only writer) about once a second in one transaction, contract
// events emitted, pause/resume/stop through a shared control word. A failing worker fails its run only.
import { availableParallelism } from 'node:os'
import type { Store } from '../store/index'
import { isStoreError, storeErrorMessage } from '../store/errors'
import { HEARTBEAT_TIMEOUT_MS, type CheckpointRecord } from '../store/experiments'
import type { ExperimentConfig, StepPoint } from '../../src-shared/contract'
import { CONTROL_PAUSE, CONTROL_RUN, CONTROL_STOP, type SharedCheckpoint } from '../../src-worker/protocol'
import type { EventBus } from './events'
import type { EngineCalibration } from '../../src-shared/estimate'
import { runTask, newTaskId } from './tasks'
import type { WorkerFactory } from './worker-factory'

interface Run {
  control: Int32Array
  done: Promise<void>
  paused: boolean
}

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

/** How often a training process looks for control requests from other processes. */
export const CONTROL_POLL_MS = 500
/**
 * How often its live rows are marked alive (a write, so not at every poll: each commit is a few WAL pages written
 * beside the training threads); a sixth of the time after which other processes take a run for dead.
 */
export const HEARTBEAT_MS = HEARTBEAT_TIMEOUT_MS / 6

const isShared = (c: unknown): c is SharedCheckpoint =>
  !!c && typeof c === 'object' && (c as SharedCheckpoint).shared instanceof SharedArrayBuffer

export const defaultConcurrency = (): number => Math.max(1, availableParallelism() - 1)

export class TrainingManager {
  private runs = new Map<number, Run>()
  private queue: { id: number; resume: boolean }[] = []
  private waiters = new Map<number, { promise: Promise<void>; resolve: () => void }>()

  constructor(
    private store: Store,
    private bus: EventBus,
    private factory: WorkerFactory,
    public maxConcurrent = defaultConcurrency(),
    /** The stored engine calibration: a run records its time estimate from it (src-shared/estimate.ts). */
    private calibration: () => EngineCalibration | undefined = () => undefined
  ) {}

  isRunning(id: number): boolean {
    return this.runs.has(id)
  }
  isQueued(id: number): boolean {
    return this.queue.some((q) => q.id === id)
  }
  get active(): number {
    return this.runs.size
  }

  /** Resolves when the run has ended (completed, stopped or failed) — or at once when it is not active. */
  whenDone(id: number): Promise<void> {
    return this.waiters.get(id)?.promise ?? Promise.resolve()
  }

  /** Queue a run (fresh, or `resume` from its last checkpoint); it starts when a slot is free. */
  enqueue(id: number, resume = false): void {
    if (this.runs.has(id) || this.isQueued(id)) return
    let resolve!: () => void
    const promise = new Promise<void>((r) => {
      resolve = r
    })
    this.waiters.set(id, { promise, resolve })
    this.queue.push({ id, resume })
    this.store.experiments.markQueued(id)
    this.bus.emit('experiments.changed', { experimentId: id })
    this.pump()
  }

  private pump(): void {
    this.watch()
    while (this.runs.size < this.maxConcurrent && this.queue.length) {
      const next = this.queue.shift()!
      this.launch(next.id, next.resume)
    }
  }

  private launch(experimentId: number, resume: boolean): void {
    const exps = this.store.experiments
    const exp = exps.get(experimentId)!
    const config: ExperimentConfig = exp.config
    const bytesGz = new Uint8Array(this.store.datasets.bytesGz(exp.datasetId)!)
    let resumeState: unknown
    if (resume) {
      const cp = exps.checkpoint(experimentId, 'last')
      if (cp) {
        exps.rewindTo(experimentId, cp.epoch)
        resumeState = cp.state
      } else {
        exps.rewindTo(experimentId, 0)
      }
    }
    exps.markStarted(experimentId)
    exps.addEvent(
      experimentId,
      resume ? 'resumed' : 'started',
      resume ? { fromEpoch: exps.get(experimentId)!.epochsDone } : undefined
    )
    this.bus.emit('experiments.changed', { experimentId })

    const control = new Int32Array(new SharedArrayBuffer(4))
    // Step rows wait here and go to the store with the next epoch batch (about once a second), or on their own
    // after STEP_WRITE_MS: one transaction a second instead of one per progress message (~10 a second), which
    // on a two-core machine took CPU from the training threads. Events still go out with every message.
    let steps: StepPoint[] = [],
      stepsAt = performance.now()
    const takeSteps = (): StepPoint[] => {
      const s = steps
      steps = []
      stepsAt = performance.now()
      return s
    }
    const writeSteps = () => {
      if (steps.length) exps.writeMetrics(experimentId, takeSteps())
    }
    let finished = false
    const finish = (status: 'completed' | 'stopped' | 'failed', error: string | null, model?: unknown) => {
      if (finished) return
      finished = true
      let trainLoss: number | null = null,
        valLoss: number | null = null
      try {
        writeSteps()
        exps.finish(experimentId, status, error, model)
        exps.addEvent(experimentId, status, error ? { error } : undefined)
        const e = exps.get(experimentId)!
        trainLoss = e.trainLoss
        valLoss = e.valLoss
      } catch (e) {
        // The store refused the last write too (disk full, locked…): its last committed epoch stays
        // resumable, and the failure is recorded as soon as the store takes writes again.
        status = 'failed'
        const why = storeErrorMessage(e)
        error = error && error !== why ? `${error}; ${why}` : why
        const message = error
        retryWrite(
          () => exps.finish(experimentId, 'failed', message),
          () => this.bus.emit('experiments.changed', { experimentId })
        )
      }
      this.bus.emit('training.finished', { experimentId, status, trainLoss, valLoss, error })
      this.bus.emit('experiments.changed', { experimentId })
    }

    const task = runTask(
      this.factory,
      {
        type: 'train',
        taskId: newTaskId(),
        bytesGz,
        importOptions: this.store.datasets.importOptions(exp.datasetId),
        config,
        control: control.buffer as SharedArrayBuffer,
        resume: resumeState,
        calibration: this.calibration()
      },
      (m) => {
        if (m.type === 'progress') {
          for (const p of m.steps) steps.push(p)
          if (performance.now() - stepsAt >= STEP_WRITE_MS) writeSteps()
          this.bus.emit('training.progress', {
            experimentId,
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
        } else if (m.type === 'epochs') {
          const points = m.items.map((e) => ({
            epoch: e.epoch,
            seconds: e.seconds,
            trainLoss: Number.isFinite(e.trainLoss) ? e.trainLoss : null,
            valLoss: Number.isFinite(e.valLoss) ? e.valLoss : null,
            valMetrics: e.valMetrics ?? null,
            lr: e.lr,
            diagnostics: e.diagnostics
          }))
          // the epochs, the latest checkpoint and the latest best one in one transaction
          const last = m.items.findLast((e) => e.checkpoint !== undefined)
          const best = m.items.findLast((e) => e.best && e.checkpoint !== undefined)
          // (the worker sends them as the bytes to store, mostly in shared slots it reuses: released once written)
          const record = (kind: 'last' | 'best', e: { epoch: number; checkpoint?: unknown }): CheckpointRecord => {
            const c = e.checkpoint
            if (c instanceof Uint8Array) return { kind, epoch: e.epoch, bytes: c }
            if (isShared(c)) return { kind, epoch: e.epoch, bytes: Buffer.from(c.shared, c.offset, c.length) }
            return { kind, epoch: e.epoch, state: c }
          }
          try {
            const checkpoints = [...(last ? [record('last', last)] : []), ...(best ? [record('best', best)] : [])]
            exps.writeMetrics(
              experimentId,
              takeSteps(),
              points.map((p, i) => ({ ...p, seqPerSec: m.items[i].seqPerSec })),
              checkpoints
            )
          } finally {
            for (const e of m.items)
              if (isShared(e.checkpoint)) Atomics.store(new Int32Array(e.checkpoint.shared, 0, 2), e.checkpoint.slot, 0)
          }
          for (const p of points) this.bus.emit('training.epoch', { experimentId, ...p })
        } else if (m.type === 'paused' || m.type === 'resumed') {
          writeSteps()
          exps.setStatus(experimentId, m.type === 'paused' ? 'paused' : 'running')
          exps.addEvent(experimentId, m.type)
          this.bus.emit('experiments.changed', { experimentId })
        } else if (m.type === 'event') {
          exps.addEvent(experimentId, m.kind, m.detail)
        } else if (m.type === 'baselines') {
          exps.setBaselines(experimentId, m.baselines)
          this.bus.emit('experiments.changed', { experimentId })
        } else if (m.type === 'done') {
          if (m.result.finalMetrics) exps.setFinalMetrics(experimentId, m.result.finalMetrics)
          finish(m.result.status, m.result.error, m.result.model ?? undefined)
        }
      },
      [bytesGz.buffer as ArrayBuffer]
    )

    const done = task.done
      .catch((e: Error) => finish('failed', isStoreError(e) ? storeErrorMessage(e) : e.message))
      .finally(() => {
        this.runs.delete(experimentId)
        this.watch()
        this.waiters.get(experimentId)?.resolve()
        this.waiters.delete(experimentId)
        this.pump()
      })
    this.runs.set(experimentId, { control, done, paused: false })
  }

  private timer: NodeJS.Timeout | null = null
  private beatAt = -Infinity

  /** While runs are active: heartbeat, and apply control requests other processes left in the store. */
  private watch(): void {
    if (this.timer || (!this.runs.size && !this.queue.length)) return
    this.timer = setInterval(() => {
      if (!this.runs.size && !this.queue.length) {
        clearInterval(this.timer!)
        this.timer = null
        return
      }
      if (performance.now() - this.beatAt >= HEARTBEAT_MS) {
        this.store.experiments.heartbeat()
        this.beatAt = performance.now()
      }
      for (const r of this.store.experiments.takeControlRequests()) {
        if (r.control === 'stop') this.stop(r.id)
        else if (r.control === 'pause') this.pause(r.id)
        else this.unpause(r.id)
      }
    }, CONTROL_POLL_MS)
    this.timer.unref()
  }

  /** Asks a run to stop after its current step (a queued run is simply dropped). */
  stop(experimentId: number): boolean {
    const qi = this.queue.findIndex((q) => q.id === experimentId)
    if (qi >= 0) {
      this.queue.splice(qi, 1)
      this.store.experiments.finish(experimentId, 'stopped', null)
      this.bus.emit('experiments.changed', { experimentId })
      this.waiters.get(experimentId)?.resolve()
      this.waiters.delete(experimentId)
      return true
    }
    const run = this.runs.get(experimentId)
    if (!run) return false
    Atomics.store(run.control, 0, CONTROL_STOP)
    Atomics.notify(run.control, 0)
    return true
  }

  pause(experimentId: number): boolean {
    const run = this.runs.get(experimentId)
    if (!run || Atomics.load(run.control, 0) !== CONTROL_RUN) return false
    Atomics.store(run.control, 0, CONTROL_PAUSE)
    return true
  }

  /** Continues a paused run. */
  unpause(experimentId: number): boolean {
    const run = this.runs.get(experimentId)
    if (!run || Atomics.load(run.control, 0) !== CONTROL_PAUSE) return false
    Atomics.store(run.control, 0, CONTROL_RUN)
    Atomics.notify(run.control, 0)
    return true
  }

  /** Stop every run and wait for them (used when the app quits). */
  async stopAll(): Promise<void> {
    for (const q of [...this.queue]) this.stop(q.id)
    for (const id of this.runs.keys()) this.stop(id)
    await Promise.all([...this.runs.values()].map((r) => r.done))
  }
}
