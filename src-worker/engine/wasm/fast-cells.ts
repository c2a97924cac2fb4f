// Float32 fast path of the cell scans (LSTM, PyTorch GRU, tanh/relu RNN) on the WASM kernels: the same
// equations, argument order and accumulate-only contract as cells/{lstm,gru,rnn}.ts, with
//   · the input projection of all T·B rows in one GEMM (token inputs: a row gather of W_ihᵀ),
//   · W_hh packed once per scan and one packed GEMM per step,
//   · the gate nonlinearities fused in one kernel call per step (forward and backward),
//   · the weight gradients as GEMMs over all time steps after the backward scan,
// and nothing allocated or copied inside the time loop. The cache must come from allocCacheWasm (its buffers
// are WASM views, used in place); other operands (batch inputs, weights, gradients, dout) are staged once per
// call. Float32 arithmetic throughout; bounds against the float64 path are in docs/PERFORMANCE.md.

import type { Arr, DType } from '../arr.js'
import type { CellCache, CellKind, Dims, LayerWeights } from '../cells/common.js'
import { allocCache, gateCount } from '../cells/common.js'
import { allocBytes, allocF32, free, inWasm, wasm, type WasmRuntime } from './runtime.js'
import { mm, mmPacked, scan, scanMode } from './pool.js'
import { Stage } from './stage.js'

const stage = wasm ? new Stage(wasm, 1 << 20) : null

/** Extra WASM state of a fast cache: packed W_hhᵀ (forward) and W_hh (backward). */
interface Packs {
  fwd: number
  bwd: number
  floats: number
}
const packs = new WeakMap<CellCache, Packs>()
const reclaim =
  typeof FinalizationRegistry !== 'undefined'
    ? new FinalizationRegistry<number[]>((blocks) => {
        for (const b of blocks) free(b)
      })
    : null

/** True when the fast path can run this cell kind in this dtype. */
export function fastCellAvailable(cell: CellKind, dtype: DType, gruResetBefore = false): boolean {
  return wasm !== null && dtype === 'float32' && !(cell === 'gru' && gruResetBefore)
}

/** Like allocCache, but every buffer is a float32 view of the WASM memory (freed when the cache is collected). */
export function allocCacheWasm(cell: CellKind, Tmax: number, Bmax: number, H: number): CellCache {
  const G = gateCount(cell),
    TB = Tmax * Bmax,
    lstm = cell === 'lstm',
    gru = cell === 'gru'
  const blocks: number[] = []
  const f = (n: number): Float32Array => {
    const v = allocF32(n)
    blocks.push(v.byteOffset)
    return v
  }
  try {
    return buildCache(cell, f, blocks, Tmax, Bmax, H, G, TB, lstm, gru)
  } catch (e) {
    for (const b of blocks) free(b)
    throw e
  }
}

function buildCache(
  cell: CellKind,
  f: (n: number) => Float32Array,
  blocks: number[],
  Tmax: number,
  Bmax: number,
  H: number,
  G: number,
  TB: number,
  lstm: boolean,
  gru: boolean
): CellCache {
  const dgx = f(TB * G * H)
  const cache: CellCache = {
    gates: f(TB * G * H),
    h: f(TB * H),
    c: f(lstm ? TB * H : 0),
    tc: f(lstm ? TB * H : 0),
    hn: f(gru ? TB * H : 0),
    hh: f(gru ? Bmax * G * H : 0),
    dgx,
    dgh: gru ? f(TB * G * H) : dgx,
    dhs: f(TB * H),
    dhNext: f(Bmax * H),
    dcNext: f(Bmax * H),
    packF: null,
    packBw: null,
    Tmax,
    Bmax
  }
  const rt = wasm as WasmRuntime,
    floats = rt.k.packedSize(H, G * H)
  const p: Packs = { fwd: allocBytes(floats * 4), bwd: allocBytes(rt.k.packedSize(G * H, H) * 4), floats }
  blocks.push(p.fwd, p.bwd)
  packs.set(cache, p)
  reclaim?.register(cache, blocks)
  return cache
}

