// A stack of 1–4 recurrent layers (optionally bidirectional, dropout between layers) over one cell kind.
// Registers its parameters in PyTorch names (`{prefix}weight_ih_l{k}[_reverse]`, …), runs the cells layer by
// layer (forward), and back again in reverse layer order (backward, accumulating into the gradient slab).
// States h0/c0/hN/cN are (L·D, B, H) like PyTorch's h_0 / h_n.

import { alloc, type Arr, type DType } from './arr.js'
import type { Rng } from './rng.js'
import type { ParamLayout } from './params.js'
import { gateCount, type CellCache, type CellKind, type Dims, type LayerWeights } from './cells/common.js'
import { lstmBackward, lstmForward } from './cells/lstm.js'
import { gruBackward, gruForward, gruRbBackward, gruRbForward } from './cells/gru.js'
import { rnnBackward, rnnForward } from './cells/rnn.js'
import {
  allocCacheFor,
  gruBackwardWasm,
  gruForwardWasm,
  isFastCache,
  lstmBackwardWasm,
  lstmForwardWasm,
  rnnBackwardWasm,
  rnnForwardWasm
} from './wasm/fast-cells.js'

export interface StackSpec {
  cell: CellKind
  inputSize: number // I of layer 0 (vocabulary size for token inputs)
  hiddenSize: number
  numLayers: number
  bidirectional: boolean
  dropout: number // on the inputs of layers ≥ 1 during training
  tokens: boolean // layer 0 reads token ids (T, B) instead of dense (T, B, I)
  prefix: string // '' or e.g. 'encoder.'
  resetBefore?: boolean // GRU only: the reset-before (Cho et al.) variant instead of PyTorch's reset-after
}

/** 'off' = no dropout (evaluation); 'sample' = draw fresh masks; 'reuse' = keep the last masks (gradient checks). */
export type DropoutMode = 'off' | 'sample' | 'reuse'

export function layerParamNames(prefix: string, l: number, dir: number): [string, string, string, string] {
  const s = `l${l}${dir ? '_reverse' : ''}`
  return [`${prefix}weight_ih_${s}`, `${prefix}weight_hh_${s}`, `${prefix}bias_ih_${s}`, `${prefix}bias_hh_${s}`]
}

export class Stack {
  readonly spec: StackSpec
  readonly D: number
  readonly L: number
  readonly H: number
  readonly G: number
  readonly outSize: number // D·H
  readonly Tmax: number
  readonly Bmax: number
  readonly hN: Arr
  readonly cN: Arr // (L·D, B, H) final states of the last forward
  readonly dtype: DType
  private readonly inSizes: number[] // input width of each layer
  private readonly caches: CellCache[] // index l·D + d
  private w: LayerWeights[] = []
  private g: LayerWeights[] = []
  private readonly masks: Arr[] // (T, B, I_l) dropout mask of layer l ≥ 1 (scaled by 1/(1−p))
  private readonly dropped: Arr[] // (T, B, I_l) masked input of layer l ≥ 1
  private readonly outBuf: Arr[] // (T, B, 2H) concatenated output of a bidirectional layer
  private readonly revIn: Arr[] // (T, B, I_l) time-reversed input for the reverse direction
  private readonly revTok: Int32Array // (T, B)
  private readonly dOutBuf: Arr[] // (T, B, D·H) dL/d(output of layer l) for l < L−1
  private readonly dSplit: Arr // (T, B, H) one direction's share of dL/d(output), time-ordered for that direction
  private readonly dxRev: Arr // (T, B, max I_l) dx of the reverse direction, reversed time
  private readonly zeros: Arr // (L·D, B, H)
  // the last forward's inputs, needed by backward
  private T = 0
  private B = 0
  private x: Arr | null = null
  private tok: Int32Array | null = null
  private h0: Arr
  private c0: Arr
  private dropoutOn = false

