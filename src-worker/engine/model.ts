// A complete model = recurrent stack(s) + Linear head, and the five mappings that drive the same cells:
//   one-to-one / many-to-one  head on the last step of the stack over x            (Tx ≥ 1, Ty = 1)
//   many-to-many (aligned)    head on every step, step masks                      (Tx = Ty)
//   one-to-many               the stack runs Ty steps on [x, y_{t−1}] (y_{−1} = 0): teacher-forced in training,
//                             its own previous prediction at inference
//   seq2seq                   encoder over x (Tx) → final (h, c) → decoder (Ty, own weights) on y_{t−1}
//                             (regression: the previous target vector, 0 at t = 0; classification: token ids
//                             with BOS = C, so the decoder vocabulary is C + 1), head on every decoder step
// Batches are time-major inside the engine: x (T, B, I) or token ids (T, B), targets (Ty, B, O) or class ids
// (Ty, B), mask (Ty, B).

import { alloc, type Arr, type DType } from './arr.js'
import type { Rng } from './rng.js'
import { ParamLayout } from './params.js'
import { Stack, type DropoutMode } from './stack.js'
import type { CellKind } from './cells/common.js'
import { ceLoss, linearBackward, linearForward, maskCount, mseLoss, softmaxRows } from './heads.js'
import { orthogonal, uniformBound, xavierUniform, type InitScheme } from './init.js'
import { gateCount } from './cells/common.js'
import { allocOwnedF32 } from './wasm/runtime.js'

export type Mapping = 'one-to-one' | 'one-to-many' | 'many-to-one' | 'many-to-many' | 'seq2seq'
export type Task = 'regression' | 'classification'

export interface ModelSpec {
  cell: CellKind
  hiddenSize: number
  numLayers: number
  dropout: number
  bidirectional: boolean
  mapping: Mapping
  task: Task
  inputSize: number // I, or vocabulary size when tokens
  outputSize: number // O, or number of classes C
  tx: number
  ty: number
  tokens: boolean // x holds token ids
  gruResetBefore?: boolean // GRU: reset-before variant
}

/** A time-major mini-batch, preallocated for Bmax samples; B is the current size. */
export class Batch {
  B = 0
  readonly x: Arr // (Tx, B, I) dense inputs
  readonly tok: Int32Array // (Tx, B) token ids
  readonly y: Arr // (Ty, B, O) regression targets
  readonly cls: Int32Array // (Ty, B) class ids
  readonly mask: Arr // (Ty, B) 1 = counts
  constructor(
    readonly spec: ModelSpec,
    dtype: DType,
    readonly Bmax: number
  ) {
    const { tx, ty, inputSize: I, outputSize: O } = spec,
      reg = spec.task === 'regression'
    this.x = alloc(dtype, spec.tokens ? 0 : tx * Bmax * I)
    this.tok = new Int32Array(spec.tokens ? tx * Bmax : 0)
    this.y = alloc(dtype, reg ? ty * Bmax * O : 0)
    this.cls = new Int32Array(reg ? 0 : ty * Bmax)
    this.mask = alloc(dtype, ty * Bmax)
  }

