// Parity checks against the PyTorch reference fixtures (/work/shared/fixtures/README.md), float64.
// Pure: takes one parsed fixture object, runs our engine on it and compares every tensor with
// |ours − ref| ≤ tol·max(1, |ref|). Used by scripts/parity.ts and by the vitest parity test.

import type { Arr } from './arr.js'
import { ParamLayout, flattenInto, importTorch } from './params.js'
import { Stack } from './stack.js'
import { ceLoss, linearBackward, linearForward, mseLoss } from './heads.js'
import { clipGradNorm, Optimizer, type OptimizerKind } from './optim.js'
import type { CellKind } from './cells/common.js'

export const PARITY_TOL = 1e-9

export interface TensorDiff {
  name: string
  maxDiff: number
  maxRel: number
  ok: boolean
  detail?: string
}
export interface FixtureReport {
  name: string
  kind: string
  ok: boolean
  maxDiff: number
  tensors: TensorDiff[]
  error?: string
}

type Json = Record<string, unknown>

/** Flatten nested arrays of numbers in row-major order. */
export function flat(v: unknown, out: number[] = []): number[] {
  if (Array.isArray(v)) for (const e of v) flat(e, out)
  else if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number>
    for (let i = 0; i < a.length; i++) out.push(a[i])
  } else if (typeof v === 'number') out.push(v)
  else if (typeof v === 'boolean') out.push(v ? 1 : 0)
  else throw new Error(`expected numbers, got ${typeof v}`)
  return out
}

class Checker {
  readonly tensors: TensorDiff[] = []
  constructor(private readonly tol: number) {}
  cmp(name: string, ours: ArrayLike<number>, ref: unknown, n = ours.length): void {
    if (ref === undefined || ref === null) return
    const r = flat(ref)
    if (r.length !== n) {
      this.tensors.push({
        name,
        maxDiff: Infinity,
        maxRel: Infinity,
        ok: false,
        detail: `size ${n}, reference ${r.length}`
      })
      return
    }
    let maxDiff = 0,
      maxRel = 0,
      worst = -1
    for (let i = 0; i < n; i++) {
      const d = Math.abs(ours[i] - r[i]),
        rel = d / Math.max(1, Math.abs(r[i]))
      if (!(d <= maxDiff)) maxDiff = d // NaN-safe
      if (!(rel <= maxRel)) {
        maxRel = rel
        worst = i
      }
    }
    const ok = maxRel <= this.tol
    this.tensors.push(
      ok
        ? { name, maxDiff, maxRel, ok }
        : { name, maxDiff, maxRel, ok, detail: `worst at flat index ${worst}: ours ${ours[worst]}, ref ${r[worst]}` }
    )
  }
}

function f64(v: unknown): Float64Array {
  return Float64Array.from(flat(v))
}

/** Run one fixture object; never throws (errors become a failed report). */
export function checkFixture(fx: Json, tol = PARITY_TOL): FixtureReport {
  const name = String(fx.name ?? '?'),
    kind = String(fx.kind ?? '?')
  const ck = new Checker(tol)
  try {
    if (kind === 'model') checkModel(fx, ck, '')
    else if (kind === 'seq2seq') checkSeq2seq(fx, ck)
    else if (kind === 'clip_grad_norm') checkClip(fx, ck)
    else if (kind === 'optimizer') checkOptim(fx, ck)
    else throw new Error(`unknown fixture kind ${kind}`)
  } catch (e) {
    return { name, kind, ok: false, maxDiff: NaN, tensors: ck.tensors, error: (e as Error).message }
  }
  const maxDiff = ck.tensors.reduce((m, t) => Math.max(m, t.maxDiff), 0)
  return { name, kind, ok: ck.tensors.length > 0 && ck.tensors.every((t) => t.ok), maxDiff, tensors: ck.tensors }
}

interface Dims {
  L: number
  D: number
  I: number
  H: number
  T: number
  B: number
}

