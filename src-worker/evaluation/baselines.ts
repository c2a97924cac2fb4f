// Baselines a run has to beat, scored on the same validation split as the run:
//   series regression  persistence   — the window's last observed level, repeated over the horizon
//                      seasonalNaive — the value one period before, from the last observed period
//                      ({rmse, mae} in the target's units; loss on the run's own loss scale)
//   classification     classPrior {loss} (training class frequencies) and majority {accuracy}
//   token outputs      unigram {loss} (training token frequencies at every step, <eos> included)
// Frequencies are add-one smoothed, so a class or token the training split lacks costs a finite loss.
import type { Baselines } from '../../src-shared/metrics.js'

/** Where each validation target sits in the file: enough to score rules that read the series itself. */
export interface SeriesTargets {
  /** the target columns after the missing-value policy, in their own units */
  columns: Float64Array[]
  /** (n, ty): the row of each target step */
  targetRows: Int32Array
  /** (n, ty): the last row of the target the window has observed before that step */
  lastRows: Int32Array
  /** (n, ty) 1 = counts; absent = all */
  mask?: Float32Array
}

/** Loss of predictions in the target's units (n, ty, O), on the run's loss scale. */
export type LossOfUnits = (pred: Float64Array) => number

function scores(
  pred: Float64Array,
  s: SeriesTargets,
  loss: LossOfUnits
): { rmse: number; mae: number; loss: number } | null {
  const O = s.columns.length
  let se = 0,
    ae = 0,
    cnt = 0
  for (let r = 0; r < s.targetRows.length; r++) {
    if (s.mask && s.mask[r] === 0) continue
    for (let k = 0; k < O; k++) {
      const d = pred[r * O + k] - s.columns[k][s.targetRows[r]]
      se += d * d
      ae += Math.abs(d)
      cnt++
    }
  }
  if (!cnt || !Number.isFinite(se)) return null
  return { rmse: Math.sqrt(se / cnt), mae: ae / cnt, loss: loss(pred) }
}

/** persistence and (with a period) seasonalNaive for a series regression target. */
export function seriesBaselines(s: SeriesTargets, period: number | null, loss: LossOfUnits): Baselines {
  const O = s.columns.length,
    N = s.targetRows.length
  const out: Baselines = {}
  const last = new Float64Array(N * O)
  for (let r = 0; r < N; r++) for (let k = 0; k < O; k++) last[r * O + k] = s.columns[k][s.lastRows[r]]
  const p = scores(last, s, loss)
  if (p) out.persistence = p
  if (period && period >= 1) {
    const seasonal = new Float64Array(N * O)
    let ok = true
    for (let r = 0; r < N && ok; r++) {
      const h = s.targetRows[r] - s.lastRows[r],
        from = s.targetRows[r] - period * Math.ceil(h / period)
      if (from < 0) ok = false
      else for (let k = 0; k < O; k++) seasonal[r * O + k] = s.columns[k][from]
    }
    const q = ok ? scores(seasonal, s, loss) : null
    if (q) out.seasonalNaive = { ...q, period }
  }
  return out
}

/** Counted labels of a split: (n, ty) class ids with an optional mask. */
export interface Labels {
  y: Float32Array
  mask?: Float32Array
}

function frequencies(train: Labels, classes: number): Float64Array {
  const f = new Float64Array(classes).fill(1)
  let total = classes
  for (let r = 0; r < train.y.length; r++) {
    if (train.mask && train.mask[r] === 0) continue
    const c = train.y[r]
    if (c >= 0 && c < classes) {
      f[c]++
      total++
    }
  }
  for (let k = 0; k < classes; k++) f[k] /= total
  return f
}

function crossEntropy(p: Float64Array, val: Labels): number {
  let s = 0,
    n = 0
  for (let r = 0; r < val.y.length; r++) {
    if (val.mask && val.mask[r] === 0) continue
    s -= Math.log(p[val.y[r]] ?? Number.MIN_VALUE)
    n++
  }
  return n ? s / n : NaN
}

/** classPrior {loss} and majority {accuracy} of a classification target. */
export function classBaselines(train: Labels, val: Labels, classes: number): Baselines {
  const p = frequencies(train, classes)
  let top = 0
  for (let k = 1; k < classes; k++) if (p[k] > p[top]) top = k
  let hits = 0,
    n = 0
  for (let r = 0; r < val.y.length; r++) {
    if (val.mask && val.mask[r] === 0) continue
    n++
    if (val.y[r] === top) hits++
  }
  if (!n) return {}
  return { classPrior: { loss: crossEntropy(p, val) }, majority: { accuracy: hits / n } }
}

/** unigram {loss} of token outputs (seq2seq text, generation). */
export function unigramBaseline(train: Labels, val: Labels, vocab: number): Baselines {
  const loss = crossEntropy(frequencies(train, vocab), val)
  return Number.isFinite(loss) ? { unigram: { loss } } : {}
}

/**
 * The period of a series' seasonality from its training rows: the lag (2 … maxLag) at which the autocorrelation
 * of the first differences (a trend removed) peaks, when that peak is at least 0.3; null when none is. Of lags
 * within 10 % of the highest peak the shortest wins (12, not 24, for monthly data).
 */
export function detectPeriod(values: ArrayLike<number>, rows: number, maxLag = 400): number | null {
  const d: number[] = []
  for (let r = 1; r < rows; r++) {
    const v = values[r] - values[r - 1]
    if (Number.isFinite(v)) d.push(v)
  }
  const n = d.length,
    top = Math.min(maxLag, Math.floor(n / 3))
  if (top < 2) return null
  let mean = 0
  for (const v of d) mean += v / n
  let den = 0
  for (const v of d) den += (v - mean) * (v - mean)
  if (!(den > 0)) return null
  const acf = new Float64Array(top + 2)
  for (let lag = 1; lag <= top + 1 && lag < n; lag++) {
    let s = 0
    for (let i = lag; i < n; i++) s += (d[i] - mean) * (d[i - lag] - mean)
    acf[lag] = s / den
  }
  let best = 0
  for (let lag = 2; lag <= top; lag++)
    if (acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1]) best = Math.max(best, acf[lag])
  if (best < 0.3) return null
  for (let lag = 2; lag <= top; lag++)
    if (acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1] && acf[lag] >= 0.9 * best) return lag
  return null
}