  /**
   * Gather samples idx[start .. start+B) of a sample-major split into this batch:
   * x (n, tx, I) or (n, tx) ids; y (n, ty, O) or (n, ty) ids; mask (n, ty) or absent.
   */
  fill(
    x: ArrayLike<number>,
    y: ArrayLike<number> | null,
    mask: ArrayLike<number> | null | undefined,
    idx: ArrayLike<number>,
    start: number,
    B: number
  ): void {
    const { tx, ty, inputSize: I, outputSize: O } = this.spec
    this.B = B
    for (let b = 0; b < B; b++) {
      const s = idx[start + b]
      if (this.spec.tokens) for (let t = 0; t < tx; t++) this.tok[t * B + b] = x[s * tx + t]
      else
        for (let t = 0; t < tx; t++) {
          const src = (s * tx + t) * I,
            dst = (t * B + b) * I
          for (let i = 0; i < I; i++) this.x[dst + i] = x[src + i]
        }
      for (let t = 0; t < ty; t++) {
        const m = mask ? mask[s * ty + t] : 1
        this.mask[t * B + b] = m
        if (!y) continue
        // padded steps (m = 0) may hold anything (NaN, −1): store 0 so teacher forcing never feeds it on
        if (this.spec.task === 'regression') {
          const src = (s * ty + t) * O,
            dst = (t * B + b) * O
          for (let k = 0; k < O; k++) this.y[dst + k] = m !== 0 ? y[src + k] : 0
        } else this.cls[t * B + b] = m !== 0 ? y[s * ty + t] : 0
      }
      // aligned inputs at padded steps likewise (many-to-many: step t of x is step t of the mask)
      if (mask && this.spec.mapping === 'many-to-many')
        for (let t = 0; t < tx; t++) {
          if (mask[s * ty + t] !== 0) continue
          if (this.spec.tokens) this.tok[t * B + b] = 0
          else
            for (let i = 0; i < I; i++) {
              const q = (t * B + b) * I + i
              if (!Number.isFinite(this.x[q])) this.x[q] = 0
            }
        }
    }
  }
}

export interface LossOptions {
  grad: boolean // run backward (accumulating into model.grads)
  dropout: DropoutMode
  rng?: Rng | null
  t0?: number
  t1?: number // time window [t0, t1) of x for truncated BPTT (many-to-one / many-to-many)
  h0?: Arr | null
  c0?: Arr | null // initial state (L·D, B, H) of the window (null = zeros)
}

export class Model {
  readonly spec: ModelSpec
  readonly dtype: DType
  readonly Bmax: number
  readonly layout = new ParamLayout()
  readonly params: Arr
  readonly grads: Arr
  readonly enc: Stack // the stack over x (the only one except for seq2seq)
  readonly dec: Stack | null // seq2seq decoder
  readonly top: Stack // the stack that feeds the head
  readonly headIn: number // D·H
  readonly decInSize: number // input width of the stack that runs Ty steps (o2m / s2s), else 0
  private readonly W: Arr
  private readonly b: Arr
  private readonly dW: Arr
  private readonly db: Arr
  readonly logits: Arr // (Ty, B, O) head output of the last forward
  private readonly dlogits: Arr // (Ty, B, O)
  private readonly dOut: Arr // (T, B, D·H)
  private readonly decIn: Arr // (Ty, B, Idec) dense decoder / one-to-many inputs
  private readonly decTok: Int32Array // (Ty, B) seq2seq classification decoder tokens
  private readonly dh: Arr
  private readonly dc: Arr // (L, B, H) dL/d(decoder initial state)

