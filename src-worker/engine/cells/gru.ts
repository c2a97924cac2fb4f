// GRU layer scan, PyTorch nn.GRU (https://pytorch.org/docs/stable/generated/torch.nn.GRU.html),
// gate blocks r, z, n; the reset gate multiplies (W_hn h + b_hn) — "linear before reset", cuDNN style:
//
//   r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
//   z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
//   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
//   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
//
// Backward (reverse time), hn = W_hn h_{t−1} + b_hn, dh = dL/dh_t:
//   dn = dh ⊙ (1 − z)          da_n = dn ⊙ (1 − n²)
//   dz = dh ⊙ (h_{t−1} − n)     da_z = dz ⊙ z(1 − z)
//   dr = da_n ⊙ hn              da_r = dr ⊙ r(1 − r)
//   input side  (dgx): [da_r, da_z, da_n]       → dW_ih, db_ih, dx
//   hidden side (dgh): [da_r, da_z, r ⊙ da_n]   → dW_hh, db_hh (so db_in ≠ db_hn)
//   dhNext = dh ⊙ z + dgh W_hh

import { gemm, gemmPacked, packB } from '../gemm.js'
import type { Arr } from '../arr.js'
import {
  colSumInto,
  projectInputs,
  tanh,
  projectInputsBackward,
  recurrentBackward,
  type CellCache,
  type Dims,
  type LayerWeights
} from './common.js'

export function gruForward(
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  w: LayerWeights,
  d: Dims
): void {
  const { T, B, I, H } = d,
    G = 3 * H
  const gates = cache.gates,
    hs = cache.h,
    hns = cache.hn,
    hh = cache.hh,
    bhh = w.bhh
  // (T, B, 3H): W_ih x_t + b_ih for every t in one GEMM
  projectInputs(gates, x, tok, w.Wih, w.bih, null, T * B, G, I)
  const whhT = (cache.packF = packB(cache.packF, true, H, G, w.Whh, 0, H)) // W_hhᵀ packed once for all steps
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : hs,
      pOff = t === 0 ? 0 : (t - 1) * B * H
    // hh (B, 3H) = W_hh h_{t−1} + b_hh
    for (let b = 0; b < B; b++) for (let k = 0; k < G; k++) hh[b * G + k] = bhh[k]
    gemmPacked(false, B, hPrev, pOff, H, whhT, 1, hh, 0, G)
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        sO = (t * B + b) * H,
        pO = pOff + b * H,
        qO = b * G
      for (let j = 0; j < H; j++) {
        const r = 1 / (1 + Math.exp(-(gates[gO + j] + hh[qO + j])))
        const z = 1 / (1 + Math.exp(-(gates[gO + H + j] + hh[qO + H + j])))
        const hn = hh[qO + 2 * H + j]
        const n = tanh(gates[gO + 2 * H + j] + r * hn)
        gates[gO + j] = r
        gates[gO + H + j] = z
        gates[gO + 2 * H + j] = n
        hns[sO + j] = hn
        hs[sO + j] = (1 - z) * n + z * hPrev[pO + j]
      }
    }
  }
}

/** Accumulates into dx (T,B,I) (may be null), dh0 (B,H) and `g`; dout (T,B,H) / dhN (B,H) may be null (= 0). */
export function gruBackward(
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
  d: Dims
): void {
  const { T, B, I, H } = d,
    G = 3 * H,
    BH = B * H
  const gates = cache.gates,
    hs = cache.h,
    hns = cache.hn,
    dgx = cache.dgx,
    dgh = cache.dgh,
    dhs = cache.dhs
  const dhNext = cache.dhNext
  for (let k = 0; k < BH; k++) dhNext[k] = dhN ? dhN[k] : 0
  const whh = (cache.packBw = packB(cache.packBw, false, G, H, w.Whh, 0, H)) // W_hh packed once for all steps
  for (let t = T - 1; t >= 0; t--) {
    const hPrev = t === 0 ? h0 : hs,
      pOff = t === 0 ? 0 : (t - 1) * BH
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        sO = (t * B + b) * H,
        pO = pOff + b * H,
        nO = b * H
      for (let j = 0; j < H; j++) {
        const dh = (dout ? dout[sO + j] : 0) + dhNext[nO + j]
        dhs[sO + j] = dh
        const r = gates[gO + j],
          z = gates[gO + H + j],
          n = gates[gO + 2 * H + j],
          hn = hns[sO + j]
        const dan = dh * (1 - z) * (1 - n * n)
        const daz = dh * (hPrev[pO + j] - n) * z * (1 - z)
        const dar = dan * hn * r * (1 - r)
        dgx[gO + j] = dar
        dgx[gO + H + j] = daz
        dgx[gO + 2 * H + j] = dan
        dgh[gO + j] = dar
        dgh[gO + H + j] = daz
        dgh[gO + 2 * H + j] = dan * r
        dhNext[nO + j] = dh * z // direct path z ⊙ h_{t−1}
      }
    }
    // + dgh W_hh: (B, 3H) · (3H, H)
    gemmPacked(false, B, dgh, t * B * G, G, whh, 1, dhNext, 0, H)
  }
  if (dh0) for (let k = 0; k < BH; k++) dh0[k] += dhNext[k]
  recurrentBackward(g.Whh, g.bhh, dgh, hs, h0, T, B, G, H)
  projectInputsBackward(dx, g.Wih, g.bih, null, dgx, x, tok, w.Wih, T * B, G, I)
}

