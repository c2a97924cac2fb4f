// Vanilla (Elman) RNN layer scan, PyTorch nn.RNN (https://pytorch.org/docs/stable/generated/torch.nn.RNN.html):
//
//   h_t = φ(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh),   φ = tanh or relu
//
// Backward (reverse time), dh = dL/dh_t:
//   da = dh ⊙ φ'(a)   with tanh' = 1 − h², relu' = [h > 0] (0 at exactly 0, like PyTorch)
//   dhNext = da W_hh;  then dW_hh += Σ daᵀ h_{t−1}, dW_ih += Σ daᵀ x_t, db_ih = db_hh += Σ da, dx = da W_ih.

import { gemmPacked, packB } from '../gemm.js'
import type { Arr } from '../arr.js'
import {
  projectInputs,
  projectInputsBackward,
  recurrentBackward,
  tanh,
  type CellCache,
  type Dims,
  type LayerWeights
} from './common.js'

export function rnnForward(
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  w: LayerWeights,
  d: Dims,
  relu: boolean
): void {
  const { T, B, I, H } = d,
    BH = B * H
  const a = cache.gates,
    hs = cache.h
  // (T, B, H) pre-activations W_ih x_t + b_ih + b_hh in one GEMM
  projectInputs(a, x, tok, w.Wih, w.bih, w.bhh, T * B, H, I)
  const whhT = (cache.packF = packB(cache.packF, true, H, H, w.Whh, 0, H)) // W_hhᵀ packed once for all steps
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : hs,
      pOff = t === 0 ? 0 : (t - 1) * BH
    gemmPacked(false, B, hPrev, pOff, H, whhT, 1, a, t * BH, H)
    const o = t * BH
    if (relu)
      for (let k = 0; k < BH; k++) {
        const v = a[o + k]
        const h = v > 0 ? v : 0
        a[o + k] = h
        hs[o + k] = h
      }
    else
      for (let k = 0; k < BH; k++) {
        const h = tanh(a[o + k])
        a[o + k] = h
        hs[o + k] = h
      }
  }
}

/** Accumulates into dx (T,B,I) (may be null), dh0 (B,H) and `g`; dout (T,B,H) / dhN (B,H) may be null (= 0). */
export function rnnBackward(
  dx: Arr | null,
  dh0: Arr | null,
  g: LayerWeights,
  dout: Arr | null,
  dhN: Arr | null,
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  w: LayerWeights,
  d: Dims,
  relu: boolean
): void {
  const { T, B, I, H } = d,
    BH = B * H
  const hs = cache.h,
    da = cache.dgx,
    dhs = cache.dhs,
    dhNext = cache.dhNext
  for (let k = 0; k < BH; k++) dhNext[k] = dhN ? dhN[k] : 0
  const whh = (cache.packBw = packB(cache.packBw, false, H, H, w.Whh, 0, H))
  for (let t = T - 1; t >= 0; t--) {
    const o = t * BH
    for (let k = 0; k < BH; k++) {
      const dh = (dout ? dout[o + k] : 0) + dhNext[k]
      dhs[o + k] = dh
      const h = hs[o + k]
      da[o + k] = relu ? (h > 0 ? dh : 0) : dh * (1 - h * h)
    }
    gemmPacked(false, B, da, o, H, whh, 0, dhNext, 0, H)
  }
  if (dh0) for (let k = 0; k < BH; k++) dh0[k] += dhNext[k]
  recurrentBackward(g.Whh, null, da, hs, h0, T, B, H, H)
  projectInputsBackward(dx, g.Wih, g.bih, g.bhh, da, x, tok, w.Wih, T * B, H, I)
}