  constructor(spec: ModelSpec, dtype: DType, Bmax: number) {
    const { mapping, task, inputSize: I, outputSize: O, tx, ty } = spec
    if (spec.bidirectional && (mapping === 'one-to-many' || mapping === 'seq2seq'))
      throw new Error(
        `model.bidirectional is not supported for mapping ${mapping} (its outputs are generated step by step)`
      )
    if (mapping === 'many-to-many' && tx !== ty) throw new Error(`many-to-many needs tx = ty, got tx=${tx}, ty=${ty}`)
    if ((mapping === 'many-to-one' || mapping === 'one-to-one') && ty !== 1)
      throw new Error(`${mapping} needs ty = 1, got ${ty}`)
    if ((mapping === 'one-to-one' || mapping === 'one-to-many') && tx !== 1)
      throw new Error(`${mapping} needs tx = 1, got ${tx}`)
    this.spec = spec
    this.dtype = dtype
    this.Bmax = Bmax
    const base = {
      cell: spec.cell,
      hiddenSize: spec.hiddenSize,
      numLayers: spec.numLayers,
      dropout: spec.dropout,
      bidirectional: spec.bidirectional,
      resetBefore: spec.gruResetBefore === true
    }
    const fb = O // width of the fed-back y_{t−1} (regression vector or one-hot class)
    if (mapping === 'seq2seq') {
      this.enc = new Stack(
        { ...base, inputSize: I, tokens: spec.tokens, prefix: 'encoder.' },
        this.layout,
        dtype,
        tx,
        Bmax
      )
      const decTokens = task === 'classification'
      this.decInSize = decTokens ? O + 1 : O
      this.dec = new Stack(
        { ...base, inputSize: this.decInSize, tokens: decTokens, prefix: 'decoder.' },
        this.layout,
        dtype,
        ty,
        Bmax
      )
    } else if (mapping === 'one-to-many') {
      this.decInSize = I + fb
      this.enc = new Stack(
        { ...base, inputSize: this.decInSize, tokens: false, prefix: '' },
        this.layout,
        dtype,
        ty,
        Bmax
      )
      this.dec = null
    } else {
      this.decInSize = 0
      this.enc = new Stack({ ...base, inputSize: I, tokens: spec.tokens, prefix: '' }, this.layout, dtype, tx, Bmax)
      this.dec = null
    }
    this.top = this.dec ?? this.enc
    this.headIn = this.top.outSize
    this.layout.add('head.weight', [O, this.headIn])
    this.layout.add('head.bias', [O])
    // float32 slabs live in the WASM memory (when built): the kernels read weights and accumulate gradients in place
    const slab = (): Arr => (dtype === 'float32' ? allocOwnedF32(this, this.layout.size) : this.layout.alloc(dtype))
    this.params = slab()
    this.grads = slab()
    this.enc.bind(this.layout, this.params, this.grads)
    this.dec?.bind(this.layout, this.params, this.grads)
    this.W = this.layout.view(this.params, 'head.weight')
    this.b = this.layout.view(this.params, 'head.bias')
    this.dW = this.layout.view(this.grads, 'head.weight')
    this.db = this.layout.view(this.grads, 'head.bias')
    const Tout = mapping === 'many-to-many' ? tx : ty,
      Tstack = Math.max(this.top.Tmax, 1)
    const buf = (n: number): Arr => (dtype === 'float32' ? allocOwnedF32(this, n) : alloc(dtype, n)) // WASM views for the kernels
    this.logits = buf(Tout * Bmax * O)
    this.dlogits = buf(Tout * Bmax * O)
    this.dOut = alloc(dtype, Tstack * Bmax * this.headIn)
    this.decIn = alloc(
      dtype,
      mapping === 'one-to-many' || (mapping === 'seq2seq' && task === 'regression') ? ty * Bmax * this.decInSize : 0
    )
    this.decTok = new Int32Array(mapping === 'seq2seq' && task === 'classification' ? ty * Bmax : 0)
    const LH = spec.numLayers * Bmax * spec.hiddenSize
    this.dh = alloc(dtype, mapping === 'seq2seq' ? LH : 0)
    this.dc = alloc(dtype, mapping === 'seq2seq' ? LH : 0)
  }

  /** Xavier input weights, orthogonal recurrent blocks, zero biases (+1 on the LSTM forget gate if asked). */
  /**
   * Fresh weights from `rng` in the given scheme (init.ts). `forgetBias` is written into the LSTM forget gate's
   * bias_ih block (default scheme: 1; pytorch: none unless given).
   */
  init(rng: Rng, forgetBias?: number, scheme: InitScheme = 'default'): void {
    const G = gateCount(this.spec.cell),
      H = this.spec.hiddenSize
    for (const e of this.layout.entries) {
      const v = this.layout.view(this.params, e.name)
      const short = e.name.replace(/^(encoder|decoder)\./, '')
      if (scheme === 'pytorch') {
        // the head's fan_in is its input width; every recurrent tensor uses the hidden size
        const fanIn = e.name.startsWith('head.') ? this.headIn : H
        uniformBound(v, 0, v.length, 1 / Math.sqrt(fanIn), rng)
      } else if (short.startsWith('weight_ih'))
        for (let g = 0; g < G; g++) xavierUniform(v, g * H * e.shape[1], H, e.shape[1], rng)
      else if (short.startsWith('weight_hh')) for (let g = 0; g < G; g++) orthogonal(v, g * H * H, H, rng)
      else if (e.name === 'head.weight') xavierUniform(v, 0, e.shape[0], e.shape[1], rng)
      else v.fill(0)
      const fb = forgetBias ?? (scheme === 'default' ? 1 : undefined)
      if (fb !== undefined && this.spec.cell === 'lstm' && short.startsWith('bias_ih'))
        for (let j = 0; j < H; j++) v[H + j] = fb
    }
  }

