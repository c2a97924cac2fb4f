// The target transform of an exported model — what a consumer must do to a network output to get the user's units —
// stated in every format's metadata, and applied to both sides of an export's verification so the compared numbers
// are the ones a user sees. Inverting is data/target-transform.ts `toUserUnits`, the path metrics and predict use.
import { lagRows, toUserUnits, type SeriesAnchors, type TargetTransform } from '../data/target-transform'
import { sourceOf } from '../../src-shared/contract'
import { seriesLayout } from '../inference/series-layout'
import type { SavedModel } from '../protocol'
import { normalizationOf, type ExportSpec } from './spec'

/** How a network output becomes the target's value, as exported files state it (null for class outputs). */
export interface TargetTransformStatement {
  target: string
  /** y = output · b + a per output column (null: the output is the value) */
  normalization: { kind: string; a: number[]; b: number[] } | null
  /** lags of the differences the output predicts, applied in this order before normalising (empty: none) */
  differenceLags: number[]
  /** the inverse in words */
  invert: string
}

/** The model's target transform: its normaliser (identity when none) and difference lags (series models only). */
export function targetTransformOf(model: SavedModel, s: ExportSpec): TargetTransform {
  const lags = model.experiment && sourceOf(model.experiment) === 'series' ? seriesLayout(model, s).lags : []
  const norm = normalizationOf(model).target ?? { kind: 'none' as const, columns: [model.target], a: [0], b: [1] }
  return { norm, lags }
}

export function targetTransformStatement(model: SavedModel, s: ExportSpec): TargetTransformStatement | null {
  if (s.task !== 'regression') return null
  const t = targetTransformOf(model, s)
  const n = normalizationOf(model).target
  const steps = [n ? `value = output * b + a (per output column)` : 'value = output']
  if (t.lags.length)
    steps.push(
      `the value is a change: undo the differences last lag first — for lag L, level = change + the level L rows earlier (an observed row, or an earlier step of the same forecast); lags in order: ${t.lags.join(', ')}`
    )
  return {
    target: model.target,
    normalization: n ? { kind: n.kind, a: n.a, b: n.b } : null,
    differenceLags: t.lags,
    invert: steps.join('; then ')
  }
}

/**
 * Outputs (n, ty, O) of held-out inputs in the target's units (null for class outputs). Held-out inputs carry no
 * observed levels, so differences are added back onto a series that is 0 before each window.
 */
export function heldOutUserUnits(
  model: SavedModel,
  s: ExportSpec,
  y: ArrayLike<number>,
  n: number
): Float64Array | null {
  if (s.task !== 'regression') return null
  const t = targetTransformOf(model, s)
  let anchors: SeriesAnchors | undefined
  if (t.lags.length) {
    const lead = lagRows(t.lags)
    const layout = seriesLayout(model, s)
    anchors = {
      columns: [new Float64Array(lead + s.tx)],
      starts: new Int32Array(n).fill(lead),
      yStart: layout.yStart,
      tx: s.tx,
      ty: s.ty
    }
  }
  return toUserUnits(t, y, new Float64Array(n * s.ty * s.outputSize), anchors)
}
