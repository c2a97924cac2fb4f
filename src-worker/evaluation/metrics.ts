// Validation metrics in the user's units, every epoch. Teacher-forced mappings read the head's outputs of the
// validation pass the trainer already runs (no extra forward); multi-step decoders (seq2seq) are judged by what
// they produce when fed their own predictions, in one extra free-running pass over the validation split.
//   regression     {rmse, mae} over every validation window × horizon step × output, after mapping predictions
//                  back to the target's units (normalisation and any differencing: the `units` map)
//   classification {accuracy} over the counted steps (argmax)
//   tokens         {tokenAccuracy, exactMatch}: greedy free-running decode against the target tokens (to <eos>)
//   generation     {tokenAccuracy}: teacher-forced next token
import type { Arr } from '../engine/arr.js'
import type { Batch, Model } from '../engine/model.js'
import { metricKindOf, type MetricKind, type ValMetrics } from '../../src-shared/metrics.js'
import type { SeriesAnchors, TargetTransform } from '../data/target-transform.js'

/** How model-space predictions become the user's units, and the validation targets in those units. */
export interface UnitsMap {
  /** (n, ty, O) the validation targets in the target's own units */
  truth: Float64Array
  /** (n, ty, O) model-space predictions of the validation split → the target's units, into `out` */
  toUnits(pred: Float32Array, out: Float64Array): void
  /** what `toUnits` inverts, and where differenced targets continue (the PyTorch project re-implements it) */
  transform?: TargetTransform
  anchors?: SeriesAnchors
}

/** The validation split as the metrics read it (sample-major, like the trainer's SplitData). */
export interface MetricSplit {
  n: number
  x: Float32Array
  y: Float32Array
  mask?: Float32Array
}

/** Accumulates one epoch's validation metrics batch by batch; `result()` ends the epoch. */
export class ValidationMetrics {
  readonly kind: MetricKind
  /** seq2seq decoders are judged free-running: `runFree` makes its own pass */
  readonly freeRunning: boolean
  private readonly pred: Float32Array // regression: (n, ty, O) model-space predictions of this epoch
  private readonly units: Float64Array
  private hits = 0
  private counted = 0
  private exact = 0
  private sequences = 0
  private freeOut: Arr | null = null
  private chosen: Int32Array | null = null

  constructor(
    private readonly spec: { mapping: string; task: string; ty: number; outputSize: number },
    private readonly val: MetricSplit,
    private readonly unitsMap?: UnitsMap
  ) {
    this.kind = metricKindOf(spec.mapping, spec.task)
    this.freeRunning = spec.mapping === 'seq2seq'
    const size = this.kind === 'regression' ? val.n * spec.ty * spec.outputSize : 0
    this.pred = new Float32Array(size)
    this.units = new Float64Array(size)
  }

  /** Starts an epoch. */
  reset(): void {
    this.hits = this.counted = this.exact = this.sequences = 0
  }

  /**
   * After a teacher-forced validation forward of samples [start, start + B) (the batch `batch` holds): reads the
   * head's outputs `logits` (Tout, B, O). Free-running decoders ignore it (they are scored by `runFree`).
   */
  addForward(logits: Arr, batch: Batch, start: number): void {
    if (this.freeRunning) return
    const B = batch.B,
      O = this.spec.outputSize,
      T = this.spec.ty
    if (this.kind === 'regression') {
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++) {
          const src = (t * B + b) * O,
            dst = ((start + b) * T + t) * O
          for (let k = 0; k < O; k++) this.pred[dst + k] = logits[src + k]
        }
      return
    }
    for (let r = 0; r < T * B; r++) {
      if (batch.mask[r] === 0) continue
      this.counted++
      if (argmax(logits, r * O, O) === batch.cls[r]) this.hits++
    }
  }

  /** The free-running pass of a seq2seq decoder over the whole validation split (greedy for tokens). */
  runFree(model: Model, batch: Batch): void {
    if (!this.freeRunning) return
    const { n, x, y, mask } = this.val,
      Bmax = model.Bmax,
      O = this.spec.outputSize,
      T = this.spec.ty
    this.freeOut ??= new (model.dtype === 'float64' ? Float64Array : Float32Array)(T * Bmax * O)
    this.chosen ??= new Int32Array(T * Bmax)
    const idx = new Int32Array(n)
    for (let i = 0; i < n; i++) idx[i] = i
    for (let start = 0; start < n; start += Bmax) {
      const B = Math.min(Bmax, n - start)
      batch.fill(x, y, mask, idx, start, B)
      model.predict(batch, this.freeOut, null, this.chosen)
      if (this.kind === 'regression') {
        for (let t = 0; t < T; t++)
          for (let b = 0; b < B; b++)
            for (let k = 0; k < O; k++) this.pred[((start + b) * T + t) * O + k] = this.freeOut[(t * B + b) * O + k]
        continue
      }
      for (let b = 0; b < B; b++) {
        let all = true
        for (let t = 0; t < T; t++) {
          const r = t * B + b
          if (batch.mask[r] === 0) continue
          this.counted++
          if (this.chosen[r] === batch.cls[r]) this.hits++
          else all = false
        }
        this.sequences++
        if (all) this.exact++
      }
    }
  }

  /** The epoch's metrics, finite ones only (null without any: no validation samples, no units map). */
  result(): ValMetrics | null {
    const m = this.val.n === 0 ? null : this.all()
    const kept = m ? Object.entries(m).filter(([, v]) => Number.isFinite(v)) : []
    return kept.length ? Object.fromEntries(kept) : null
  }

  private all(): ValMetrics | null {
    if (this.kind === 'regression') return this.regression()
    const share = this.counted ? this.hits / this.counted : NaN
    if (this.kind === 'classification') return { accuracy: share }
    if (this.kind === 'generation') return { tokenAccuracy: share }
    return { tokenAccuracy: share, exactMatch: this.sequences ? this.exact / this.sequences : NaN }
  }

  private regression(): ValMetrics | null {
    if (!this.unitsMap) return null
    this.unitsMap.toUnits(this.pred, this.units)
    const truth = this.unitsMap.truth,
      mask = this.val.mask,
      O = this.spec.outputSize
    let se = 0,
      ae = 0,
      cnt = 0
    for (let i = 0; i < truth.length; i++) {
      if (mask && mask[Math.floor(i / O)] === 0) continue
      const d = this.units[i] - truth[i]
      se += d * d
      ae += Math.abs(d)
      cnt++
    }
    return cnt ? { rmse: Math.sqrt(se / cnt), mae: ae / cnt } : null
  }
}

function argmax(a: Arr, off: number, n: number): number {
  let k = 0
  for (let i = 1; i < n; i++) if (a[off + i] > a[off + k]) k = i
  return k
}
