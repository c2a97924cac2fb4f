// What a model's target values are, and how its outputs become the user's units again: a series target can be
// differenced (the model predicts the change: z[t] − z[t − L] for each lag L in order, e.g. [1] or a seasonal
// [12], or both) and is then normalised. The inverse — denormalise, then add the differences back onto the last
// observed levels, cumulatively over a forecast horizon — is `toUserUnits`, the one path every metric,
// prediction, forecast and export verification uses.

import type { Normalizer } from './normalize'
import type { SequenceData, SequenceSplit } from './sequences'

export interface TargetTransform {
  /** the target normaliser, fitted on the training split's (differenced) targets */
  norm: Normalizer
  /** lags of the differences applied before normalising, in order; empty = the values themselves */
  lags: number[]
}

/**
 * Where series targets sit, for adding differences back: the target columns in their own units, the first row of
 * each window, the offset of its first target row, and its input length (the rows it observed).
 */
export interface SeriesAnchors {
  columns: Float64Array[]
  starts: ArrayLike<number>
  yStart: number
  tx: number
  ty: number
}

/** Checks a list of difference lags (positive integers); the message names `field`. */
export function checkLags(lags: number[], field = 'difference'): number[] {
  for (const L of lags)
    if (!Number.isInteger(L) || L < 1) throw new Error(`${field}: a lag must be a positive integer (got ${L})`)
  return lags
}

/** Rows at the start of a series that have no difference (the sum of the lags). */
export function lagRows(lags: number[]): number {
  let s = 0
  for (const L of lags) s += L
  return s
}

/** The differenced column: level j = level j−1 minus itself L_j rows earlier; NaN where a lag reaches before row 0. */
export function differenceColumn(z: ArrayLike<number>, lags: number[]): Float64Array {
  let cur = Float64Array.from(z as ArrayLike<number>)
  for (const L of lags) {
    const next = new Float64Array(cur.length).fill(NaN)
    for (let t = L; t < cur.length; t++) next[t] = cur[t] - cur[t - L]
    cur = next
  }
  return cur
}

/** Level j of the differenced series at an observed row t (level 0 = the column itself). */
function levelAt(z: ArrayLike<number>, lags: number[], j: number, t: number): number {
  if (j === 0) return t >= 0 ? z[t] : NaN
  const L = lags[j - 1]
  return levelAt(z, lags, j - 1, t) - levelAt(z, lags, j - 1, t - L)
}

/**
 * Adds differences back: `d[i]` is the transformed value of row a + 1 + i (i < m), rows up to `a` are observed
 * in `z`. Level by level from the top, each value is its difference plus the level L rows earlier — observed, or
 * reconstructed earlier in the same run.
 */
export function undifference(z: ArrayLike<number>, a: number, lags: number[], d: ArrayLike<number>): Float64Array {
  let vals = Float64Array.from(d as ArrayLike<number>)
  for (let j = lags.length; j >= 1; j--) {
    const L = lags[j - 1],
      below = new Float64Array(vals.length)
    for (let i = 0; i < vals.length; i++) {
      const prev = i - L >= 0 ? below[i - L] : levelAt(z, lags, j - 1, a + 1 + i - L)
      below[i] = vals[i] + prev
    }
    vals = below
  }
  return vals
}

/**
 * Model outputs (n, ty, O) in model space → the target's own units, into `out`. Without differencing this only
 * inverts the normalisation. With it, each window's steps are added back onto the last rows it observed: the
 * steps that follow the whole window (many-to-one, seq2seq) cumulatively over the horizon, a step whose row
 * directly follows an observed one (many-to-many) onto that row.
 */
export function toUserUnits(
  t: TargetTransform,
  pred: ArrayLike<number>,
  out: Float64Array,
  anchors?: SeriesAnchors
): Float64Array {
  const O = t.norm.columns.length || 1
  for (let i = 0; i < out.length; i++) out[i] = pred[i] * t.norm.b[i % O] + t.norm.a[i % O]
  if (t.lags.length === 0) return out
  if (!anchors) throw new Error('differenced targets need the series they continue to be mapped back to their units')
  const { columns, starts, yStart, tx, ty } = anchors
  if (yStart > tx) throw new Error('differenced targets must follow the rows the window observed (no gap)')
  const run = new Float64Array(ty)
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k],
      lastSeen = s + tx - 1
    for (let o = 0; o < O; o++) {
      let h = 0
      while (h < ty) {
        // a run of steps continuing from the same last observed row a
        const a = Math.min(s + yStart + h - 1, lastSeen)
        let m = 1
        while (h + m < ty && Math.min(s + yStart + h + m - 1, lastSeen) === a) m++
        for (let i = 0; i < m; i++) run[i] = out[(k * ty + h + i) * O + o]
        const back = undifference(columns[o], a, t.lags, run.subarray(0, m))
        for (let i = 0; i < m; i++) out[(k * ty + h + i) * O + o] = back[i]
        h += m
      }
    }
  }
  return out
}