  constructor(spec: StackSpec, layout: ParamLayout, dtype: DType, Tmax: number, Bmax: number) {
    if (spec.numLayers < 1 || spec.numLayers > 4) throw new Error(`model.numLayers must be 1..4, got ${spec.numLayers}`)
    if (!(spec.hiddenSize >= 1)) throw new Error(`model.hiddenSize must be ≥ 1, got ${spec.hiddenSize}`)
    this.spec = spec
    this.dtype = dtype
    this.Tmax = Tmax
    this.Bmax = Bmax
    const D = (this.D = spec.bidirectional ? 2 : 1),
      L = (this.L = spec.numLayers),
      H = (this.H = spec.hiddenSize)
    const G = (this.G = gateCount(spec.cell))
    this.outSize = D * H
    this.inSizes = []
    for (let l = 0; l < L; l++) {
      const I = l === 0 ? spec.inputSize : D * H
      this.inSizes.push(I)
      for (let d = 0; d < D; d++) {
        const [wih, whh, bih, bhh] = layerParamNames(spec.prefix, l, d)
        layout.add(wih, [G * H, I])
        layout.add(whh, [G * H, H])
        layout.add(bih, [G * H])
        layout.add(bhh, [G * H])
      }
    }
    const TB = Tmax * Bmax,
      maxI = Math.max(...this.inSizes)
    this.caches = []
    // float32 with the WASM kernels built: caches live in the WASM memory and the scans run there (wasm/fast-cells.ts)
    for (let k = 0; k < L * D; k++)
      this.caches.push(allocCacheFor(spec.cell, dtype, Tmax, Bmax, H, spec.resetBefore === true))
    const p = spec.dropout
    this.masks = this.inSizes.map((I, l) => alloc(dtype, l > 0 && p > 0 ? TB * I : 0))
    this.dropped = this.inSizes.map((I, l) => alloc(dtype, l > 0 && p > 0 ? TB * I : 0))
    this.outBuf = this.inSizes.map(() => alloc(dtype, D === 2 ? TB * 2 * H : 0))
    this.revIn = this.inSizes.map((I, l) => alloc(dtype, D === 2 && !(l === 0 && spec.tokens) ? TB * I : 0))
    this.revTok = new Int32Array(D === 2 && spec.tokens ? TB : 0)
    this.dOutBuf = this.inSizes.map((_, l) => alloc(dtype, l < L - 1 ? TB * D * H : 0))
    this.dSplit = alloc(dtype, D === 2 ? TB * H : 0)
    this.dxRev = alloc(dtype, D === 2 ? TB * maxI : 0)
    this.hN = alloc(dtype, L * D * Bmax * H)
    this.cN = alloc(dtype, L * D * Bmax * H)
    this.zeros = alloc(dtype, L * D * Bmax * H)
    this.h0 = this.zeros
    this.c0 = this.zeros
  }

  /** Point the per-layer views at a parameter slab and its gradient slab (same layout). */
  bind(layout: ParamLayout, params: Arr, grads: Arr): void {
    this.w = []
    this.g = []
    for (let l = 0; l < this.L; l++)
      for (let d = 0; d < this.D; d++) {
        const n = layerParamNames(this.spec.prefix, l, d)
        this.w.push({
          Wih: layout.view(params, n[0]),
          Whh: layout.view(params, n[1]),
          bih: layout.view(params, n[2]),
          bhh: layout.view(params, n[3])
        })
        this.g.push({
          Wih: layout.view(grads, n[0]),
          Whh: layout.view(grads, n[1]),
          bih: layout.view(grads, n[2]),
          bhh: layout.view(grads, n[3])
        })
      }
  }

  /** Output (T, B, D·H) of layer l after forward. */
  layerOut(l: number): Arr {
    return this.D === 1 ? this.caches[l].h : this.outBuf[l]
  }
  get out(): Arr {
    return this.layerOut(this.L - 1)
  }
  cache(l: number, d = 0): CellCache {
    return this.caches[l * this.D + d]
  }
  get lastT(): number {
    return this.T
  }
  get lastB(): number {
    return this.B
  }