function makeStack(fx: Json, layout: ParamLayout, prefix: string, I: number, T: number, tokens = false): Stack {
  return new Stack(
    {
      cell: fx.cell as CellKind,
      inputSize: I,
      hiddenSize: fx.hidden_size as number,
      numLayers: fx.num_layers as number,
      bidirectional: fx.bidirectional === true,
      dropout: 0,
      tokens,
      prefix
    },
    layout,
    'float64',
    T,
    fx.batch as number
  )
}

function checkModel(fx: Json, ck: Checker, _p: string): void {
  const d: Dims = {
    L: fx.num_layers as number,
    D: fx.bidirectional === true ? 2 : 1,
    I: fx.input_size as number,
    H: fx.hidden_size as number,
    T: fx.seq_len as number,
    B: fx.batch as number
  }
  const layout = new ParamLayout()
  const st = makeStack(fx, layout, '', d.I, d.T)
  const head = fx.head as { in_features: number; out_features: number } | null
  const O = head ? head.out_features : 0,
    DH = d.D * d.H
  if (head) {
    layout.add('head.weight', [O, DH])
    layout.add('head.bias', [O])
  }
  const params = layout.alloc('float64'),
    grads = layout.alloc('float64')
  importTorch(layout, params, fx.weights as Json)
  st.bind(layout, params, grads)
  const LDBH = d.L * d.D * d.B * d.H
  const x = new Float64Array(d.T * d.B * d.I)
  flattenInto(x, 0, fx.x, [d.T, d.B, d.I], 'x')
  const h0 = new Float64Array(LDBH)
  flattenInto(h0, 0, fx.h0, [d.L * d.D, d.B, d.H], 'h0')
  const lstm = fx.cell === 'lstm'
  const c0 = new Float64Array(LDBH)
  if (lstm) flattenInto(c0, 0, fx.c0, [d.L * d.D, d.B, d.H], 'c0')
  const out = st.forward(x, null, h0, c0, d.T, d.B)
  const TBH = d.T * d.B * DH
  ck.cmp('outputs', out, fx.outputs, TBH)
  ck.cmp('h_n', st.hN, fx.h_n, LDBH)
  if (lstm) ck.cmp('c_n', st.cN, fx.c_n, LDBH)
  if (fx.debug_layer_h)
    for (let l = 0; l < d.L; l++) ck.cmp(`debug_layer_h[${l}]`, st.layerOut(l), (fx.debug_layer_h as unknown[])[l], TBH)
  if (fx.debug_layer_c && d.D === 1)
    for (let l = 0; l < d.L; l++)
      ck.cmp(`debug_layer_c[${l}]`, st.cache(l).c, (fx.debug_layer_c as unknown[])[l], d.T * d.B * d.H)

  const dOut = new Float64Array(TBH)
  const { loss, logits } = lossAndGrad(fx, layout, params, grads, out, dOut, d.T, d.B, DH, O)
  ck.cmp('loss', [loss], fx.loss, 1)
  if (head) ck.cmp('head_output', logits, fx.head_output, fx.loss_type === 'many_to_one_mse' ? d.B * O : d.T * d.B * O)
  ck.cmp('dL_doutputs', dOut, fx.dL_doutputs, TBH)

  const dx = new Float64Array(d.T * d.B * d.I),
    dh0 = new Float64Array(LDBH),
    dc0 = new Float64Array(LDBH)
  st.backward(dOut, null, null, dx, dh0, dc0)
  const g = fx.grads as Json
  for (const e of layout.entries)
    ck.cmp(`grads.${e.name}`, grads.subarray(e.offset, e.offset + e.size), g[e.name], e.size)
  ck.cmp('grads.x', dx, g.x, dx.length)
  ck.cmp('grads.h0', dh0, g.h0, LDBH)
  if (lstm) ck.cmp('grads.c0', dc0, g.c0, LDBH)
}