// ---------------------------------------------------------------------------------------------------------
// Reset-before variant (Cho et al. 2014, Keras reset_after=False, ONNX linear_before_reset=0), same parameters:
//
//   r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
//   z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
//   n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t−1}) + b_hn)
//   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
//
// Backward, with rh = r ⊙ h_{t−1} (cached in `hn`) and dh = dL/dh_t:
//   da_n = dh ⊙ (1 − z) ⊙ (1 − n²),  d(rh) = da_n W_hn,  da_r = d(rh) ⊙ h_{t−1} ⊙ r(1 − r)
//   da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)
//   dhNext = dh ⊙ z + d(rh) ⊙ r + [da_r, da_z] W_h{r,z}
//   dW_h{r,z} += Σ [da_r, da_z]ᵀ h_{t−1},  dW_hn += Σ da_nᵀ rh,  db_hh = db_ih = Σ [da_r, da_z, da_n]

export function gruRbForward(
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  w: LayerWeights,
  d: Dims
): void {
  const { T, B, I, H } = d,
    G = 3 * H,
    H2 = 2 * H
  const gates = cache.gates,
    hs = cache.h,
    rhs = cache.hn,
    hh = cache.hh,
    bhh = w.bhh
  projectInputs(gates, x, tok, w.Wih, w.bih, null, T * B, G, I)
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : hs,
      pOff = t === 0 ? 0 : (t - 1) * B * H
    // hh[:, 0:2H] = W_h{r,z} h_{t−1} + b_h{r,z}
    for (let b = 0; b < B; b++) for (let k = 0; k < H2; k++) hh[b * G + k] = bhh[k]
    gemm(false, true, B, H2, H, hPrev, pOff, H, w.Whh, 0, H, 1, hh, 0, G)
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        sO = (t * B + b) * H,
        pO = pOff + b * H,
        qO = b * G
      for (let j = 0; j < H; j++) {
        const r = 1 / (1 + Math.exp(-(gates[gO + j] + hh[qO + j])))
        const z = 1 / (1 + Math.exp(-(gates[gO + H + j] + hh[qO + H + j])))
        gates[gO + j] = r
        gates[gO + H + j] = z
        rhs[sO + j] = r * hPrev[pO + j]
      }
    }
    // hh[:, 2H:3H] = W_hn (r ⊙ h_{t−1}) + b_hn
    for (let b = 0; b < B; b++) for (let k = H2; k < G; k++) hh[b * G + k] = bhh[k]
    gemm(false, true, B, H, H, rhs, t * B * H, H, w.Whh, H2 * H, H, 1, hh, H2, G)
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        sO = (t * B + b) * H,
        pO = pOff + b * H,
        qO = b * G
      for (let j = 0; j < H; j++) {
        const n = tanh(gates[gO + 2 * H + j] + hh[qO + H2 + j]),
          z = gates[gO + H + j]
        gates[gO + 2 * H + j] = n
        hs[sO + j] = (1 - z) * n + z * hPrev[pO + j]
      }
    }
  }
}

/** Reset-before GRU backward; same contract as gruBackward. */
export function gruRbBackward(
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
  d: Dims
): void {
  const { T, B, I, H } = d,
    G = 3 * H,
    H2 = 2 * H,
    BH = B * H
  const gates = cache.gates,
    hs = cache.h,
    rhs = cache.hn,
    da = cache.dgx,
    dhs = cache.dhs
  const dhNext = cache.dhNext,
    drh = cache.dcNext // (B, H) scratch for d(r ⊙ h)
  for (let k = 0; k < BH; k++) dhNext[k] = dhN ? dhN[k] : 0
  for (let t = T - 1; t >= 0; t--) {
    const hPrev = t === 0 ? h0 : hs,
      pOff = t === 0 ? 0 : (t - 1) * BH
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        sO = (t * B + b) * H,
        pO = pOff + b * H,
        nO = b * H
      for (let j = 0; j < H; j++) {
        const dh = (dout ? dout[sO + j] : 0) + dhNext[nO + j]
        dhs[sO + j] = dh
        const z = gates[gO + H + j],
          n = gates[gO + 2 * H + j]
        da[gO + 2 * H + j] = dh * (1 - z) * (1 - n * n)
        da[gO + H + j] = dh * (hPrev[pO + j] - n) * z * (1 - z)
        dhNext[nO + j] = dh * z
      }
    }
    // d(r ⊙ h_{t−1}) = da_n W_hn: (B, H) · (H, H)
    gemm(false, false, B, H, H, da, t * B * G + H2, G, w.Whh, H2 * H, H, 0, drh, 0, H)
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        pO = pOff + b * H,
        nO = b * H
      for (let j = 0; j < H; j++) {
        const r = gates[gO + j]
        da[gO + j] = drh[nO + j] * hPrev[pO + j] * r * (1 - r)
        dhNext[nO + j] += drh[nO + j] * r
      }
    }
    // + [da_r, da_z] W_h{r,z}: (B, 2H) · (2H, H)
    gemm(false, false, B, H, H2, da, t * B * G, G, w.Whh, 0, H, 1, dhNext, 0, H)
  }
  if (dh0) for (let k = 0; k < BH; k++) dh0[k] += dhNext[k]
  // dW_h{r,z} += Σ [da_r, da_z]ᵀ h_{t−1};  dW_hn += Σ da_nᵀ (r ⊙ h_{t−1})
  gemm(true, false, H2, H, B, da, 0, G, h0, 0, H, 1, g.Whh, 0, H)
  if (T > 1) gemm(true, false, H2, H, (T - 1) * B, da, B * G, G, hs, 0, H, 1, g.Whh, 0, H)
  gemm(true, false, H, H, T * B, da, H2, G, rhs, 0, H, 1, g.Whh, H2 * H, H)
  colSumInto(g.bhh, da, T * B, G)
  projectInputsBackward(dx, g.Wih, g.bih, null, da, x, tok, w.Wih, T * B, G, I)
}