  /**
   * Forward (and backward when opts.grad) of the mean loss on `batch`, or on the window [t0, t1) of x for
   * truncated BPTT. Returns the loss and its denominator (0 when the window holds no loss term, e.g. an
   * early window of a many-to-one sequence; then nothing is accumulated).
   */
  lossGrad(batch: Batch, opts: LossOptions): { loss: number; den: number } {
    const { mapping, task, inputSize: I, tx, ty } = this.spec
    const B = batch.B,
      DH = this.headIn,
      reg = task === 'regression'
    const mode = opts.dropout,
      rng = opts.rng ?? null
    if (mapping === 'seq2seq') {
      this.enc.forward(
        this.spec.tokens ? null : batch.x,
        this.spec.tokens ? batch.tok : null,
        null,
        null,
        tx,
        B,
        mode,
        rng
      )
      this.buildDecoderInputs(batch)
      const dec = this.dec as Stack
      dec.forward(reg ? this.decIn : null, reg ? null : this.decTok, this.enc.hN, this.enc.cN, ty, B, mode, rng)
      const r = this.headLoss(batch, dec.out, 0, ty, 0, opts.grad)
      if (opts.grad && r.den > 0) {
        const n = this.spec.numLayers * B * this.spec.hiddenSize
        this.dh.fill(0, 0, n)
        this.dc.fill(0, 0, n)
        dec.backward(this.dOut, null, null, null, this.dh, this.dc)
        this.enc.backward(null, this.dh, this.dc, null, null, null)
      }
      return r
    }
    if (mapping === 'one-to-many') {
      this.buildDecoderInputs(batch)
      this.enc.forward(this.decIn, null, null, null, ty, B, mode, rng)
      const r = this.headLoss(batch, this.enc.out, 0, ty, 0, opts.grad)
      if (opts.grad && r.den > 0) this.enc.backward(this.dOut, null, null, null, null, null)
      return r
    }
    // many-to-one, one-to-one, many-to-many over the window [t0, t1)
    const t0 = opts.t0 ?? 0,
      t1 = opts.t1 ?? tx,
      T = t1 - t0
    const x = this.spec.tokens ? null : batch.x.subarray(t0 * B * I, t1 * B * I)
    const tok = this.spec.tokens ? batch.tok.subarray(t0 * B, t1 * B) : null
    const out = this.enc.forward(x, tok, opts.h0 ?? null, opts.c0 ?? null, T, B, mode, rng)
    let r: { loss: number; den: number }
    if (mapping === 'many-to-many') r = this.headLoss(batch, out, 0, T, t0, opts.grad)
    else if (t1 === tx) r = this.headLoss(batch, out, (T - 1) * B * DH, 1, 0, opts.grad)
    else r = { loss: 0, den: 0 }
    if (opts.grad && r.den > 0) {
      if (mapping !== 'many-to-many') this.dOut.fill(0, 0, (T - 1) * B * DH)
      this.enc.backward(this.dOut, null, null, null, null, null)
    }
    return r
  }

