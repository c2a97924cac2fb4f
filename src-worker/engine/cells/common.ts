// What every cell shares: weight views, sizes, the per-layer cache, the batched input projection
// (all time steps in one GEMM before the recurrence, PyTorch aten/native/RNN.cpp style) and the
// batched weight-gradient products after the backward recurrence.

import { alloc, type Arr, type DType } from '../arr.js'
import { gemm, type PackedB } from '../gemm.js'

export type CellKind = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu'

/** Number of gate blocks G: LSTM 4 (i,f,g,o), GRU 3 (r,z,n), RNN 1. */
export function gateCount(cell: CellKind): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1
}

export function gateNames(cell: CellKind): string[] {
  return cell === 'lstm' ? ['i', 'f', 'g', 'o'] : cell === 'gru' ? ['r', 'z', 'n'] : ['h']
}

/** Views of one layer-direction's parameters (or of their gradients), PyTorch layout. */
export interface LayerWeights {
  Wih: Arr // (G*H, I)
  Whh: Arr // (G*H, H)
  bih: Arr // (G*H)
  bhh: Arr // (G*H)
}

export interface Dims {
  T: number
  B: number
  I: number
  H: number
}

/** Preallocated per-layer buffers for up to (Tmax, Bmax); any T ≤ Tmax, B ≤ Bmax reuses them. */
export interface CellCache {
  gates: Arr // (T, B, G*H) activated gates (LSTM i,f,g,o; GRU r,z,n; RNN h)
  h: Arr // (T, B, H) hidden states h_t
  c: Arr // (T, B, H) LSTM cell states c_t (empty otherwise)
  tc: Arr // (T, B, H) LSTM tanh(c_t)
  hn: Arr // (T, B, H) GRU W_hn h_{t-1} + b_hn (reset-before variant: r ⊙ h_{t-1})
  hh: Arr // (B, G*H) GRU scratch: W_hh h_{t-1} + b_hh for one step
  dgx: Arr // (T, B, G*H) dL/d(input pre-activations)
  dgh: Arr // (T, B, G*H) GRU: dL/d(hidden pre-activations); = dgx for LSTM/RNN
  dhs: Arr // (T, B, H) total dL/dh_t seen by the backward recurrence (diagnostics)
  dhNext: Arr // (B, H) BPTT carry dL/dh_{t-1}
  dcNext: Arr // (B, H) BPTT carry dL/dc_{t-1} (LSTM); reset-before GRU: scratch d(r ⊙ h_{t-1})
  packF: PackedB | null // W_hhᵀ packed for the forward recurrence (refreshed at every forward)
  packBw: PackedB | null // W_hh packed for the backward recurrence (refreshed at every backward)
  Tmax: number
  Bmax: number
}

export function allocCache(cell: CellKind, dtype: DType, Tmax: number, Bmax: number, H: number): CellCache {
  const G = gateCount(cell),
    TB = Tmax * Bmax
  const lstm = cell === 'lstm',
    gru = cell === 'gru'
  const dgx = alloc(dtype, TB * G * H)
  return {
    gates: alloc(dtype, TB * G * H),
    h: alloc(dtype, TB * H),
    c: alloc(dtype, lstm ? TB * H : 0),
    tc: alloc(dtype, lstm ? TB * H : 0),
    hn: alloc(dtype, gru ? TB * H : 0),
    hh: alloc(dtype, gru ? Bmax * G * H : 0),
    dgx,
    dgh: gru ? alloc(dtype, TB * G * H) : dgx,
    dhs: alloc(dtype, TB * H),
    dhNext: alloc(dtype, Bmax * H),
    dcNext: alloc(dtype, Bmax * H),
    packF: null,
    packBw: null,
    Tmax,
    Bmax
  }
}

/**
 * Input projection for all N = T·B rows at once:
 *   out[r, :] = W_ih x_r + b1 (+ b2)          (N, GH)
 * Token inputs (tok ≠ null) gather column tok[r] of W_ih instead of multiplying a one-hot vector.
 */
