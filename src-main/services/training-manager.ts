// Supervises training workers: one worker thread per run, metrics written by the main side in one
// transaction per message, contract events emitted, stop through a shared control word.
import type { Store } from '../store/index'
import type { ExperimentConfig } from '../../src-shared/contract'
import { CONTROL_STOP } from '../../src-worker/protocol'
import type { EventBus } from './events'
import { runTask, newTaskId } from './tasks'
import type { WorkerFactory } from './worker-factory'

interface Run { control: Int32Array; done: Promise<void> }

export class TrainingManager {
  private runs = new Map<number, Run>()

  constructor(private store: Store, private bus: EventBus, private factory: WorkerFactory) {}

  isRunning(id: number): boolean { return this.runs.has(id) }

  /** Starts training `experimentId`; resolves when the run has ended (completed, stopped or failed). */
  start(experimentId: number, config: ExperimentConfig, bytesGz: Uint8Array): Promise<void> {
    const exps = this.store.experiments
    exps.markStarted(experimentId)
    this.bus.emit('experiments.changed', { experimentId })
    const control = new Int32Array(new SharedArrayBuffer(4))
    let finished = false
    const finish = (status: 'completed' | 'stopped' | 'failed', trainLoss: number | null, valLoss: number | null, error: string | null) => {
      if (finished) return
      finished = true
      exps.finish(experimentId, status, trainLoss, valLoss, error)
      this.bus.emit('training.finished', { experimentId, status, trainLoss, valLoss, error })
      this.bus.emit('experiments.changed', { experimentId })
    }
    const task = runTask(this.factory, { type: 'train', taskId: newTaskId(), bytesGz, config, control: control.buffer as SharedArrayBuffer }, (m) => {
      if (m.type === 'progress') {
        exps.writeMetrics(experimentId, m.steps)
        this.bus.emit('training.progress', {
          experimentId, epoch: m.epoch, epochs: m.epochs, step: m.step, stepsPerEpoch: m.stepsPerEpoch,
          totalSteps: m.totalSteps, elapsedSeconds: m.elapsedSeconds, etaSeconds: m.etaSeconds,
          seqPerSec: m.seqPerSec, steps: m.steps
        })
      } else if (m.type === 'epoch') {
        const point = {
          epoch: m.epoch, seconds: m.seconds,
          trainLoss: Number.isFinite(m.trainLoss) ? m.trainLoss : null,
          valLoss: Number.isFinite(m.valLoss) ? m.valLoss : null
        }
        exps.writeMetrics(experimentId, m.steps, { ...point, lr: m.lr, diagnostics: m.diagnostics })
        if (m.steps.length) {
          this.bus.emit('training.progress', {
            experimentId, epoch: m.epoch, epochs: config.epochs, step: 0, stepsPerEpoch: 0, totalSteps: 0,
            elapsedSeconds: 0, etaSeconds: null, seqPerSec: null, steps: m.steps
          })
        }
        this.bus.emit('training.epoch', { experimentId, ...point })
      } else if (m.type === 'done') {
        const r = m.result
        if (r.weights) exps.saveCheckpoint(experimentId, 'final', exps.get(experimentId)?.epochsDone ?? 0, { weights: r.weights, normalization: r.normalization })
        finish(r.status, r.trainLoss, r.valLoss, r.error)
      }
    }, [bytesGz.buffer as ArrayBuffer])
    const done = task.done.catch((e: Error) => {
      const last = exps.get(experimentId)
      finish('failed', last?.trainLoss ?? null, last?.valLoss ?? null, e.message)
    }).finally(() => this.runs.delete(experimentId))
    this.runs.set(experimentId, { control, done })
    return done
  }

  /** Asks a run to stop after its current step. Returns false when it is not running. */
  stop(experimentId: number): boolean {
    const run = this.runs.get(experimentId)
    if (!run) return false
    Atomics.store(run.control, 0, CONTROL_STOP)
    return true
  }

  /** Stop every run and wait for them (used when the app quits). */
  async stopAll(): Promise<void> {
    for (const id of this.runs.keys()) this.stop(id)
    await Promise.all([...this.runs.values()].map((r) => r.done))
  }
}