let warnedFull = false

/** allocCacheWasm when the fast path applies (and fits), else the JS cache. */
export function allocCacheFor(
  cell: CellKind,
  dtype: DType,
  Tmax: number,
  Bmax: number,
  H: number,
  gruResetBefore = false
): CellCache {
  if (fastCellAvailable(cell, dtype, gruResetBefore)) {
    try {
      return allocCacheWasm(cell, Tmax, Bmax, H)
    } catch (e) {
      // the WASM memory cannot grow that far (4 GiB): this layer runs on the TypeScript kernels
      if (!warnedFull) {
        warnedFull = true
        console.warn(
          `rnn-workbench engine: ${(e as Error).message}; layers that do not fit in WebAssembly memory use the TypeScript kernels`
        )
      }
    }
  }
  return allocCache(cell, dtype, Tmax, Bmax, H)
}

/** True when `cache` came from allocCacheWasm (so the fast functions may run on it). */
export function isFastCache(cache: CellCache): boolean {
  return packs.has(cache)
}

const P = (a: Arr, off = 0): number => a.byteOffset + off * 4 // address of a WASM view element

function rt(): WasmRuntime {
  return wasm as WasmRuntime
}

/**
 * gates (T·B, G·H) = W_ih x + b1 (+ b2) for all rows: one GEMM (dense), or a gather of W_ihᵀ rows (tokens).
 * Returns nothing; the staged weights stay valid until the caller's next stage reset.
 */
function project(
  gates: Arr,
  x: Arr | null,
  tok: Int32Array | null,
  w: LayerWeights,
  withHidBias: boolean,
  N: number,
  GH: number,
  I: number
): void {
  const k = rt().k,
    s = stage as Stage
  const bias = s.f32(GH)
  for (let g = 0; g < GH; g++) bias.v[g] = withHidBias ? w.bih[g] + w.bhh[g] : w.bih[g]
  if (tok) {
    for (let r = 0; r < N; r++) {
      const v = tok[r]
      if (v < 0 || v >= I) throw new Error(`token id ${v} at row ${r} is outside the vocabulary 0..${I - 1}`)
    }
    const wT = s.f32(I * GH),
      Wih = w.Wih
    for (let g = 0; g < GH; g++) for (let i = 0; i < I; i++) wT.v[i * GH + g] = Wih[g * I + i]
    k.gatherRows(P(gates), s.ptrInI32(tok, 0, N), wT.ptr, bias.ptr, N, GH)
    return
  }
  const px = s.ptrIn(x as Arr, 0, N * I),
    pw = s.ptrIn(w.Wih, 0, GH * I)
  mm(0, 1, N, GH, I, px, I, pw, I, 0, P(gates), GH)
  k.addRows(P(gates), bias.ptr, N, GH)
}

/** Mirror of project (accumulates into g.Wih, g.bih, g.bhh when shared, and dx). */
function projectBack(
  dx: Arr | null,
  g: LayerWeights,
  dgx: Arr,
  bothBiases: boolean,
  x: Arr | null,
  tok: Int32Array | null,
  w: LayerWeights,
  N: number,
  GH: number,
  I: number
): void {
  const k = rt().k,
    s = stage as Stage
  const db = s.f32(GH, true)
  k.colSum(db.ptr, P(dgx), N, GH)
  for (let j = 0; j < GH; j++) {
    g.bih[j] += db.v[j]
    if (bothBiases) g.bhh[j] += db.v[j]
  }
  if (tok) {
    const dwT = s.f32(I * GH, true)
    k.scatterRows(dwT.ptr, s.ptrInI32(tok, 0, N), P(dgx), N, GH)
    const dW = g.Wih
    for (let j = 0; j < GH; j++) for (let i = 0; i < I; i++) dW[j * I + i] += dwT.v[i * GH + j]
    return
  }
  const px = s.ptrIn(x as Arr, 0, N * I)
  accumulate(g.Wih, GH * I, (pd) => mm(1, 0, GH, I, N, P(dgx), GH, px, I, 1, pd, I))
  if (dx) {
    const pw = s.ptrIn(w.Wih, 0, GH * I),
      pdx = s.ptrIn(dx, 0, N * I)
    mm(0, 0, N, I, GH, P(dgx), GH, pw, I, 1, pdx, I)
    s.copyOut(dx, 0, N * I, pdx)
  }
}

