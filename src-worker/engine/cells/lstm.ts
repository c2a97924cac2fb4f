// LSTM layer scan, PyTorch nn.LSTM (https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html),
// gate blocks i, f, g, o stacked in W_ih (4H, I), W_hh (4H, H), b_ih, b_hh:
//
//   i_t = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)
//   f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)
//   g_t = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
//   o_t = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)
//   c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
//   h_t = o_t ⊙ tanh(c_t)
//
// Backward (reverse time), with dh = dL/dh_t (from the output plus the carry dhNext):
//   dc      = dcNext + dh ⊙ o ⊙ (1 − tanh²c)
//   da_i = dc ⊙ g ⊙ i(1−i)   da_f = dc ⊙ c_{t−1} ⊙ f(1−f)   da_g = dc ⊙ i ⊙ (1−g²)   da_o = dh ⊙ tanh c ⊙ o(1−o)
//   dcNext  = dc ⊙ f,   dhNext = da W_hh
// then, batched over time: dW_hh += Σ daᵀ h_{t−1}, dW_ih += Σ daᵀ x_t, db_ih = db_hh += Σ da, dx = da W_ih.

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

export function lstmForward(
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  c0: Arr,
  w: LayerWeights,
  d: Dims
): void {
  const { T, B, I, H } = d,
    G = 4 * H
  const gates = cache.gates,
    hs = cache.h,
    cs = cache.c,
    tcs = cache.tc
  // (T, B, 4H) pre-activations: W_ih x_t + b_ih + b_hh for every t in one GEMM
  projectInputs(gates, x, tok, w.Wih, w.bih, w.bhh, T * B, G, I)
  const whhT = (cache.packF = packB(cache.packF, true, H, G, w.Whh, 0, H)) // W_hhᵀ packed once for all steps
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : hs,
      cPrev = t === 0 ? c0 : cs
    const pOff = t === 0 ? 0 : (t - 1) * B * H
    // += W_hh h_{t−1}: (B, H) · (H, 4H)
    gemmPacked(false, B, hPrev, pOff, H, whhT, 1, gates, t * B * G, G)
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        sO = (t * B + b) * H,
        pO = pOff + b * H
      for (let j = 0; j < H; j++) {
        const ig = 1 / (1 + Math.exp(-gates[gO + j]))
        const fg = 1 / (1 + Math.exp(-gates[gO + H + j]))
        const gg = tanh(gates[gO + 2 * H + j])
        const og = 1 / (1 + Math.exp(-gates[gO + 3 * H + j]))
        gates[gO + j] = ig
        gates[gO + H + j] = fg
        gates[gO + 2 * H + j] = gg
        gates[gO + 3 * H + j] = og
        const c = fg * cPrev[pO + j] + ig * gg
        const tc = tanh(c)
        cs[sO + j] = c
        tcs[sO + j] = tc
        hs[sO + j] = og * tc
      }
    }
  }
}

/**
 * Accumulates into dx (T,B,I) (may be null), dh0/dc0 (B,H) and the weight gradients `g`.
 * dout (T,B,H) is dL/dh_t from above (null = 0); dhN/dcN (B,H) are dL/d(final state) (null = 0).
 */
export function lstmBackward(
  dx: Arr | null,
  dh0: Arr | null,
  dc0: Arr | null,
  g: LayerWeights,
  dout: Arr | null,
  dhN: Arr | null,
  dcN: Arr | null,
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  c0: Arr,
  w: LayerWeights,
  d: Dims
): void {
  const { T, B, I, H } = d,
    G = 4 * H,
    BH = B * H
  const gates = cache.gates,
    cs = cache.c,
    tcs = cache.tc,
    da = cache.dgx,
    dhs = cache.dhs
  const dhNext = cache.dhNext,
    dcNext = cache.dcNext
  for (let k = 0; k < BH; k++) {
    dhNext[k] = dhN ? dhN[k] : 0
    dcNext[k] = dcN ? dcN[k] : 0
  }
  const whh = (cache.packBw = packB(cache.packBw, false, G, H, w.Whh, 0, H)) // W_hh packed once for all steps
  for (let t = T - 1; t >= 0; t--) {
    const cPrev = t === 0 ? c0 : cs,
      pOff = t === 0 ? 0 : (t - 1) * BH
    for (let b = 0; b < B; b++) {
      const gO = (t * B + b) * G,
        sO = (t * B + b) * H,
        pO = pOff + b * H,
        nO = b * H
      for (let j = 0; j < H; j++) {
        const dh = (dout ? dout[sO + j] : 0) + dhNext[nO + j]
        dhs[sO + j] = dh
        const ig = gates[gO + j],
          fg = gates[gO + H + j],
          gg = gates[gO + 2 * H + j],
          og = gates[gO + 3 * H + j]
        const tc = tcs[sO + j]
        const dc = dcNext[nO + j] + dh * og * (1 - tc * tc) // through h = o·tanh(c)
        da[gO + j] = dc * gg * ig * (1 - ig) // i
        da[gO + H + j] = dc * cPrev[pO + j] * fg * (1 - fg) // f
        da[gO + 2 * H + j] = dc * ig * (1 - gg * gg) // g
        da[gO + 3 * H + j] = dh * tc * og * (1 - og) // o
        dcNext[nO + j] = dc * fg // c_{t−1}
      }
    }
    // dL/dh_{t−1} through the recurrent product: (B, 4H) · (4H, H)
    gemmPacked(false, B, da, t * B * G, G, whh, 0, dhNext, 0, H)
  }
  if (dh0) for (let k = 0; k < BH; k++) dh0[k] += dhNext[k]
  if (dc0) for (let k = 0; k < BH; k++) dc0[k] += dcNext[k]
  recurrentBackward(g.Whh, null, da, cache.h, h0, T, B, G, H)
  projectInputsBackward(dx, g.Wih, g.bih, g.bhh, da, x, tok, w.Wih, T * B, G, I)
}
