// What the validation metrics and the baselines need from the built sequences: the validation targets in the
// user's units with the map from model outputs back to them, where series targets sit in the file, and the
// baselines of the run's task kind.
import type { SequenceData } from '../data/sequences.js'
import { metricKindOf, type Baselines } from '../../src-shared/metrics.js'
import { classBaselines, detectPeriod, seriesBaselines, unigramBaseline, type SeriesTargets } from './baselines.js'
import type { UnitsMap } from './metrics.js'
import { anchorsOf, fromUserUnits, seriesTargets, targetTransformOf, toUserUnits } from '../data/target-transform.js'

/**
 * The validation targets in their own units and the map from model outputs back to them (regression only):
 * the inverse of the target normalisation and of any differencing (target-transform.ts). Differenced targets are
 * read from the series itself.
 */
export function unitsOf(sd: SequenceData): UnitsMap | undefined {
  if (sd.task !== 'regression') return undefined
  const t = targetTransformOf(sd),
    anchors = anchorsOf(sd, sd.val) ?? undefined
  const toUnits = (v: ArrayLike<number>, out: Float64Array) => {
    toUserUnits(t, v, out, anchors)
  }
  const truth = new Float64Array(sd.val.y.length)
  if (t.lags.length && anchors) truth.set(seriesTargets(anchors))
  else toUnits(sd.val.y, truth)
  return { truth, toUnits, transform: t, anchors }
}

/** Series windows: the row of every validation target step and the last target row its window observed. */
export function seriesTargetsOf(sd: SequenceData): SeriesTargets | null {
  const starts = sd.val.starts
  if (!sd.series || !starts || sd.task !== 'regression') return null
  const { ty, tx } = sd,
    n = sd.val.n
  const targetRows = new Int32Array(n * ty),
    lastRows = new Int32Array(n * ty)
  for (let k = 0; k < n; k++)
    for (let h = 0; h < ty; h++) {
      const row = starts[k] + sd.series.yStart + h
      targetRows[k * ty + h] = row
      lastRows[k * ty + h] = Math.min(row - 1, starts[k] + tx - 1)
    }
  return { columns: sd.series.columns, targetRows, lastRows, mask: sd.val.mask }
}

/** The first training row of the validation part (windows never cross it): rows before it are training rows. */
function trainRowsOf(sd: SequenceData): number {
  const first = sd.val.starts?.[0]
  return first ?? sd.series?.columns[0].length ?? 0
}

/** The period a seasonal baseline uses: the run's seasonal difference lag when it has one, else detected. */
function periodOf(sd: SequenceData, s: SeriesTargets): number | null {
  const seasonal = (sd.difference ?? []).filter((L) => L > 1)
  return seasonal.length ? seasonal[seasonal.length - 1] : detectPeriod(s.columns[0], trainRowsOf(sd))
}

/**
 * The baselines of the run's task kind, on its validation split. Series regression: persistence and, with a
 * period (the seasonal difference, else detected on the training rows of the first target), seasonalNaive;
 * their loss is the run's own: MSE in model space (differenced when the run predicts changes, normalised).
 */
export function baselinesOf(sd: SequenceData): Baselines {
  if (sd.val.n === 0) return {}
  const kind = metricKindOf(sd.mapping, sd.task)
  const val = { y: sd.val.y, mask: sd.val.mask },
    train = { y: sd.train.y, mask: sd.train.mask }
  if (kind === 'classification') return classBaselines(train, val, sd.outputSize)
  if (kind === 'tokens' || kind === 'generation') return unigramBaseline(train, val, sd.outputSize)
  const s = seriesTargetsOf(sd)
  if (!s) return {}
  const t = targetTransformOf(sd),
    anchors = anchorsOf(sd, sd.val) ?? undefined,
    O = sd.outputSize
  const loss = (pred: Float64Array) => {
    const model = fromUserUnits(t, pred, new Float64Array(pred.length), anchors)
    let sum = 0,
      cnt = 0
    for (let i = 0; i < model.length; i++) {
      if (s.mask && s.mask[Math.floor(i / O)] === 0) continue
      sum += (model[i] - sd.val.y[i]) ** 2
      cnt++
    }
    return sum / cnt
  }
  return seriesBaselines(s, periodOf(sd, s), loss)
}
