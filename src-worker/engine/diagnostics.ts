// Per-epoch diagnostics, cheap next to a training step: per-gate mean activations, the gates and hidden
// state of one probe sequence over time, ‖∂L/∂h_t‖ of the top layer, norms per parameter.

import type { Arr } from './arr.js';
import { gateCount, gateNames } from './cells/common.js';
import type { Model } from './model.js';
import type { Stack } from './stack.js';

export interface Diagnostics {
  gateNames: string[];            // LSTM i,f,g,o; GRU r,z,n; RNN h
  gateMeans: number[][];          // [stack layer][gate] mean activation over the probe batch (directions averaged; seq2seq: encoder layers then decoder layers)
  probe: { gates: number[][][]; hidden: number[][] }; // top layer, direction 0, probe sample 0: gates[g][t][j], hidden[t][j] (4 decimals)
  dhNorm: number[];               // ‖∂L/∂h_t‖ for every t of the top layer, mean over the batch (last training step of the epoch)
  gradNorm: number;               // global gradient norm (before clipping) of the last step
  meanGradNorm: number;           // mean over the epoch's optimizer steps
  clippedFraction: number;        // fraction of the epoch's optimizer steps that were clipped
  params: { name: string; weightNorm: number; gradNorm: number }[]; // last step, before clipping
}

/** Mean activation of each gate block of every layer of `st` after its last forward. */
export function gateMeansOf(st: Stack): number[][] {
  const G = st.G, H = st.H, T = st.lastT, B = st.lastB, res: number[][] = [];
  for (let l = 0; l < st.L; l++) {
    const m = new Array<number>(G).fill(0);
    for (let d = 0; d < st.D; d++) {
      const gates = st.cache(l, d).gates;
      for (let r = 0; r < T * B; r++) for (let g = 0; g < G; g++) {
        let s = 0;
        const o = r * G * H + g * H;
        for (let j = 0; j < H; j++) s += gates[o + j];
        m[g] += s;
      }
    }
    res.push(m.map((v) => v / (st.D * T * B * H)));
  }
  return res;
}

/** Gates (G × T × H) and hidden states (T × H) of batch row b of the top layer, direction 0. */
export function probeOf(st: Stack, b: number): { gates: number[][][]; hidden: number[][] } {
  const G = st.G, H = st.H, T = st.lastT, B = st.lastB, c = st.cache(st.L - 1, 0);
  const gates: number[][][] = [], hidden: number[][] = [];
  for (let g = 0; g < G; g++) {
    const rows: number[][] = [];
    for (let t = 0; t < T; t++) rows.push(row(c.gates, (t * B + b) * G * H + g * H, H));
    gates.push(rows);
  }
  for (let t = 0; t < T; t++) hidden.push(row(c.h, (t * B + b) * H, H));
  return { gates, hidden };
}

/**
 * a[o .. o+n) as plain numbers rounded to 4 decimals: the heatmaps need no more, and it makes the epoch's
 * stored JSON about 2.7× smaller and quicker to write (a loop: Array.from over a subarray is several times slower).
 */
function row(a: Arr, o: number, n: number): number[] {
  const r = new Array<number>(n);
  for (let j = 0; j < n; j++) r[j] = Math.round(a[o + j] * 1e4) / 1e4;
  return r;
}

/** ‖∂L/∂h_t‖ per t (mean over the batch) of the top layer after a backward over (T, B). */
export function dhNormsOf(st: Stack, T: number, B: number): number[] {
  const H = st.H, dhs = st.cache(st.L - 1, 0).dhs, res: number[] = [];
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let b = 0; b < B; b++) {
      let q = 0;
      const o = (t * B + b) * H;
      for (let j = 0; j < H; j++) q += dhs[o + j] * dhs[o + j];
      s += Math.sqrt(q);
    }
    res.push(s / B);
  }
  return res;
}

export function paramNorms(model: Model): { name: string; weightNorm: number; gradNorm: number }[] {
  return model.layout.entries.map((e) => ({
    name: e.name,
    weightNorm: norm(model.params, e.offset, e.size),
    gradNorm: norm(model.grads, e.offset, e.size),
  }));
}

function norm(a: Arr, off: number, n: number): number {
  let s = 0;
  for (let i = off; i < off + n; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export { gateCount, gateNames };
