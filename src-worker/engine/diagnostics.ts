// Per-epoch diagnostics, cheap next to a training step: per-gate mean activations, the gates and hidden
// state of one probe sequence over time, ‖∂L/∂h_t‖ of the top layer, norms per parameter.

import type { Arr } from './arr.js'
import { gateCount, gateNames } from './cells/common.js'
import type { Model } from './model.js'
import type { Stack } from './stack.js'

export interface Diagnostics {
  gateNames: string[] // LSTM i,f,g,o; GRU r,z,n; RNN h
  gateMeans: number[][] // [stack layer][gate] mean activation over the probe batch (directions averaged; seq2seq: encoder layers then decoder layers)
  /** Top layer, direction 0, probe sample 0: gates[g][t][j], hidden[t][j] (4 decimals); only for the epochs asked for. */
  probe?: { gates: number[][][]; hidden: number[][] }
  dhNorm: number[] // ‖∂L/∂h_t‖ for every t of the top layer, mean over the batch (last training step of the epoch)
  gradNorm: number // global gradient norm (before clipping) of the last step
  meanGradNorm: number // mean over the epoch's optimizer steps
  clippedFraction: number // fraction of the epoch's optimizer steps that were clipped
  params: { name: string; weightNorm: number; gradNorm: number }[] // last step, before clipping
}

/** Mean activation of each gate block of every layer of `st` after its last forward. */
export function gateMeansOf(st: Stack): number[][] {
  const G = st.G,
    H = st.H,
    T = st.lastT,
    B = st.lastB,
    res: number[][] = []
  for (let l = 0; l < st.L; l++) {
    const m = new Array<number>(G).fill(0)
    for (let d = 0; d < st.D; d++) {
      const gates = st.cache(l, d).gates
      for (let r = 0; r < T * B; r++) for (let g = 0; g < G; g++) m[g] += sum(gates, r * G * H + g * H, H)
    }
    res.push(m.map((v) => v / (st.D * T * B * H)))
  }
  return res
}

/**
 * a[o] + … + a[o+n−1] in four interleaved partial sums: these per-epoch reductions run once per epoch over up to
 * T·B·G·H numbers, and one running sum waits on every addition (a chain of dependent adds is ~4× slower).
 */
function sum(a: Arr, o: number, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    j = o
  const e = o + n,
    e4 = o + (n & ~3)
  for (; j < e4; j += 4) {
    s0 += a[j]
    s1 += a[j + 1]
    s2 += a[j + 2]
    s3 += a[j + 3]
  }
  for (; j < e; j++) s0 += a[j]
  return s0 + s1 + (s2 + s3)
}

/** a[o]² + … + a[o+n−1]², in four partial sums like `sum`. */
function sumSquares(a: Arr, o: number, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    j = o
  const e = o + n,
    e4 = o + (n & ~3)
  for (; j < e4; j += 4) {
    const v0 = a[j],
      v1 = a[j + 1],
      v2 = a[j + 2],
      v3 = a[j + 3]
    s0 += v0 * v0
    s1 += v1 * v1
    s2 += v2 * v2
    s3 += v3 * v3
  }
  for (; j < e; j++) s0 += a[j] * a[j]
  return s0 + s1 + (s2 + s3)
}

/** Gates (G × T × H) and hidden states (T × H) of batch row b of the top layer, direction 0. */
export function probeOf(st: Stack, b: number): { gates: number[][][]; hidden: number[][] } {
  const G = st.G,
    H = st.H,
    T = st.lastT,
    B = st.lastB,
    c = st.cache(st.L - 1, 0)
  const gates: number[][][] = [],
    hidden: number[][] = []
  for (let g = 0; g < G; g++) {
    const rows: number[][] = []
    for (let t = 0; t < T; t++) rows.push(row(c.gates, (t * B + b) * G * H + g * H, H))
    gates.push(rows)
  }
  for (let t = 0; t < T; t++) hidden.push(row(c.h, (t * B + b) * H, H))
  return { gates, hidden }
}

/**
 * a[o .. o+n) as plain numbers rounded to 4 decimals: the heatmaps need no more, and it makes the epoch's
 * stored JSON about 2.7× smaller and quicker to write. Built by push, so the array is packed: V8 clones and
 * serialises a packed array of doubles 2–3× faster than a holey one (`new Array(n)`), and it is cloned to main
 * and written as JSON (Array.from over a subarray is several times slower still).
 */
function row(a: Arr, o: number, n: number): number[] {
  const r: number[] = []
  for (let j = 0; j < n; j++) r.push(Math.round(a[o + j] * 1e4) / 1e4)
  return r
}

/** ‖∂L/∂h_t‖ per t (mean over the batch) of the top layer after a backward over (T, B). */
export function dhNormsOf(st: Stack, T: number, B: number): number[] {
  const H = st.H,
    dhs = st.cache(st.L - 1, 0).dhs,
    res: number[] = []
  for (let t = 0; t < T; t++) {
    let s = 0
    for (let b = 0; b < B; b++) s += Math.sqrt(sumSquares(dhs, (t * B + b) * H, H))
    res.push(s / B)
  }
  return res
}

export function paramNorms(model: Model): { name: string; weightNorm: number; gradNorm: number }[] {
  return model.layout.entries.map((e) => ({
    name: e.name,
    weightNorm: Math.sqrt(sumSquares(model.params, e.offset, e.size)),
    gradNorm: Math.sqrt(sumSquares(model.grads, e.offset, e.size))
  }))
}

export { gateCount, gateNames }
