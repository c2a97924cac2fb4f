// The float32 fast cell scans on every kernel path present (kernel-paths.ts: each native instruction-set path,
// WebAssembly) against the float64 TypeScript cells (the parity path) on random weights and inputs: hidden states, cell states and every gradient within 2e-4·max(1, max|ref|) per tensor (float32
// rounding of ~T recurrent steps; see docs/PERFORMANCE.md), plus bit-reproducibility of repeated runs.

import { afterAll, describe, expect, it } from 'vitest'
import {
  allocCache,
  type CellCache,
  type CellKind,
  type LayerWeights
} from '../../../../src-worker/engine/cells/common.js'
import { lstmBackward, lstmForward } from '../../../../src-worker/engine/cells/lstm.js'
import { gruBackward, gruForward } from '../../../../src-worker/engine/cells/gru.js'
import { rnnBackward, rnnForward } from '../../../../src-worker/engine/cells/rnn.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import type { Arr } from '../../../../src-worker/engine/arr.js'
import {
  allocCacheWasm,
  gruBackwardWasm,
  gruForwardWasm,
  lstmBackwardWasm,
  lstmForwardWasm,
  rnnBackwardWasm,
  rnnForwardWasm
} from '../../../../src-worker/engine/wasm/fast-cells.js'
import { wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import { KERNEL_PATHS, restorePath, usePath } from './kernel-paths.js'

const G_OF: Record<CellKind, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 }

interface Case {
  cell: CellKind
  T: number
  B: number
  I: number
  H: number
  tokens: boolean
}

function weights(rng: Rng, G: number, H: number, I: number, f32: boolean): { w: LayerWeights; g: LayerWeights } {
  const mk = (n: number, sc: number): Float64Array => {
    const a = new Float64Array(n)
    for (let i = 0; i < n; i++) a[i] = sc * (2 * rng.uniform() - 1)
    return a
  }
  const s = 1 / Math.sqrt(H)
  const w64 = { Wih: mk(G * H * I, s), Whh: mk(G * H * H, s), bih: mk(G * H, 0.3), bhh: mk(G * H, 0.3) }
  const conv = (a: Float64Array): Arr => (f32 ? Float32Array.from(a) : Float64Array.from(a))
  return {
    w: { Wih: conv(w64.Wih), Whh: conv(w64.Whh), bih: conv(w64.bih), bhh: conv(w64.bhh) },
    g: {
      Wih: f32 ? new Float32Array(G * H * I) : new Float64Array(G * H * I),
      Whh: f32 ? new Float32Array(G * H * H) : new Float64Array(G * H * H),
      bih: f32 ? new Float32Array(G * H) : new Float64Array(G * H),
      bhh: f32 ? new Float32Array(G * H) : new Float64Array(G * H)
    }
  }
}

function run(c: Case, fast: boolean, seed: number): Record<string, Arr> {
  const rng = new Rng(seed),
    G = G_OF[c.cell],
    { T, B, I, H } = c,
    f32 = fast
  const { w, g } = weights(rng, G, H, I, f32)
  const mk = (n: number, sc = 1): Arr => {
    const a = f32 ? new Float32Array(n) : new Float64Array(n)
    for (let i = 0; i < n; i++) a[i] = sc * rng.normal()
    return a
  }
  const x = c.tokens ? null : mk(T * B * I)
  const tok = c.tokens ? Int32Array.from({ length: T * B }, () => rng.int(I)) : null
  const h0 = mk(B * H, 0.5),
    c0 = mk(B * H, 0.5),
    dout = mk(T * B * H),
    dhN = mk(B * H),
    dcN = mk(B * H)
  const dx = c.tokens ? null : mk(T * B * I, 0),
    dh0 = mk(B * H, 0),
    dc0 = mk(B * H, 0)
  const cache: CellCache = fast ? allocCacheWasm(c.cell, T, B, H) : allocCache(c.cell, 'float64', T, B, H)
  const d = { T, B, I, H }
  if (c.cell === 'lstm') {
    ;(fast ? lstmForwardWasm : lstmForward)(cache, x, tok, h0, c0, w, d)
    ;(fast ? lstmBackwardWasm : lstmBackward)(dx, dh0, dc0, g, dout, dhN, dcN, cache, x, tok, h0, c0, w, d)
  } else if (c.cell === 'gru') {
    ;(fast ? gruForwardWasm : gruForward)(cache, x, tok, h0, w, d)
    ;(fast ? gruBackwardWasm : gruBackward)(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d)
  } else {
    const relu = c.cell === 'rnn_relu'
    ;(fast ? rnnForwardWasm : rnnForward)(cache, x, tok, h0, w, d, relu)
    ;(fast ? rnnBackwardWasm : rnnBackward)(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d, relu)
  }
  const out: Record<string, Arr> = {
    h: cache.h.slice(0, T * B * H),
    dWih: g.Wih,
    dWhh: g.Whh,
    dbih: g.bih,
    dbhh: g.bhh,
    dh0
  }
  if (c.cell === 'lstm') {
    out.c = cache.c.slice(0, T * B * H)
    out.dc0 = dc0
  }
  if (dx) out.dx = dx
  return out
}

const cases: Case[] = [
  { cell: 'lstm', T: 7, B: 5, I: 3, H: 9, tokens: false },
  { cell: 'lstm', T: 12, B: 4, I: 11, H: 16, tokens: true },
  { cell: 'lstm', T: 20, B: 8, I: 8, H: 64, tokens: false },
  { cell: 'gru', T: 7, B: 3, I: 5, H: 13, tokens: false },
  { cell: 'gru', T: 10, B: 8, I: 6, H: 32, tokens: true },
  { cell: 'rnn_tanh', T: 15, B: 4, I: 1, H: 7, tokens: false },
  { cell: 'rnn_relu', T: 9, B: 3, I: 4, H: 12, tokens: false },
  { cell: 'lstm', T: 1, B: 1, I: 2, H: 5, tokens: false }
]

describe.skipIf(!wasm)('float32 fast cells vs float64 cells, on every kernel path', () => {
  afterAll(restorePath)
  for (const c of cases) {
    it(`${c.cell} T=${c.T} B=${c.B} I=${c.I} H=${c.H}${c.tokens ? ' tokens' : ''}`, () => {
      const ref = run(c, false, 42)
      for (const p of KERNEL_PATHS) {
        usePath(p)
        check(c, ref, p)
      }
    })
  }
})

/** One path's scans against the float64 reference, and the same bits on rerun. */
function check(c: Case, ref: Record<string, Arr>, path: string): void {
  const got = run(c, true, 42)
  for (const name of Object.keys(ref)) {
    const r = ref[name],
      q = got[name]
    let scale = 1,
      diff = 0
    for (let i = 0; i < r.length; i++) {
      scale = Math.max(scale, Math.abs(r[i]))
      diff = Math.max(diff, Math.abs(r[i] - q[i]))
    }
    expect(diff / scale, `${path} ${name}`).toBeLessThanOrEqual(2e-4)
  }
  const again = run(c, true, 42)
  for (const name of Object.keys(got)) expect(Array.from(again[name]), `${path} ${name}`).toEqual(Array.from(got[name]))
}
