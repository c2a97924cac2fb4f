// Closed-loop forecasts of a series model whose only input is its target: the last rows of a series start the
// window, each prediction (in the user's units: normalisation and differences undone by toUserUnits) is appended to
// the series and the window moves on — differenced again from the extended series when the model reads changes.
import type { SavedModel } from '../protocol'
import { InputError } from '../../src-shared/errors'
import { differenceColumn, lagRows, toUserUnits, type TargetTransform } from '../data/target-transform'
import { referencePredict, type ExportSpec } from '../export/spec'
import type { SeriesLayout } from './series-layout'

/** Refuses models whose predictions cannot be fed back as their next input. */
export function checkClosedLoop(model: SavedModel, s: ExportSpec, layout: SeriesLayout): void {
  if (s.task !== 'regression') throw new InputError('steps: a closed-loop forecast needs a regression model')
  if (model.inputs.length !== 1 || model.inputs[0] !== model.target || s.outputSize !== 1) {
    throw new InputError(
      `steps: a closed-loop forecast feeds each prediction back as the next input, so the target "${model.target}" must be the model's only input (this model reads ${model.inputs.map((c) => `"${c}"`).join(', ')})`
    )
  }
  if (layout.gap > 0)
    throw new InputError(
      `steps: this model predicts ${layout.gap + 1} rows after its window (gap ${layout.gap}), so its predictions cannot be fed back as the next row`
    )
}

export interface ClosedLoop {
  model: SavedModel
  spec: ExportSpec
  layout: SeriesLayout
  transform: TargetTransform
  /** the input normaliser of the target (x' = (x − a) / b) */
  input: { a: number; b: number }
}

/**
 * `steps` values after the end of `history` (the series' levels in the user's units; `lineOf(i)` names the file line
 * of history[i]). The window reads the last tx rows, plus the rows its differences reach back to.
 */
export function closedLoop(
  c: ClosedLoop,
  history: Float64Array,
  steps: number,
  lineOf: (i: number) => number,
  target: string
): number[] {
  const { spec: s, layout } = c,
    tx = s.tx
  const lead = lagRows(layout.lags),
    need = tx + lead
  if (history.length < need)
    throw new InputError(
      `steps: the forecast starts from the last ${need} rows${lead ? ` (the window and the ${lead} rows its differences reach back to)` : ''}, but the series has ${history.length}`
    )
  const levels = Array.from(history.subarray(history.length - need))
  levels.forEach((v, i) => {
    if (Number.isNaN(v))
      throw new InputError(
        `steps: the last ${need} rows start the forecast, but line ${lineOf(history.length - need + i)}, column "${target}" is missing`
      )
  })
  // seq2seq appends its ty steps per call; many-to-one and many-to-many (last step) one value
  const perCall = s.mapping === 'seq2seq' ? s.ty : 1
  const out: number[] = []
  while (out.length < steps) {
    const next = nextValues(c, Float64Array.from(levels.slice(-need)), lead)
    for (let t = 0; t < perCall && out.length < steps; t++) {
      out.push(next[layout.outStep + t]!)
      levels.push(next[layout.outStep + t]!)
    }
  }
  return out
}

/** One prediction from the window at the end of `levels`, every output step in the user's units. */
function nextValues(c: ClosedLoop, levels: Float64Array, lead: number): Float64Array {
  const s = c.spec,
    tx = s.tx
  const d = differenceColumn(levels, c.layout.lags)
  const x = new Float32Array(tx)
  for (let t = 0; t < tx; t++) x[t] = (d[lead + t]! - c.input.a) / c.input.b
  const y = referencePredict(c.model, x, 1, s)
  const anchors = { columns: [levels], starts: [lead], yStart: c.layout.yStart, tx, ty: s.ty }
  return toUserUnits(c.transform, y, new Float64Array(y.length), anchors)
}
