// The points of one loss curve (per-step loss, per-epoch train and validation loss), kept in plain
// arrays that the chart reads directly; `version` and `count` are the only reactive parts, so appending
// thousands of points never goes through a Svelte proxy.
import type { EpochPoint, ExperimentDetail, StepPoint } from '../../../src-shared/contract'
import { headlineOf } from '../../../src-shared/metrics'

export interface XY {
  x: number
  y: number
}
/** An epoch's losses; `seconds` = that epoch's training time. */
type EpochLike = Pick<EpochPoint, 'epoch' | 'trainLoss' | 'valLoss' | 'valMetrics'> & { seconds?: number }

export class LossSeries {
  /** Per-step training loss, x = global step. */
  readonly steps: XY[] = []
  /** Per-epoch losses, x = the last step of that epoch. */
  readonly train: XY[] = []
  readonly val: XY[] = []
  /** The same per-epoch losses against the epoch number and against wall-clock training seconds. */
  readonly trainByEpoch: XY[] = []
  readonly valByEpoch: XY[] = []
  readonly trainByTime: XY[] = []
  readonly valByTime: XY[] = []
  /** The validation metric the run is judged by (RMSE, accuracy, token accuracy) against the epoch number. */
  readonly metricByEpoch: XY[] = []
  /** Which metric metricByEpoch holds (its key in valMetrics), once an epoch has one. */
  metricKey = $state<string | null>(null)
  /** Bumped on every change; the chart redraws when it moves. */
  version = $state(0)
  /** Points in all three curves (exposed to tests as data-points). */
  count = $state(0)
  /** Bumped when the arrays were emptied (the chart then replaces its copies instead of appending). */
  generation = 0
  /** Which experiment these points belong to (null = none). */
  experimentId = $state<number | null>(null)

  private lastStep = -Infinity
  private lastEpoch = -Infinity
  private seconds = 0
  private epochEnd = new Map<number, number>()
  private loading: { id: number; steps: (readonly StepPoint[])[]; epochs: EpochLike[] } | null = null

  /** Empty the curves, ready for `experimentId`. */
  reset(experimentId: number | null): void {
    this.generation++
    this.steps.length = 0
    this.train.length = 0
    this.val.length = 0
    for (const a of [this.trainByEpoch, this.valByEpoch, this.trainByTime, this.valByTime, this.metricByEpoch])
      a.length = 0
    this.metricKey = null
    this.seconds = 0
    this.lastStep = -Infinity
    this.lastEpoch = -Infinity
    this.epochEnd.clear()
    this.loading = null
    this.experimentId = experimentId
    this.touch()
  }

  /**
   * Start showing `experimentId` while its stored points are fetched: live points that arrive in
   * the meantime are held and replayed by `load`, so none fall in the gap.
   */
  beginLoad(experimentId: number): void {
    this.loading = { id: experimentId, steps: [], epochs: [] }
    this.experimentId = experimentId
  }

  /** Replace everything with a stored run (`experiments.get`). */
  load(detail: Pick<ExperimentDetail, 'id' | 'steps' | 'epochs'>): void {
    const held = this.loading?.id === detail.id ? this.loading : null
    this.loading = null
    this.reset(detail.id)
    this.addSteps(detail.steps, false)
    for (const e of detail.epochs) this.addEpoch(e, false)
    if (held) {
      for (const s of held.steps) this.addSteps(s, false)
      for (const e of held.epochs) this.addEpoch(e, false)
    }
    this.touch()
  }

  /** Append steps newer than the last one seen (older ones are duplicates from a reload). */
  addSteps(points: readonly StepPoint[], notify = true): void {
    if (this.loading) {
      this.loading.steps.push(points)
      return
    }
    let added = false
    for (const p of points) {
      if (p.step <= this.lastStep) continue
      this.lastStep = p.step
      this.epochEnd.set(p.epoch, p.step)
      if (p.loss != null && Number.isFinite(p.loss)) {
        this.steps.push({ x: p.step, y: p.loss })
        added = true
      }
    }
    if (added && notify) this.touch()
  }

  addEpoch(e: EpochLike, notify = true): void {
    if (this.loading) {
      this.loading.epochs.push(e)
      return
    }
    if (e.epoch <= this.lastEpoch) return
    this.lastEpoch = e.epoch
    const x = this.epochEnd.get(e.epoch) ?? (Number.isFinite(this.lastStep) ? this.lastStep : e.epoch)
    if (e.trainLoss != null && Number.isFinite(e.trainLoss)) this.train.push({ x, y: e.trainLoss })
    if (e.valLoss != null && Number.isFinite(e.valLoss)) this.val.push({ x, y: e.valLoss })
    this.seconds += Number.isFinite(e.seconds) ? e.seconds! : 0
    const t = this.seconds
    if (e.trainLoss != null && Number.isFinite(e.trainLoss)) {
      this.trainByEpoch.push({ x: e.epoch, y: e.trainLoss })
      this.trainByTime.push({ x: t, y: e.trainLoss })
    }
    if (e.valLoss != null && Number.isFinite(e.valLoss)) {
      this.valByEpoch.push({ x: e.epoch, y: e.valLoss })
      this.valByTime.push({ x: t, y: e.valLoss })
    }
    const h = headlineOf(e.valMetrics)
    if (h) {
      this.metricByEpoch.push({ x: e.epoch, y: h.value })
      if (this.metricKey !== h.key) this.metricKey = h.key
    }
    if (notify) this.touch()
  }

  get empty(): boolean {
    return this.count === 0
  }

  private touch(): void {
    this.count = this.steps.length + this.train.length + this.val.length
    this.version++
  }
}