/** g.Whh += Σ_t dghᵀ_t h_{t−1} (h_{−1} = h0) over all steps. */
function recurrentBack(dWhh: Arr, dgh: Arr, h: Arr, ph0: number, T: number, B: number, GH: number, H: number): void {
  accumulate(dWhh, GH * H, (pd) => {
    mm(1, 0, GH, H, B, P(dgh), GH, ph0, H, 1, pd, H)
    if (T > 1) mm(1, 0, GH, H, (T - 1) * B, P(dgh, B * GH), GH, P(h), H, 1, pd, H)
  })
}

/**
 * dst[0 .. n) += the products `acc` accumulates (beta 1) at the address it is given: dst itself when it is a
 * WASM view (the model's gradient slab), else a zeroed staging block added in afterwards. Both give the same
 * bits when dst starts at zero, as it does for every training step.
 */
function accumulate(dst: Arr, n: number, acc: (ptr: number) => void): void {
  if (dst instanceof Float32Array && inWasm(dst)) {
    acc(P(dst))
    return
  }
  const t = (stage as Stage).f32(n, true)
  acc(t.ptr)
  for (let i = 0; i < n; i++) dst[i] += t.v[i]
}

function zeroOr(dst: Arr, src: Arr | null, n: number): void {
  if (src) for (let i = 0; i < n; i++) dst[i] = src[i]
  else dst.fill(0, 0, n)
}

// ---------------------------------------------------------------------------------------------------------
// LSTM (gate blocks i, f, g, o)

export function lstmForwardWasm(
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
    BH = B * H,
    k = rt().k,
    s = stage as Stage
  const pk = packs.get(cache) as Packs
  s.reset()
  project(cache.gates, x, tok, w, true, T * B, G, I)
  k.packB(1, H, G, s.ptrIn(w.Whh, 0, G * H), H, pk.fwd) // W_hhᵀ (H, 4H)
  const ph0 = s.ptrIn(h0, 0, BH),
    pc0 = s.ptrIn(c0, 0, BH)
  const gates = P(cache.gates),
    hs = P(cache.h),
    cs = P(cache.c),
    tcs = P(cache.tc)
  if (scanMode(B, H) !== 'step') {
    scan('lstmScanFwd', T, B, H, [gates, ph0, pc0, hs, cs, tcs, pk.fwd])
    return
  }
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? ph0 : hs + (t - 1) * BH * 4,
      cPrev = t === 0 ? pc0 : cs + (t - 1) * BH * 4
    const gt = gates + t * B * G * 4,
      o = t * BH * 4
    mmPacked(0, B, G, H, hPrev, H, pk.fwd, 1, gt, G)
    k.lstmFwd(gt, cPrev, cs + o, tcs + o, hs + o, B, H)
  }
}

