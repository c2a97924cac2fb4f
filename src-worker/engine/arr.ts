// Typed-array helpers shared by every kernel: one code path for Float32Array (training) and Float64Array (checks).

export type DType = 'float32' | 'float64'
export type Arr = Float32Array | Float64Array

/** Zero-filled array of `n` elements of the given dtype. */
export function alloc(dtype: DType, n: number): Arr {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)
}

export function dtypeOf(a: Arr): DType {
  return a instanceof Float64Array ? 'float64' : 'float32'
}

/** Sum of squares of a[off .. off+n). */
export function sumSq(a: Arr, off = 0, n = a.length - off): number {
  let s = 0
  for (let i = off, e = off + n; i < e; i++) s += a[i] * a[i]
  return s
}

export function allFinite(a: Arr): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false
  return true
}
