// Supervises training: a queue of runs, up to `maxConcurrent` worker threads at once, metrics and
// checkpoints written by the main side (the only writer) about once a second in one transaction, contract
// events emitted, pause/resume/stop through a shared control word. A failing worker fails its run only.
import { availableParallelism } from 'node:os'
import type { Store } from '../store/index'
import { isStoreError, storeErrorMessage } from '../store/errors'
import { HEARTBEAT_TIMEOUT_MS } from '../store/experiments'
import { CONTROL_PAUSE, CONTROL_RUN, CONTROL_STOP } from '../../src-worker/protocol'
import type { EventBus } from './events'
import type { EngineCalibration } from '../../src-shared/estimate'
import { RunRecorder } from './run-recorder'
import { runTask, newTaskId } from './tasks'
import type { WorkerFactory } from './worker-factory'

interface Run {
  control: Int32Array
  done: Promise<void>
  paused: boolean
}

/** How often a training process looks for control requests from other processes. */
export const CONTROL_POLL_MS = 500
/**
 * How often its live rows are marked alive (a write, so not at every poll: each commit is a few WAL pages written
 * beside the training threads); a sixth of the time after which other processes take a run for dead.
 */
export const HEARTBEAT_MS = HEARTBEAT_TIMEOUT_MS / 6

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
    const exp = this.store.experiments.get(experimentId)!
    const resumeState = this.markStarted(experimentId, resume)
    const bytesGz = new Uint8Array(this.store.datasets.bytesGz(exp.datasetId)!)
    const control = new Int32Array(new SharedArrayBuffer(4))
    const recorder = new RunRecorder(experimentId, this.store.experiments, this.bus)
    const task = runTask(
      this.factory,
      {
        type: 'train',
        taskId: newTaskId(),
        bytesGz,
        importOptions: this.store.datasets.importOptions(exp.datasetId),
        config: exp.config,
        control: control.buffer as SharedArrayBuffer,
        resume: resumeState,
        calibration: this.calibration()
      },
      (m) => recorder.onMessage(m),
      [bytesGz.buffer as ArrayBuffer]
    )
    const done = task.done
      .catch((e: Error) => recorder.finish('failed', isStoreError(e) ? storeErrorMessage(e) : e.message))
      .finally(() => this.ended(experimentId))
    this.runs.set(experimentId, { control, done, paused: false })
  }

  /** Marks a run started (a resumed one rewound to its last checkpoint); returns the state to resume from. */
  private markStarted(experimentId: number, resume: boolean): unknown {
    const exps = this.store.experiments
    let resumeState: unknown
    if (resume) {
      const cp = exps.checkpoint(experimentId, 'last')
      exps.rewindTo(experimentId, cp ? cp.epoch : 0)
      resumeState = cp?.state
    }
    exps.markStarted(experimentId)
    exps.addEvent(
      experimentId,
      resume ? 'resumed' : 'started',
      resume ? { fromEpoch: exps.get(experimentId)!.epochsDone } : undefined
    )
    this.bus.emit('experiments.changed', { experimentId })
    return resumeState
  }

  private ended(experimentId: number): void {
    this.runs.delete(experimentId)
    this.watch()
    this.waiters.get(experimentId)?.resolve()
    this.waiters.delete(experimentId)
    this.pump()
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