  /**
   * Run all layers over x (T, B, I) or tok (T, B) from h0/c0 (L·D, B, H) (null = zeros).
   * Fills `out`, `hN`, `cN`. `rng` is needed when dropout = 'sample'.
   */
  forward(
    x: Arr | null,
    tok: Int32Array | null,
    h0: Arr | null,
    c0: Arr | null,
    T: number,
    B: number,
    dropout: DropoutMode = 'off',
    rng: Rng | null = null
  ): Arr {
    if (T > this.Tmax || B > this.Bmax)
      throw new Error(`sequence (T=${T}, B=${B}) exceeds the preallocated (${this.Tmax}, ${this.Bmax})`)
    if (T < 1) throw new Error(`sequence length must be ≥ 1, got ${T}`)
    const { D, L, H } = this,
      BH = B * H,
      p = this.spec.dropout
    this.T = T
    this.B = B
    this.x = x
    this.tok = tok
    this.h0 = h0 ?? this.zeros
    this.c0 = c0 ?? this.zeros
    this.dropoutOn = dropout !== 'off' && p > 0
    if (this.dropoutOn && dropout === 'sample' && !rng) throw new Error("dropout sampling needs the run's Rng")
    for (let l = 0; l < L; l++) {
      const I = this.inSizes[l],
        n = T * B * I
      let xin: Arr | null = l === 0 ? x : this.layerOut(l - 1)
      const tin = l === 0 ? tok : null
      if (l > 0 && this.dropoutOn) {
        const m = this.masks[l],
          xd = this.dropped[l],
          src = xin as Arr
        if (dropout === 'sample') {
          const keep = 1 / (1 - p)
          for (let k = 0; k < n; k++) m[k] = (rng as Rng).uniform() < p ? 0 : keep
        }
        for (let k = 0; k < n; k++) xd[k] = src[k] * m[k]
        xin = xd
      }
      for (let d = 0; d < D; d++) {
        const k = l * D + d,
          cache = this.caches[k]
        let xi = xin,
          ti = tin
        if (d === 1) {
          if (ti) {
            reverseTime(this.revTok, ti, T, B)
            ti = this.revTok
          } else {
            reverseTime(this.revIn[l], xi as Arr, T, B * I)
            xi = this.revIn[l]
          }
        }
        const hk = this.h0.subarray(k * BH, (k + 1) * BH),
          ck = this.c0.subarray(k * BH, (k + 1) * BH)
        this.cellForward(cache, xi, ti, hk, ck, this.w[k], { T, B, I, H })
        this.hN.set(cache.h.subarray((T - 1) * BH, T * BH), k * BH)
        if (this.spec.cell === 'lstm') this.cN.set(cache.c.subarray((T - 1) * BH, T * BH), k * BH)
      }
      if (D === 2) {
        const o = this.outBuf[l],
          f = this.caches[l * 2].h,
          r = this.caches[l * 2 + 1].h
        for (let t = 0; t < T; t++)
          for (let b = 0; b < B; b++) {
            const oo = (t * B + b) * 2 * H,
              fo = (t * B + b) * H,
              ro = ((T - 1 - t) * B + b) * H
            for (let j = 0; j < H; j++) {
              o[oo + j] = f[fo + j]
              o[oo + H + j] = r[ro + j]
            }
          }
      }
    }
    return this.out
  }

  /**
   * Backward of the last forward. dOut (T, B, D·H) = dL/d(top outputs) (null = 0); dhN/dcN (L·D, B, H)
   * = dL/d(final states) (null = 0). Accumulates into the bound gradients and into dx (T, B, I),
   * dh0, dc0 (L·D, B, H) when given.
   */
  backward(dOut: Arr | null, dhN: Arr | null, dcN: Arr | null, dx: Arr | null, dh0: Arr | null, dc0: Arr | null): void {
    const { D, L, H, T, B } = this,
      BH = B * H
    for (let l = L - 1; l >= 0; l--) {
      const I = this.inSizes[l]
      const dLo = l === L - 1 ? dOut : this.dOutBuf[l]
      let xin: Arr | null = l === 0 ? this.x : this.layerOut(l - 1)
      if (l > 0 && this.dropoutOn) xin = this.dropped[l]
      const tin = l === 0 ? this.tok : null
      const dxT: Arr | null = l === 0 ? (this.tok ? null : dx) : this.dOutBuf[l - 1]
      if (l > 0) dxT!.fill(0, 0, T * B * I)
      for (let d = 0; d < D; d++) {
        const k = l * D + d,
          cache = this.caches[k]
        let dcell: Arr | null = dLo
        if (D === 2 && dLo) {
          // this direction's half of dL/d(output), in the direction's own time order
          const s = this.dSplit
          for (let t = 0; t < T; t++)
            for (let b = 0; b < B; b++) {
              const so = (t * B + b) * H,
                src = (((d === 1 ? T - 1 - t : t) * B + b) * 2 + d) * H
              for (let j = 0; j < H; j++) s[so + j] = dLo[src + j]
            }
          dcell = s
        }
        let xi = xin,
          ti = tin,
          dxi = dxT
        if (d === 1) {
          xi = ti ? null : this.revIn[l]
          ti = ti ? this.revTok : null
          if (dxT) {
            dxi = this.dxRev
            dxi.fill(0, 0, T * B * I)
          }
        }
        const hk = this.h0.subarray(k * BH, (k + 1) * BH),
          ck = this.c0.subarray(k * BH, (k + 1) * BH)
        const dhNk = dhN ? dhN.subarray(k * BH, (k + 1) * BH) : null,
          dcNk = dcN ? dcN.subarray(k * BH, (k + 1) * BH) : null
        const dh0k = dh0 ? dh0.subarray(k * BH, (k + 1) * BH) : null,
          dc0k = dc0 ? dc0.subarray(k * BH, (k + 1) * BH) : null
        this.cellBackward(dxi, dh0k, dc0k, this.g[k], dcell, dhNk, dcNk, cache, xi, ti, hk, ck, this.w[k], {
          T,
          B,
          I,
          H
        })
        if (d === 1 && dxT) addReversed(dxT, this.dxRev, T, B * I)
      }
      if (l > 0 && this.dropoutOn) {
        const m = this.masks[l],
          g = dxT!
        for (let k = 0, n = T * B * I; k < n; k++) g[k] *= m[k]
      }
    }
  }

