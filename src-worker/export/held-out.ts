// Held-out inputs for self-verification: seeded N(0,1) samples of the model's input shape (or the caller's
// real inputs), plus the layout conversions the runtimes need (time-major, one-hot tokens).
import { Rng } from '../engine/rng'
import type { ExportSpec } from './spec'

export interface HeldOut {
  n: number
  /** (n, tx, I) sample-major dense inputs, or (n, tx) token ids when the model reads tokens */
  x: Float32Array
  /** 'random' (seeded N(0,1) / uniform token ids) or 'given' */
  source: 'random' | 'given'
}

export const DEFAULT_SAMPLES = 16
export const DEFAULT_SEED = 20240607

export function randomHeldOut(s: ExportSpec, n = DEFAULT_SAMPLES, seed = DEFAULT_SEED): HeldOut {
  if (!Number.isInteger(n) || n < 1) throw new Error(`samples must be a positive integer, got ${n}`)
  const rng = new Rng(seed)
  const x = new Float32Array(n * s.tx * (s.tokens ? 1 : s.inputSize))
  for (let k = 0; k < x.length; k++) x[k] = s.tokens ? rng.int(s.inputSize) : rng.normal()
  return { n, x, source: 'random' }
}

export function givenHeldOut(s: ExportSpec, x: Float32Array, n: number): HeldOut {
  const w = s.tokens ? 1 : s.inputSize
  if (x.length !== n * s.tx * w)
    throw new Error(
      `heldOut.x has ${x.length} values, expected n·tx·${s.tokens ? 1 : 'I'} = ${n}·${s.tx}·${w} = ${n * s.tx * w}`
    )
  return { n, x, source: 'given' }
}

/** Dense sample-major (n, T, I) inputs; token ids become one-hot rows of width I. */
export function denseInputs(s: ExportSpec, h: HeldOut): Float32Array {
  if (!s.tokens) return h.x
  const I = s.inputSize,
    out = new Float32Array(h.n * s.tx * I)
  for (let r = 0; r < h.n * s.tx; r++) out[r * I + h.x[r]!] = 1
  return out
}

/** (n, T, W) sample-major → (T, n, W) time-major. */
export function toTimeMajor(x: Float32Array, n: number, T: number, W: number): Float32Array {
  const o = new Float32Array(x.length)
  for (let b = 0; b < n; b++)
    for (let t = 0; t < T; t++) o.set(x.subarray((b * T + t) * W, (b * T + t + 1) * W), (t * n + b) * W)
  return o
}

/** (T, n, W) time-major → (n, T, W) sample-major. */
export function toSampleMajor(x: ArrayLike<number>, n: number, T: number, W: number): Float32Array {
  const o = new Float32Array(n * T * W)
  for (let t = 0; t < T; t++)
    for (let b = 0; b < n; b++) for (let k = 0; k < W; k++) o[(b * T + t) * W + k] = x[(t * n + b) * W + k]!
  return o
}

export function argmaxRow(a: ArrayLike<number>, off: number, n: number): number {
  let k = 0
  for (let i = 1; i < n; i++) if (a[off + i]! > a[off + k]!) k = i
  return k
}

/**
 * The decoder-step input at step t of a free-running decoder, as the engine builds it: one-to-many reads its x
 * beside the previous output; step 0 feeds zeros (seq2seq classification: the BOS one-hot at index O); later
 * steps feed back the previous output y (n, O) — its argmax one-hot for classification. Rows (n, W).
 */
export function decoderStepInput(
  s: ExportSpec,
  W: number,
  x: Float32Array,
  y: Float32Array,
  t: number,
  n: number
): Float32Array {
  const O = s.outputSize,
    cls = s.task === 'classification',
    xw = s.mapping === 'one-to-many' ? s.inputSize : 0
  const prev = new Float32Array(n * W)
  for (let b = 0; b < n; b++) {
    if (xw) prev.set(x.subarray(b * xw, (b + 1) * xw), b * W)
    if (t === 0) {
      if (cls && s.mapping === 'seq2seq') prev[b * W + O] = 1
      continue
    }
    if (cls) prev[b * W + xw + argmaxRow(y, b * O, O)] = 1
    else for (let k = 0; k < O; k++) prev[b * W + xw + k] = y[b * O + k]!
  }
  return prev
}