export function lstmBackwardWasm(
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
    BH = B * H,
    k = rt().k,
    s = stage as Stage
  const pk = packs.get(cache) as Packs
  s.reset()
  const dhNext = cache.dhNext,
    dcNext = cache.dcNext
  zeroOr(dhNext, dhN, BH)
  zeroOr(dcNext, dcN, BH)
  k.packB(0, G, H, s.ptrIn(w.Whh, 0, G * H), H, pk.bwd) // W_hh (4H, H)
  const pdout = dout ? s.ptrIn(dout, 0, T * BH) : 0,
    pc0 = s.ptrIn(c0, 0, BH),
    ph0 = s.ptrIn(h0, 0, BH)
  const da = P(cache.dgx),
    gates = P(cache.gates),
    tcs = P(cache.tc),
    cs = P(cache.c),
    dhs = P(cache.dhs)
  const pdh = P(dhNext),
    pdc = P(dcNext)
  if (scanMode(B, H) !== 'step') scan('lstmScanBwd', T, B, H, [da, pdc, pdh, pdout, dhs, gates, tcs, cs, pc0, pk.bwd])
  else
    for (let t = T - 1; t >= 0; t--) {
      const o = t * BH * 4,
        gt = t * B * G * 4,
        cPrev = t === 0 ? pc0 : cs + (t - 1) * BH * 4
      k.lstmBwd(da + gt, pdc, pdh, pdout ? pdout + o : 0, dhs + o, gates + gt, tcs + o, cPrev, B, H)
      mmPacked(0, B, H, G, da + gt, G, pk.bwd, 0, pdh, H) // dh_{t−1} = da W_hh
    }
  if (dh0) for (let i = 0; i < BH; i++) dh0[i] += dhNext[i]
  if (dc0) for (let i = 0; i < BH; i++) dc0[i] += dcNext[i]
  recurrentBack(g.Whh, cache.dgx, cache.h, ph0, T, B, G, H)
  projectBack(dx, g, cache.dgx, true, x, tok, w, T * B, G, I)
}

// ---------------------------------------------------------------------------------------------------------
// Vanilla RNN (tanh or relu)

export function rnnForwardWasm(
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  w: LayerWeights,
  d: Dims,
  relu: boolean
): void {
  const { T, B, I, H } = d,
    BH = B * H,
    k = rt().k,
    s = stage as Stage
  const pk = packs.get(cache) as Packs
  s.reset()
  project(cache.gates, x, tok, w, true, T * B, H, I)
  k.packB(1, H, H, s.ptrIn(w.Whh, 0, H * H), H, pk.fwd)
  const ph0 = s.ptrIn(h0, 0, BH),
    a = P(cache.gates),
    hs = P(cache.h)
  if (scanMode(B, H) !== 'step') {
    scan('rnnScanFwd', T, B, H, [a, ph0, hs, pk.fwd, relu ? 1 : 0])
    return
  }
  for (let t = 0; t < T; t++) {
    const o = t * BH * 4,
      hPrev = t === 0 ? ph0 : hs + o - BH * 4
    mmPacked(0, B, H, H, hPrev, H, pk.fwd, 1, a + o, H)
    k.rnnFwd(a + o, hs + o, BH, relu ? 1 : 0)
  }
}

export function rnnBackwardWasm(
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
    BH = B * H,
    k = rt().k,
    s = stage as Stage
  const pk = packs.get(cache) as Packs
  s.reset()
  const dhNext = cache.dhNext
  zeroOr(dhNext, dhN, BH)
  k.packB(0, H, H, s.ptrIn(w.Whh, 0, H * H), H, pk.bwd)
  const pdout = dout ? s.ptrIn(dout, 0, T * BH) : 0,
    ph0 = s.ptrIn(h0, 0, BH)
  const da = P(cache.dgx),
    hs = P(cache.h),
    dhs = P(cache.dhs),
    pdh = P(dhNext)
  if (scanMode(B, H) !== 'step') scan('rnnScanBwd', T, B, H, [da, pdh, pdout, dhs, hs, pk.bwd, relu ? 1 : 0])
  else
    for (let t = T - 1; t >= 0; t--) {
      const o = t * BH * 4
      k.rnnBwd(da + o, pdh, pdout ? pdout + o : 0, dhs + o, hs + o, BH, relu ? 1 : 0)
      mmPacked(0, B, H, H, da + o, H, pk.bwd, 0, pdh, H)
    }
  if (dh0) for (let i = 0; i < BH; i++) dh0[i] += dhNext[i]
  recurrentBack(g.Whh, cache.dgx, cache.h, ph0, T, B, H, H)
  projectBack(dx, g, cache.dgx, true, x, tok, w, T * B, H, I)
}

