// Series windows as the network reads them — the one encoder training (buildSeriesWindows) and inference on a new
// file (predictSeries) share: the columns in series order (groups one after another), differenced when the model
// predicts the change, then each window's rows normalised with the fitted statistics. The same rows give
// bit-identical tensors in training and at inference.
import type { Normalizer } from './normalize'
import { differencedColumns, orRows } from './target-transform'

/** The rows a series spec reads, in time order: one segment per series (one for the whole file without groupBy). */
export interface SeriesRows {
  /** row of the file at each position (null: file order) */
  order: Int32Array | null
  /** [from, to) positions of each series */
  segments: [number, number][]
  /** the group id of each segment (null: one series) */
  names: string[] | null
  warnings: string[]
}

/** What the network reads and predicts of a series, position by position (series order). */
export interface SeriesColumns {
  /** the target columns in their own units */
  targets: Float64Array[]
  /** the model's target columns: differenced when the model predicts the change */
  modelTargets: Float64Array[]
  /** the model's input columns: an input that is a target's own past is differenced alike */
  modelInputs: Float64Array[]
  /** positions no window may cover: missing values, and rows a difference reaches before its series' start */
  bad: Uint8Array | null
}

/** The columns in series order (`order`), or as they are. */
export function inOrder<A extends Float64Array | Uint8Array>(a: A, order: Int32Array | null): A {
  if (!order) return a
  const out = new (a.constructor as { new (n: number): A })(order.length)
  for (let i = 0; i < order.length; i++) out[i] = a[order[i]!]!
  return out
}

/**
 * The target and input columns (file order, after any missing-value policy; `missingBad` flags rows a policy
 * drops) → the model's columns in series order, differenced at `lags` within each segment.
 */
export function seriesColumns(
  names: { targets: string[]; inputs: string[] },
  tRaw: Float64Array[],
  iRaw: Float64Array[],
  rows: SeriesRows,
  lags: number[],
  missingBad: Uint8Array | null
): SeriesColumns {
  const targets = tRaw.map((c) => inOrder(c, rows.order))
  const inputs = iRaw.map((c) => inOrder(c, rows.order))
  const m = differencedColumns(names.targets, names.inputs, targets, inputs, lags, rows.segments)
  const bad = orRows(missingBad ? inOrder(missingBad, rows.order) : null, m.bad)
  return { targets, modelTargets: m.tCols, modelInputs: m.iCols, bad }
}

/** x (n, W, I): rows s … s + W − 1 of each window start s, normalised: (v − a) / b. */
export function encodeWindowInputs(
  cols: Float64Array[],
  starts: ArrayLike<number>,
  norm: Pick<Normalizer, 'a' | 'b'>,
  W: number
): Float32Array {
  const I = cols.length,
    n = starts.length
  const x = new Float32Array(n * W * I)
  let o = 0
  for (let k = 0; k < n; k++) {
    const s = starts[k]!
    for (let t = 0; t < W; t++) for (let i = 0; i < I; i++) x[o++] = (cols[i]![s + t]! - norm.a[i]!) / norm.b[i]!
  }
  return x
}

/** y (n, H, O): rows s + yStart … s + yStart + H − 1 of each window start s, normalised. */
export function encodeWindowTargets(
  cols: Float64Array[],
  starts: ArrayLike<number>,
  norm: Pick<Normalizer, 'a' | 'b'>,
  yStart: number,
  H: number
): Float32Array {
  const O = cols.length,
    n = starts.length
  const y = new Float32Array(n * H * O)
  let o = 0
  for (let k = 0; k < n; k++) {
    const s = starts[k]! + yStart
    for (let h = 0; h < H; h++) for (let j = 0; j < O; j++) y[o++] = (cols[j]![s + h]! - norm.a[j]!) / norm.b[j]!
  }
  return y
}
