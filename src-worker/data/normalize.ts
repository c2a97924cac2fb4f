/** Normalisers: x' = (x - a) / b per column; fitted on training rows only, JSON-serialisable and invertible. */

export type NormKind = 'zscore' | 'minmax' | 'none'

export interface Normalizer {
  kind: NormKind
  columns: string[]
  a: number[]
  b: number[]
  /** inputs of a run with the missing-value policy mean: the training mean each gap is filled with, per column */
  fill?: number[]
}

/**
 * Fit one column's (a, b) on the given values (NaN ignored).
 * zscore: a = mean, b = population std; minmax: a = min, b = max - min; none: a = 0, b = 1.
 * A constant column gets b = 1 (so it maps to 0 instead of dividing by zero).
 */
export function fitColumn(kind: NormKind, values: ArrayLike<number>, rows?: ArrayLike<number>): [number, number] {
  if (kind === 'none') return [0, 1]
  let n = 0,
    sum = 0,
    min = Infinity,
    max = -Infinity
  const count = rows ? rows.length : values.length
  for (let k = 0; k < count; k++) {
    const v = values[rows ? rows[k]! : k]!
    if (Number.isNaN(v)) continue
    n++
    sum += v
    if (v < min) min = v
    if (v > max) max = v
  }
  if (n === 0) return [0, 1]
  if (kind === 'minmax') {
    const r = max - min
    return [min, r > 0 ? r : 1]
  }
  const mean = sum / n
  let ss = 0
  for (let k = 0; k < count; k++) {
    const v = values[rows ? rows[k]! : k]!
    if (Number.isNaN(v)) continue
    ss += (v - mean) * (v - mean)
  }
  const sd = Math.sqrt(ss / n)
  return [mean, sd > 0 ? sd : 1]
}

/** Fit a normaliser over several columns, using only the listed training rows (or ranges). */
export function fitNormalizer(
  kind: NormKind,
  columns: string[],
  data: ArrayLike<number>[],
  rows?: ArrayLike<number>
): Normalizer {
  const a: number[] = [],
    b: number[] = []
  for (const col of data) {
    const [ai, bi] = fitColumn(kind, col, rows)
    a.push(ai)
    b.push(bi)
  }
  return { kind, columns: columns.slice(), a, b }
}

export function denormalizeValue(n: Normalizer, col: number, y: number): number {
  return y * n.b[col]! + n.a[col]!
}

/** Invert in place a sample-major array whose last axis runs over the normaliser's columns. */
export function denormalizeArray(n: Normalizer, arr: Float32Array | Float64Array): typeof arr {
  const C = n.columns.length
  for (let k = 0; k < arr.length; k++) arr[k] = arr[k]! * n.b[k % C]! + n.a[k % C]!
  return arr
}

export function identityNormalizer(columns: string[]): Normalizer {
  return { kind: 'none', columns: columns.slice(), a: columns.map(() => 0), b: columns.map(() => 1) }
}
