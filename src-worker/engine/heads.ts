// Linear head and the two losses (mean MSE, mean softmax cross-entropy), with step masks.
//
//   y = W x + b                     W (O, Hin), b (O), rows x (N, Hin) → y (N, O)
//   MSE  = (1/den) Σ_{r,k} m_r (y_rk − t_rk)²,            dL/dy_rk = 2 m_r (y_rk − t_rk) / den
//   CE   = (1/den) Σ_r m_r (logsumexp_k y_rk − y_r,c_r),   dL/dy_rk = m_r (softmax_rk − [k = c_r]) / den
// with den = (Σ m_r)·O for MSE and Σ m_r for CE (PyTorch's reduction='mean' when every mask is 1).

import { gemm } from './gemm.js'
import type { Arr } from './arr.js'
import { ceLossWasm } from './wasm/heads-wasm.js'

/** y (N, O) = X W^T + b, with X read from x[xOff ..] (rows of Hin). */
export function linearForward(y: Arr, x: Arr, xOff: number, W: Arr, b: Arr, N: number, O: number, Hin: number): void {
  gemm(false, true, N, O, Hin, x, xOff, Hin, W, 0, Hin, 0, y, 0, O)
  for (let r = 0; r < N; r++) {
    const o = r * O
    for (let k = 0; k < O; k++) y[o + k] += b[k]
  }
}

/** dW += dyᵀ X, db += Σ dy, and dx[dxOff ..] (N, Hin) = dy W (overwritten) when dx is given. */
export function linearBackward(
  dx: Arr | null,
  dxOff: number,
  dW: Arr,
  db: Arr,
  dy: Arr,
  x: Arr,
  xOff: number,
  W: Arr,
  N: number,
  O: number,
  Hin: number
): void {
  gemm(true, false, O, Hin, N, dy, 0, O, x, xOff, Hin, 1, dW, 0, Hin)
  for (let r = 0; r < N; r++) {
    const o = r * O
    for (let k = 0; k < O; k++) db[k] += dy[o + k]
  }
  if (dx) gemm(false, false, N, Hin, O, dy, 0, O, W, 0, Hin, 0, dx, dxOff, Hin)
}

/** Σ of the mask over N rows (N when there is no mask). */
export function maskCount(mask: Arr | null, mOff: number, N: number): number {
  if (!mask) return N
  let s = 0
  for (let r = 0; r < N; r++) s += mask[mOff + r]
  return s
}

/** Masked MSE summed and divided by `den`; writes dL/dy into dy when given. Returns the loss. */
export function mseLoss(
  dy: Arr | null,
  y: Arr,
  target: Arr,
  tOff: number,
  mask: Arr | null,
  mOff: number,
  N: number,
  O: number,
  den: number
): number {
  let s = 0
  const inv = den > 0 ? 1 / den : 0
  for (let r = 0; r < N; r++) {
    const m = mask ? mask[mOff + r] : 1
    for (let k = 0; k < O; k++) {
      const e = y[r * O + k] - target[tOff + r * O + k]
      if (m !== 0) s += m * e * e
      if (dy) dy[r * O + k] = m !== 0 ? 2 * m * e * inv : 0
    }
  }
  return s * inv
}

/** Masked softmax cross-entropy over logits y (N, C) with class ids cls[cOff + r]. */
export function ceLoss(
  dy: Arr | null,
  y: Arr,
  cls: Int32Array,
  cOff: number,
  mask: Arr | null,
  mOff: number,
  N: number,
  C: number,
  den: number
): number {
  const fast = ceLossWasm(dy, y, cls, cOff, mask, mOff, N, C, den) // float32 logits in WASM memory
  if (fast !== null) return fast
  let s = 0
  const inv = den > 0 ? 1 / den : 0
  for (let r = 0; r < N; r++) {
    const m = mask ? mask[mOff + r] : 1,
      o = r * C,
      c = cls[cOff + r]
    if (m === 0) {
      if (dy) for (let k = 0; k < C; k++) dy[o + k] = 0
      continue
    }
    if (c < 0 || c >= C) throw new Error(`class id ${c} at row ${r} is outside 0..${C - 1}`)
    let mx = -Infinity
    for (let k = 0; k < C; k++) if (y[o + k] > mx) mx = y[o + k]
    let z = 0
    if (dy) {
      // one exp per logit: e_k = exp(y_k − max) kept in dy, then scaled by m/(den·z) (softmax · m/den)
      for (let k = 0; k < C; k++) {
        const e = Math.exp(y[o + k] - mx)
        dy[o + k] = e
        z += e
      }
      const sc = m * inv,
        f = sc / z
      for (let k = 0; k < C; k++) dy[o + k] *= f
      dy[o + c] -= sc
    } else for (let k = 0; k < C; k++) z += Math.exp(y[o + k] - mx)
    const lse = mx + Math.log(z)
    s += m * (lse - y[o + c])
  }
  return s * inv
}

/** Row-wise softmax in place (inference). */
export function softmaxRows(y: Arr, N: number, C: number): void {
  for (let r = 0; r < N; r++) {
    const o = r * C
    let mx = -Infinity
    for (let k = 0; k < C; k++) if (y[o + k] > mx) mx = y[o + k]
    let z = 0
    for (let k = 0; k < C; k++) {
      const e = Math.exp(y[o + k] - mx)
      y[o + k] = e
      z += e
    }
    for (let k = 0; k < C; k++) y[o + k] /= z
  }
}
