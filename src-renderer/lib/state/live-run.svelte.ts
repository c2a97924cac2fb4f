// The run being trained from this window: progress, speed, ETA and how it ended.
import type { EventPayload, ExperimentStatus } from './types'

export type LivePhase = 'idle' | 'starting' | 'running' | 'stopping' | 'ended'

export class LiveRun {
  id = $state<number | null>(null)
  phase = $state<LivePhase>('idle')
  epoch = $state(0)
  epochs = $state(0)
  /** Share of all steps done, 0..1. */
  fraction = $state(0)
  etaSeconds = $state<number | null>(null)
  seqPerSec = $state<number | null>(null)
  elapsedSeconds = $state(0)
  trainLoss = $state<number | null>(null)
  valLoss = $state<number | null>(null)
  status = $state<ExperimentStatus | null>(null)
  private epochSeconds = 0
  error = $state<string | null>(null)

  active = $derived(this.phase === 'starting' || this.phase === 'running' || this.phase === 'stopping')

  begin(epochs: number): void {
    this.id = null
    this.phase = 'starting'
    this.epoch = 0
    this.epochs = epochs
    this.fraction = 0
    this.etaSeconds = null
    this.seqPerSec = null
    this.elapsedSeconds = 0
    this.epochSeconds = 0
    this.trainLoss = null
    this.valLoss = null
    this.status = null
    this.error = null
  }

  /** Follow a run that was already running (e.g. after the window reloaded). */
  follow(id: number, epochsDone: number, epochs: number): void {
    this.begin(epochs)
    this.id = id
    this.phase = 'running'
    this.status = 'running'
    this.epoch = epochsDone
    this.fraction = epochs > 0 ? epochsDone / epochs : 0
  }

  started(id: number): void {
    this.id = id
    if (this.phase === 'starting') {
      this.phase = 'running'
      this.status = 'running'
    }
  }

  progress(p: EventPayload<'training.progress'>): void {
    if (this.phase === 'starting') {
      this.phase = 'running'
      this.status = 'running'
    }
    this.epochs = p.epochs
    if (p.seqPerSec != null) this.seqPerSec = p.seqPerSec
    // The flush of an epoch's last steps carries totalSteps 0: it moves no counters.
    if (p.totalSteps > 0) {
      this.epoch = p.epoch
      this.fraction = Math.min(1, ((p.epoch - 1) * p.stepsPerEpoch + p.step) / p.totalSteps)
      this.etaSeconds = p.etaSeconds
      this.elapsedSeconds = p.elapsedSeconds
    }
  }

  epochDone(e: EventPayload<'training.epoch'>): void {
    // Epoch events arrive after the (merged) progress that may already be in the next epoch.
    this.epoch = Math.max(this.epoch, e.epoch)
    this.epochSeconds += e.seconds
    this.elapsedSeconds = Math.max(this.elapsedSeconds, this.epochSeconds)
    if (this.epochs > 0) this.fraction = Math.max(this.fraction, e.epoch / this.epochs)
    this.trainLoss = e.trainLoss
    this.valLoss = e.valLoss
  }

  stopping(): void {
    if (this.active) this.phase = 'stopping'
  }

  finished(f: EventPayload<'training.finished'>): void {
    this.phase = 'ended'
    this.status = f.status
    this.trainLoss = f.trainLoss
    this.valLoss = f.valLoss
    this.error = f.error
    this.etaSeconds = null
    if (f.status === 'completed') this.fraction = 1
  }

  failedToStart(message: string): void {
    this.phase = 'idle'
    this.error = message
  }
}
