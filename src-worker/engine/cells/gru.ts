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

import { gemm } from '../gemm.js';
import type { Arr } from '../arr.js';
import { projectInputs, projectInputsBackward, recurrentBackward, type CellCache, type Dims, type LayerWeights } from './common.js';

export function gruForward(
  cache: CellCache, x: Arr | null, tok: Int32Array | null, h0: Arr, w: LayerWeights, d: Dims,
): void {
  const { T, B, I, H } = d, G = 3 * H;
  const gates = cache.gates, hs = cache.h, hns = cache.hn, hh = cache.hh, bhh = w.bhh;
  // (T, B, 3H): W_ih x_t + b_ih for every t in one GEMM
  projectInputs(gates, x, tok, w.Wih, w.bih, null, T * B, G, I);
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : hs, pOff = t === 0 ? 0 : (t - 1) * B * H;
    // hh (B, 3H) = W_hh h_{t−1} + b_hh
    for (let b = 0; b < B; b++) for (let k = 0; k < G; k++) hh[b * G + k] = bhh[k];
    gemm(false, true, B, G, H, hPrev, pOff, H, w.Whh, 0, H, 1, hh, 0, G);
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G, sO = (t * B + b) * H, pO = pOff + b * H, qO = b * G;
      for (let j = 0; j < H; j++) {
        const r = 1 / (1 + Math.exp(-(gates[gO + j] + hh[qO + j])));
        const z = 1 / (1 + Math.exp(-(gates[gO + H + j] + hh[qO + H + j])));
        const hn = hh[qO + 2 * H + j];
        const n = Math.tanh(gates[gO + 2 * H + j] + r * hn);
        gates[gO + j] = r; gates[gO + H + j] = z; gates[gO + 2 * H + j] = n;
        hns[sO + j] = hn;
        hs[sO + j] = (1 - z) * n + z * hPrev[pO + j];
      }
    }
  }
}

/** Accumulates into dx (T,B,I) (may be null), dh0 (B,H) and `g`; dout (T,B,H) / dhN (B,H) may be null (= 0). */
export function gruBackward(
  dx: Arr | null, dh0: Arr | null, g: LayerWeights,
  dout: Arr | null, dhN: Arr | null,
  cache: CellCache, x: Arr | null, tok: Int32Array | null, h0: Arr, w: LayerWeights, d: Dims,
): void {
  const { T, B, I, H } = d, G = 3 * H, BH = B * H;
  const gates = cache.gates, hs = cache.h, hns = cache.hn, dgx = cache.dgx, dgh = cache.dgh, dhs = cache.dhs;
  const dhNext = cache.dhNext;
  for (let k = 0; k < BH; k++) dhNext[k] = dhN ? dhN[k] : 0;
  for (let t = T - 1; t >= 0; t--) {
    const hPrev = t === 0 ? h0 : hs, pOff = t === 0 ? 0 : (t - 1) * BH;
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G, sO = (t * B + b) * H, pO = pOff + b * H, nO = b * H;
      for (let j = 0; j < H; j++) {
        const dh = (dout ? dout[sO + j] : 0) + dhNext[nO + j];
        dhs[sO + j] = dh;
        const r = gates[gO + j], z = gates[gO + H + j], n = gates[gO + 2 * H + j], hn = hns[sO + j];
        const dan = dh * (1 - z) * (1 - n * n);
        const daz = dh * (hPrev[pO + j] - n) * z * (1 - z);
        const dar = dan * hn * r * (1 - r);
        dgx[gO + j] = dar; dgx[gO + H + j] = daz; dgx[gO + 2 * H + j] = dan;
        dgh[gO + j] = dar; dgh[gO + H + j] = daz; dgh[gO + 2 * H + j] = dan * r;
        dhNext[nO + j] = dh * z;                                       // direct path z ⊙ h_{t−1}
      }
    }
    // + dgh W_hh: (B, 3H) · (3H, H)
    gemm(false, false, B, H, G, dgh, t * B * G, G, w.Whh, 0, H, 1, dhNext, 0, H);
  }
  if (dh0) for (let k = 0; k < BH; k++) dh0[k] += dhNext[k];
  recurrentBackward(g.Whh, g.bhh, dgh, hs, h0, T, B, G, H);
  projectInputsBackward(dx, g.Wih, g.bih, dgx, x, tok, w.Wih, T * B, G, I);
}