/** The target transform of built sequences. */
export function targetTransformOf(sd: Pick<SequenceData, 'targetNorm' | 'difference'>): TargetTransform {
  return { norm: sd.targetNorm, lags: sd.difference ?? [] }
}

/** Where a split's series windows sit in the file (null for data that is not series windows). */
export function anchorsOf(sd: Pick<SequenceData, 'series' | 'tx' | 'ty'>, split: SequenceSplit): SeriesAnchors | null {
  if (!sd.series || !split.starts) return null
  return { columns: sd.series.columns, starts: split.starts, yStart: sd.series.yStart, tx: sd.tx, ty: sd.ty }
}

/** The series' own values at every target step of the windows (n, ty, O), read from the columns. */
export function seriesTargets(anchors: SeriesAnchors): Float64Array {
  const { columns, starts, yStart, ty } = anchors,
    O = columns.length
  const out = new Float64Array(starts.length * ty * O)
  for (let k = 0; k < starts.length; k++)
    for (let h = 0; h < ty; h++)
      for (let o = 0; o < O; o++) out[(k * ty + h) * O + o] = columns[o][starts[k] + yStart + h]
  return out
}

/**
 * The inverse of `toUserUnits`: values in the target's own units (n, ty, O) → model space, into `out` — each
 * window's steps differenced against the rows it observed (and the steps before them in the same run), then
 * normalised. Scores rules such as persistence on the run's own loss scale.
 */
export function fromUserUnits(
  t: TargetTransform,
  values: ArrayLike<number>,
  out: Float64Array,
  anchors?: SeriesAnchors
): Float64Array {
  const O = t.norm.columns.length || 1
  for (let i = 0; i < out.length; i++) out[i] = values[i]
  if (t.lags.length) {
    if (!anchors) throw new Error('differenced targets need the series they continue to be mapped to model space')
    const { columns, starts, yStart, tx, ty } = anchors
    for (let k = 0; k < starts.length; k++)
      for (let o = 0; o < O; o++)
        for (let h = 0; h < ty; h++) {
          // the rows up to `a` are observed; the window's own steps from a + 1 on are the given values
          const s = starts[k],
            a = Math.min(s + yStart + h - 1, s + tx - 1)
          const at = (row: number) => (row <= a ? columns[o][row] : values[(k * ty + row - s - yStart) * O + o])
          out[(k * ty + h) * O + o] = differenced(at, t.lags, t.lags.length, s + yStart + h)
        }
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] - t.norm.a[i % O]) / t.norm.b[i % O]
  return out
}

/** Level j of the differences of the series `at` at row `row`. */
function differenced(at: (row: number) => number, lags: number[], j: number, row: number): number {
  if (j === 0) return row >= 0 ? at(row) : NaN
  return differenced(at, lags, j - 1, row) - differenced(at, lags, j - 1, row - lags[j - 1])
}

/**
 * The columns a model of differenced targets reads: each target column differenced at `lags`, and each input that
 * is a target column (its own past) the same column. No difference reaches across the start of a segment (a
 * group's series): those rows are flagged in `bad` with every row whose difference is missing.
 */
export function differencedColumns(
  targets: string[],
  inputs: string[],
  tCols: Float64Array[],
  iCols: Float64Array[],
  lags: number[],
  segments: [number, number][]
): { tCols: Float64Array[]; iCols: Float64Array[]; bad: Uint8Array | null } {
  if (lags.length === 0) return { tCols, iCols, bad: null }
  const first = lagRows(lags)
  const diffed = tCols.map((c) => {
    const out = new Float64Array(c.length).fill(NaN)
    for (const [from, to] of segments) out.set(differenceColumn(c.subarray(from, to), lags), from)
    return out
  })
  const bad = new Uint8Array(tCols[0]?.length ?? 0)
  for (const [from, to] of segments) bad.fill(1, from, Math.min(to, from + first))
  for (const c of diffed) for (let r = 0; r < c.length; r++) if (Number.isNaN(c[r])) bad[r] = 1
  const byName = new Map(targets.map((t, j) => [t, diffed[j]]))
  return { tCols: diffed, iCols: iCols.map((c, i) => byName.get(inputs[i]) ?? c), bad }
}

/** Rows flagged in either array (null = none flagged). */
export function orRows(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (!a) return b
  if (!b) return a
  const out = new Uint8Array(a.length)
  for (let r = 0; r < a.length; r++) out[r] = a[r] | b[r]
  return out
}

/** The lags a run's config asks for: `difference` first differences, then the seasonal one at its period. */
export function differenceLagsOf(c: { difference?: number; seasonalDifference?: number }): number[] {
  const lags: number[] = Array(c.difference ?? 0).fill(1)
  if (c.seasonalDifference !== undefined) lags.push(c.seasonalDifference)
  return lags
}