  private cellForward(
    cache: CellCache,
    x: Arr | null,
    tok: Int32Array | null,
    h0: Arr,
    c0: Arr,
    w: LayerWeights,
    d: Dims
  ): void {
    if (isFastCache(cache)) {
      switch (this.spec.cell) {
        case 'lstm':
          lstmForwardWasm(cache, x, tok, h0, c0, w, d)
          return
        case 'gru':
          gruForwardWasm(cache, x, tok, h0, w, d)
          return
        case 'rnn_tanh':
          rnnForwardWasm(cache, x, tok, h0, w, d, false)
          return
        case 'rnn_relu':
          rnnForwardWasm(cache, x, tok, h0, w, d, true)
          return
      }
    }
    switch (this.spec.cell) {
      case 'lstm':
        lstmForward(cache, x, tok, h0, c0, w, d)
        break
      case 'gru':
        if (this.spec.resetBefore) gruRbForward(cache, x, tok, h0, w, d)
        else gruForward(cache, x, tok, h0, w, d)
        break
      case 'rnn_tanh':
        rnnForward(cache, x, tok, h0, w, d, false)
        break
      case 'rnn_relu':
        rnnForward(cache, x, tok, h0, w, d, true)
        break
    }
  }

  private cellBackward(
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
    if (isFastCache(cache)) {
      switch (this.spec.cell) {
        case 'lstm':
          lstmBackwardWasm(dx, dh0, dc0, g, dout, dhN, dcN, cache, x, tok, h0, c0, w, d)
          return
        case 'gru':
          gruBackwardWasm(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d)
          return
        case 'rnn_tanh':
          rnnBackwardWasm(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d, false)
          return
        case 'rnn_relu':
          rnnBackwardWasm(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d, true)
          return
      }
    }
    switch (this.spec.cell) {
      case 'lstm':
        lstmBackward(dx, dh0, dc0, g, dout, dhN, dcN, cache, x, tok, h0, c0, w, d)
        break
      case 'gru':
        if (this.spec.resetBefore) gruRbBackward(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d)
        else gruBackward(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d)
        break
      case 'rnn_tanh':
        rnnBackward(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d, false)
        break
      case 'rnn_relu':
        rnnBackward(dx, dh0, g, dout, dhN, cache, x, tok, h0, w, d, true)
        break
    }
  }
}

/** dst[t] = src[T−1−t] for rows of `row` elements. */
function reverseTime(dst: Arr | Int32Array, src: Arr | Int32Array, T: number, row: number): void {
  for (let t = 0; t < T; t++) {
    const a = t * row,
      b = (T - 1 - t) * row
    for (let k = 0; k < row; k++) dst[a + k] = src[b + k]
  }
}

function addReversed(dst: Arr, src: Arr, T: number, row: number): void {
  for (let t = 0; t < T; t++) {
    const a = t * row,
      b = (T - 1 - t) * row
    for (let k = 0; k < row; k++) dst[a + k] += src[b + k]
  }
}