  /**
   * Head + loss on Tn steps of `out` starting at element outOff; targets/mask from step tt0 of the batch.
   * With grad: dL/dW, dL/db accumulated and dL/d(out) written into dOut at the same offset.
   */
  private headLoss(
    batch: Batch,
    out: Arr,
    outOff: number,
    Tn: number,
    tt0: number,
    grad: boolean
  ): { loss: number; den: number } {
    const B = batch.B,
      O = this.spec.outputSize,
      N = Tn * B,
      DH = this.headIn
    linearForward(this.logits, out, outOff, this.W, this.b, N, O, DH)
    const cnt = maskCount(batch.mask, tt0 * B, N)
    if (cnt === 0) return { loss: 0, den: 0 }
    const dy = grad ? this.dlogits : null
    let loss: number
    if (this.spec.task === 'regression')
      loss = mseLoss(dy, this.logits, batch.y, tt0 * B * O, batch.mask, tt0 * B, N, O, cnt * O)
    else loss = ceLoss(dy, this.logits, batch.cls, tt0 * B, batch.mask, tt0 * B, N, O, cnt)
    if (grad) linearBackward(this.dOut, outOff, this.dW, this.db, this.dlogits, out, outOff, this.W, N, O, DH)
    return { loss, den: cnt }
  }

  /** Teacher-forced inputs of the Ty-step stack (one-to-many: [x, y_{t−1}]; seq2seq: y_{t−1} / BOS). */
  private buildDecoderInputs(batch: Batch): void {
    const { mapping, task, inputSize: I, outputSize: O, ty } = this.spec,
      B = batch.B,
      reg = task === 'regression'
    if (mapping === 'seq2seq' && !reg) {
      for (let b = 0; b < B; b++) {
        this.decTok[b] = O
        for (let t = 1; t < ty; t++) this.decTok[t * B + b] = batch.cls[(t - 1) * B + b]
      }
      return
    }
    const W = this.decInSize,
      xw = mapping === 'one-to-many' ? I : 0,
      d = this.decIn
    d.fill(0, 0, ty * B * W)
    for (let t = 0; t < ty; t++)
      for (let b = 0; b < B; b++) {
        const o = (t * B + b) * W
        if (xw) {
          if (this.spec.tokens) d[o + batch.tok[b]] = 1
          else for (let i = 0; i < I; i++) d[o + i] = batch.x[b * I + i]
        }
        if (t === 0) continue
        if (reg) for (let k = 0; k < O; k++) d[o + xw + k] = batch.y[((t - 1) * B + b) * O + k]
        else d[o + xw + batch.cls[(t - 1) * B + b]] = 1
      }
  }

  private gen: { genH: Arr; genC: Arr; genStep: Arr; genTok: Int32Array; genY: Arr } | null = null
  /** Buffers of step-by-step generation, allocated on first use. */
  private genBuffers(): { genH: Arr; genC: Arr; genStep: Arr; genTok: Int32Array; genY: Arr } {
    if (!this.gen) {
      const n = this.spec.numLayers * this.Bmax * this.spec.hiddenSize
      this.gen = {
        genH: alloc(this.dtype, n),
        genC: alloc(this.dtype, n), // (L, B, H) carried state
        genStep: alloc(this.dtype, this.Bmax * Math.max(1, this.decInSize)), // (B, Idec) one input step
        genTok: new Int32Array(this.Bmax), // (B) one token step
        genY: alloc(this.dtype, this.Bmax * this.spec.outputSize) // (B, O) last prediction
      }
    }
    return this.gen
  }