/** Loss of `model` fixtures from the top outputs; writes dL/d(outputs) into dOut and head grads. */
function lossAndGrad(
  fx: Json,
  layout: ParamLayout,
  params: Arr,
  grads: Arr,
  out: Arr,
  dOut: Arr,
  T: number,
  B: number,
  DH: number,
  O: number
): { loss: number; logits: Float64Array } {
  const lt = fx.loss_type as string
  if (lt === 'sequence') {
    const R = f64(fx.R)
    let loss = 0
    for (let i = 0; i < R.length; i++) {
      loss += out[i] * R[i]
      dOut[i] = R[i]
    }
    return { loss, logits: new Float64Array(0) }
  }
  const W = layout.view(params, 'head.weight'),
    b = layout.view(params, 'head.bias')
  const dW = layout.view(grads, 'head.weight'),
    db = layout.view(grads, 'head.bias')
  if (lt === 'many_to_one_mse') {
    const y = new Float64Array(B * O),
      dy = new Float64Array(B * O),
      off = (T - 1) * B * DH
    linearForward(y, out, off, W, b, B, O, DH)
    const loss = mseLoss(dy, y, f64(fx.targets), 0, null, 0, B, O, B * O)
    linearBackward(dOut, off, dW, db, dy, out, off, W, B, O, DH)
    return { loss, logits: y }
  }
  if (lt === 'many_to_many_ce') {
    const N = T * B,
      y = new Float64Array(N * O),
      dy = new Float64Array(N * O)
    linearForward(y, out, 0, W, b, N, O, DH)
    const loss = ceLoss(dy, y, Int32Array.from(flat(fx.targets)), 0, null, 0, N, O, N)
    linearBackward(dOut, 0, dW, db, dy, out, 0, W, N, O, DH)
    return { loss, logits: y }
  }
  throw new Error(`unknown loss_type ${lt}`)
}

function checkSeq2seq(fx: Json, ck: Checker): void {
  const L = fx.num_layers as number,
    I = fx.input_size as number,
    H = fx.hidden_size as number
  const Tx = fx.seq_len as number,
    Ty = fx.dec_seq_len as number,
    Id = fx.dec_input_size as number,
    B = fx.batch as number
  const head = fx.head as { out_features: number },
    O = head.out_features
  const layout = new ParamLayout()
  const enc = makeStack(fx, layout, 'encoder.', I, Tx),
    dec = makeStack(fx, layout, 'decoder.', Id, Ty)
  layout.add('head.weight', [O, H])
  layout.add('head.bias', [O])
  const params = layout.alloc('float64'),
    grads = layout.alloc('float64')
  importTorch(layout, params, fx.weights as Json)
  enc.bind(layout, params, grads)
  dec.bind(layout, params, grads)
  const LBH = L * B * H,
    lstm = fx.cell === 'lstm'
  const x = new Float64Array(Tx * B * I)
  flattenInto(x, 0, fx.x, [Tx, B, I], 'x')
  const dx_ = new Float64Array(Ty * B * Id)
  flattenInto(dx_, 0, fx.dec_x, [Ty, B, Id], 'dec_x')
  const h0 = new Float64Array(LBH)
  flattenInto(h0, 0, fx.h0, [L, B, H], 'h0')
  const c0 = new Float64Array(LBH)
  if (lstm) flattenInto(c0, 0, fx.c0, [L, B, H], 'c0')
  ck.cmp('enc_outputs', enc.forward(x, null, h0, c0, Tx, B), fx.enc_outputs, Tx * B * H)
  ck.cmp('enc_h_n', enc.hN, fx.enc_h_n, LBH)
  if (lstm) ck.cmp('enc_c_n', enc.cN, fx.enc_c_n, LBH)
  const out = dec.forward(dx_, null, enc.hN, enc.cN, Ty, B)
  ck.cmp('outputs', out, fx.outputs, Ty * B * H)
  ck.cmp('h_n', dec.hN, fx.h_n, LBH)
  if (lstm) ck.cmp('c_n', dec.cN, fx.c_n, LBH)
  const dOut = new Float64Array(Ty * B * H)
  const { loss, logits } = lossAndGrad(
    { ...fx, loss_type: 'many_to_many_ce' },
    layout,
    params,
    grads,
    out,
    dOut,
    Ty,
    B,
    H,
    O
  )
  ck.cmp('loss', [loss], fx.loss, 1)
  ck.cmp('head_output', logits, fx.head_output, Ty * B * O)
  ck.cmp('dL_doutputs', dOut, fx.dL_doutputs, Ty * B * H)
  const dDecX = new Float64Array(Ty * B * Id),
    dh = new Float64Array(LBH),
    dc = new Float64Array(LBH)
  dec.backward(dOut, null, null, dDecX, dh, dc)
  ck.cmp('dL_denc_h_n', dh, fx.dL_denc_h_n, LBH)
  if (lstm) ck.cmp('dL_denc_c_n', dc, fx.dL_denc_c_n, LBH)
  const dx = new Float64Array(Tx * B * I),
    dh0 = new Float64Array(LBH),
    dc0 = new Float64Array(LBH)
  enc.backward(null, dh, dc, dx, dh0, dc0)
  const g = fx.grads as Json
  for (const e of layout.entries)
    ck.cmp(`grads.${e.name}`, grads.subarray(e.offset, e.offset + e.size), g[e.name], e.size)
  ck.cmp('grads.x', dx, g.x, dx.length)
  ck.cmp('grads.dec_x', dDecX, g.dec_x, dDecX.length)
  ck.cmp('grads.h0', dh0, g.h0, LBH)
  if (lstm) ck.cmp('grads.c0', dc0, g.c0, LBH)
}