export function projectInputs(
  out: Arr,
  x: Arr | null,
  tok: Int32Array | null,
  Wih: Arr,
  b1: Arr,
  b2: Arr | null,
  N: number,
  GH: number,
  I: number
): void {
  if (tok) {
    for (let r = 0; r < N; r++) {
      const v = tok[r],
        o = r * GH
      if (v < 0 || v >= I) throw new Error(`token id ${v} at row ${r} is outside the vocabulary 0..${I - 1}`)
      if (b2) for (let g = 0; g < GH; g++) out[o + g] = Wih[g * I + v] + b1[g] + b2[g]
      else for (let g = 0; g < GH; g++) out[o + g] = Wih[g * I + v] + b1[g]
    }
    return
  }
  gemm(false, true, N, GH, I, x as Arr, 0, I, Wih, 0, I, 0, out, 0, GH)
  for (let r = 0; r < N; r++) {
    const o = r * GH
    if (b2) for (let g = 0; g < GH; g++) out[o + g] += b1[g] + b2[g]
    else for (let g = 0; g < GH; g++) out[o + g] += b1[g]
  }
}

/**
 * Mirror of projectInputs (accumulates):
 *   dW_ih += dgxᵀ x,  db_ih (and db2) += Σ_r dgx[r],  dx += dgx W_ih     (token inputs: scatter into columns of dW_ih)
 * db2 = db_hh for cells whose two biases see the same gradient (LSTM, RNN): one pass serves both.
 */
export function projectInputsBackward(
  dx: Arr | null,
  dWih: Arr,
  dbih: Arr,
  db2: Arr | null,
  dgx: Arr,
  x: Arr | null,
  tok: Int32Array | null,
  Wih: Arr,
  N: number,
  GH: number,
  I: number
): void {
  if (tok) {
    for (let r = 0; r < N; r++) {
      const v = tok[r],
        o = r * GH
      for (let g = 0; g < GH; g++) dWih[g * I + v] += dgx[o + g]
    }
  } else {
    gemm(true, false, GH, I, N, dgx, 0, GH, x as Arr, 0, I, 1, dWih, 0, I)
    if (dx) gemm(false, false, N, I, GH, dgx, 0, GH, Wih, 0, I, 1, dx, 0, I)
  }
  if (db2) colSumInto2(dbih, db2, dgx, N, GH)
  else colSumInto(dbih, dgx, N, GH)
}

/** dW_hh += Σ_t dghᵀ_t h_{t-1} (h_{-1} = h0) as two GEMMs over time, and db_hh += Σ dgh when given. */
export function recurrentBackward(
  dWhh: Arr,
  dbhh: Arr | null,
  dgh: Arr,
  h: Arr,
  h0: Arr,
  T: number,
  B: number,
  GH: number,
  H: number
): void {
  gemm(true, false, GH, H, B, dgh, 0, GH, h0, 0, H, 1, dWhh, 0, H)
  if (T > 1) gemm(true, false, GH, H, (T - 1) * B, dgh, B * GH, GH, h, 0, H, 1, dWhh, 0, H)
  if (dbhh) colSumInto(dbhh, dgh, T * B, GH)
}

export function colSumInto(out: Arr, a: Arr, N: number, D: number): void {
  for (let r = 0; r < N; r++) {
    const o = r * D
    for (let g = 0; g < D; g++) out[g] += a[o + g]
  }
}

/** The same column sums added to two outputs (db_ih and db_hh of LSTM / RNN). */
function colSumInto2(out1: Arr, out2: Arr, a: Arr, N: number, D: number): void {
  const sum = new Float64Array(D) // once per backward, not per step
  for (let r = 0; r < N; r++) {
    const o = r * D
    for (let g = 0; g < D; g++) sum[g] += a[o + g]
  }
  for (let g = 0; g < D; g++) {
    out1[g] += sum[g]
    out2[g] += sum[g]
  }
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x))
}

/**
 * tanh x = 1 − 2 / (e^{2x} + 1): one Math.exp is about 1.5× faster than Math.tanh in V8. Absolute error
 * ≤ 2.3e-16 (so relative accuracy is lost only for |x| ≲ 1e-8, far below float32 resolution of the gates);
 * ±∞ and NaN behave like Math.tanh.
 */
export function tanh(x: number): number {
  return 1 - 2 / (Math.exp(2 * x) + 1)
}