  /**
   * Inference on a batch: writes (Ty, B, O) outputs into `out` (regression values, or class probabilities).
   * one-to-many and seq2seq run free: each step is fed the previous prediction — for classification the argmax
   * class (greedy), or with `sampling` a class drawn from the softmax at `temperature` (p_k^(1/T), renormalised)
   * with the given RNG. `chosen` (Ty, B), when given, receives the class fed on at every step.
   */
  predict(
    batch: Batch,
    out: Arr,
    sampling?: { temperature: number; rng: Rng } | null,
    chosen?: Int32Array | null
  ): void {
    const { mapping, task, outputSize: O, inputSize: I, tx, ty } = this.spec
    const B = batch.B,
      DH = this.headIn,
      reg = task === 'regression'
    if (mapping === 'many-to-one' || mapping === 'one-to-one' || mapping === 'many-to-many') {
      const o = this.enc.forward(
        this.spec.tokens ? null : batch.x,
        this.spec.tokens ? batch.tok : null,
        null,
        null,
        tx,
        B
      )
      const Tn = mapping === 'many-to-many' ? tx : 1
      linearForward(out, o, mapping === 'many-to-many' ? 0 : (tx - 1) * B * DH, this.W, this.b, Tn * B, O, DH)
      if (!reg) softmaxRows(out, Tn * B, O)
      return
    }
    // step-by-step generation with the state carried in a (L, B, H) pair of buffers
    const st = this.top,
      n = this.spec.numLayers * B * this.spec.hiddenSize
    const { genH: h, genC: c, genStep: step, genTok: stepTok, genY: y } = this.genBuffers()
    if (mapping === 'seq2seq') {
      this.enc.forward(this.spec.tokens ? null : batch.x, this.spec.tokens ? batch.tok : null, null, null, tx, B)
      h.set(this.enc.hN.subarray(0, n))
      c.set(this.enc.cN.subarray(0, n))
    } else {
      h.fill(0, 0, n)
      c.fill(0, 0, n)
    }
    const W = this.decInSize,
      xw = mapping === 'one-to-many' ? I : 0
    const tokIn = mapping === 'seq2seq' && !reg
    // the class each row feeds on: greedy, or sampled at a temperature
    const pick = (b: number) =>
      sampling ? sampleClass(y, b * O, O, sampling.temperature, sampling.rng) : argmax(y, b * O, O)
    const last = new Int32Array(B)
    for (let t = 0; t < ty; t++) {
      if (tokIn) for (let b = 0; b < B; b++) stepTok[b] = t === 0 ? O : last[b]
      else {
        step.fill(0, 0, B * W)
        for (let b = 0; b < B; b++) {
          const o = b * W
          if (xw) {
            if (this.spec.tokens) step[o + batch.tok[b]] = 1
            else for (let i = 0; i < I; i++) step[o + i] = batch.x[b * I + i]
          }
          if (t > 0) {
            if (reg) for (let k = 0; k < O; k++) step[o + xw + k] = y[b * O + k]
            else step[o + xw + last[b]] = 1
          }
        }
      }
      const o = st.forward(tokIn ? null : step, tokIn ? stepTok : null, h, c, 1, B)
      for (let k = 0; k < n; k++) {
        h[k] = st.hN[k]
        c[k] = st.cN[k]
      }
      linearForward(y, o, 0, this.W, this.b, B, O, DH)
      if (!reg) {
        softmaxRows(y, B, O)
        for (let b = 0; b < B; b++) {
          last[b] = pick(b)
          if (chosen) chosen[t * B + b] = last[b]
        }
      }
      for (let k = 0; k < B * O; k++) out[t * B * O + k] = y[k]
    }
  }
}

/** A class drawn from probabilities p (row `off`, n classes) sharpened or flattened by temperature T. */
function sampleClass(p: Arr, off: number, n: number, T: number, rng: Rng): number {
  if (!(T > 0)) return argmax(p, off, n)
  let total = 0
  for (let i = 0; i < n; i++) total += Math.pow(Math.max(p[off + i], 0), 1 / T)
  if (!(total > 0) || !Number.isFinite(total)) return argmax(p, off, n)
  let u = rng.uniform() * total
  for (let i = 0; i < n; i++) {
    u -= Math.pow(Math.max(p[off + i], 0), 1 / T)
    if (u < 0) return i
  }
  return n - 1
}

function argmax(a: Arr, off: number, n: number): number {
  let k = 0
  for (let i = 1; i < n; i++) if (a[off + i] > a[off + k]) k = i
  return k
}