/** Concatenate named nested tensors into one flat slab, in `names` order. */
function slab(names: string[], src: Json): Float64Array {
  const parts = names.map((n) => {
    if (!(n in src)) throw new Error(`missing ${n}`)
    return flat(src[n])
  })
  return Float64Array.from(parts.flat())
}

function checkClip(fx: Json, ck: Checker): void {
  const names = fx.param_names as string[]
  const g = slab(names, fx.grads as Json)
  const r = clipGradNorm(g, fx.max_norm as number)
  ck.cmp('total_norm', [r.norm], fx.total_norm, 1)
  ck.cmp('clip_coef', [r.coef], fx.clip_coef, 1)
  ck.cmp('clipped', [r.clipped ? 1 : 0], [(fx.clip_coef_clamped as number) < 1 ? 1 : 0], 1)
  ck.cmp('clipped_grads', g, flat(names.map((n) => (fx.clipped_grads as Json)[n])), g.length)
}

function checkOptim(fx: Json, ck: Checker): void {
  const names = fx.param_names as string[],
    hp = fx.hyperparams as Json
  const kinds: Record<string, OptimizerKind> = {
    adam: 'adam',
    sgd: 'sgd',
    sgd_momentum: 'momentum',
    momentum: 'momentum',
    rmsprop: 'rmsprop'
  }
  const kind = kinds[fx.optimizer as string]
  if (!kind) throw new Error(`unknown optimizer ${fx.optimizer}`)
  if (hp.maximize === true) throw new Error(`unsupported optimizer variant ${JSON.stringify(hp)}`)
  const betas = (hp.betas as number[] | undefined) ?? [0.9, 0.999]
  const p = slab(names, fx.weights as Json),
    g = slab(names, fx.grads as Json)
  const opt = new Optimizer(
    {
      kind: kind === 'sgd' && (hp.momentum as number) > 0 ? 'momentum' : kind,
      lr: hp.lr as number,
      weightDecay: (hp.weight_decay as number) ?? 0,
      momentum: kind === 'sgd' && !((hp.momentum as number) > 0) ? undefined : (hp.momentum as number | undefined),
      beta1: betas[0],
      beta2: betas[1],
      eps: hp.eps as number | undefined,
      alpha: hp.alpha as number | undefined,
      dampening: hp.dampening as number | undefined,
      nesterov: hp.nesterov === true,
      amsgrad: hp.amsgrad === true,
      centered: hp.centered === true
    },
    'float64',
    p.length
  )
  const after = fx.weights_after_step as Json[]
  for (let k = 0; k < (fx.steps as number); k++) {
    opt.step(p, g)
    ck.cmp(`weights_after_step[${k}]`, p, slab(names, after[k]), p.length)
  }
}