// ---------------------------------------------------------------------------------------------------------
// GRU, PyTorch's reset-after form (gate blocks r, z, n)

export function gruForwardWasm(
  cache: CellCache,
  x: Arr | null,
  tok: Int32Array | null,
  h0: Arr,
  w: LayerWeights,
  d: Dims
): void {
  const { T, B, I, H } = d,
    G = 3 * H,
    BH = B * H,
    k = rt().k,
    s = stage as Stage
  const pk = packs.get(cache) as Packs
  s.reset()
  project(cache.gates, x, tok, w, false, T * B, G, I)
  k.packB(1, H, G, s.ptrIn(w.Whh, 0, G * H), H, pk.fwd)
  const ph0 = s.ptrIn(h0, 0, BH),
    pbhh = s.ptrIn(w.bhh, 0, G)
  const gates = P(cache.gates),
    hs = P(cache.h),
    hns = P(cache.hn),
    hh = P(cache.hh)
  if (scanMode(B, H) !== 'step') {
    scan('gruScanFwd', T, B, H, [gates, hh, pbhh, ph0, hs, hns, pk.fwd])
    return
  }
  for (let t = 0; t < T; t++) {
    const o = t * BH * 4,
      hPrev = t === 0 ? ph0 : hs + o - BH * 4
    mmPacked(0, B, G, H, hPrev, H, pk.fwd, 0, hh, G) // hh = W_hh h_{t−1} + b_hh
    k.addRows(hh, pbhh, B, G)
    k.gruFwd(gates + t * B * G * 4, hh, hns + o, hPrev, hs + o, B, H)
  }
}

export function gruBackwardWasm(
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
    BH = B * H,
    k = rt().k,
    s = stage as Stage
  const pk = packs.get(cache) as Packs
  s.reset()
  const dhNext = cache.dhNext
  zeroOr(dhNext, dhN, BH)
  k.packB(0, G, H, s.ptrIn(w.Whh, 0, G * H), H, pk.bwd)
  const pdout = dout ? s.ptrIn(dout, 0, T * BH) : 0,
    ph0 = s.ptrIn(h0, 0, BH)
  const dgx = P(cache.dgx),
    dgh = P(cache.dgh),
    gates = P(cache.gates),
    hns = P(cache.hn),
    hs = P(cache.h),
    dhs = P(cache.dhs),
    pdh = P(dhNext)
  if (scanMode(B, H) !== 'step') scan('gruScanBwd', T, B, H, [dgx, dgh, pdh, pdout, dhs, gates, hns, ph0, hs, pk.bwd])
  else
    for (let t = T - 1; t >= 0; t--) {
      const o = t * BH * 4,
        gt = t * B * G * 4,
        hPrev = t === 0 ? ph0 : hs + o - BH * 4
      k.gruBwd(dgx + gt, dgh + gt, pdh, pdout ? pdout + o : 0, dhs + o, gates + gt, hns + o, hPrev, B, H)
      mmPacked(0, B, H, G, dgh + gt, G, pk.bwd, 1, pdh, H) // + dgh W_hh
    }
  if (dh0) for (let i = 0; i < BH; i++) dh0[i] += dhNext[i]
  recurrentBack(g.Whh, cache.dgh, cache.h, ph0, T, B, G, H)
  const dbh = s.f32(G, true)
  k.colSum(dbh.ptr, dgh, T * B, G)
  for (let j = 0; j < G; j++) g.bhh[j] += dbh.v[j]
  projectBack(dx, g, cache.dgx, false, x, tok, w, T * B, G, I)
}

export { inWasm }
