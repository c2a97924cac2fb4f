// Where a series-window model's targets sit relative to its window, and the difference lags it predicts: read from
// the stored experiment, shared by predict, closed-loop forecasts and every export's verification in user units.
import { differenceLagsOf } from '../data/target-transform'
import { sourceOf } from '../../src-shared/contract'
import type { SavedModel } from '../protocol'
import type { ExportSpec } from '../export/spec'

/** Where a window's reported prediction sits: its first target row, the output step read, and the target's row. */
export interface SeriesLayout {
  /** rows between the window's end and its first target row */
  gap: number
  /** first target row relative to the window start */
  yStart: number
  /** the output step reported per window */
  outStep: number
  /** the reported step's row relative to the window start */
  rowOffset: number
  /** lags of the differences the model predicts (empty: the values) */
  lags: number[]
}

/** The layout of a series-window model (models without a stored experiment: file order, no gap, no differences). */
export function seriesLayout(model: SavedModel, s: ExportSpec): SeriesLayout {
  const exp = model.experiment
  if (exp && sourceOf(exp) !== 'series')
    throw new Error(
      `predictSeries works on models trained on sliding windows of one series; this model was trained on ${sourceOf(exp)} data`
    )
  const lags = exp ? differenceLagsOf(exp) : []
  if (s.mapping === 'many-to-many') {
    const shift = s.task === 'classification' ? 0 : 1
    return { gap: 0, yStart: shift, outStep: s.tx - 1, rowOffset: s.tx - 1 + shift, lags }
  }
  const gap = exp?.gap ?? 0
  return { gap, yStart: s.tx + gap, outStep: 0, rowOffset: s.tx + gap, lags }
}
