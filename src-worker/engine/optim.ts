// Optimizers and global-norm clipping as single loops over the flat parameter / gradient slabs.
// Update rules are PyTorch's (torch.optim.SGD / Adam / RMSprop, torch.nn.utils.clip_grad_norm_);
// weight decay is PyTorch's L2 form (g ← g + wd·θ), also for Adam.

import { alloc, type Arr, type DType } from './arr.js'
import { allocOwnedF32, inWasm, wasm } from './wasm/runtime.js'

export type OptimizerKind = 'adam' | 'sgd' | 'momentum' | 'rmsprop'

export interface OptimizerSettings {
  kind: OptimizerKind
  lr: number
  weightDecay?: number
  momentum?: number
  beta1?: number
  beta2?: number
  eps?: number
  alpha?: number
  // further PyTorch options (not exposed in TrainConfig; used by fixture checks of other optimizer files)
  dampening?: number
  nesterov?: boolean
  amsgrad?: boolean
  centered?: boolean
}

export interface OptimizerState {
  m: Arr
  v: Arr
  t: number
  x?: Arr
}

export class Optimizer {
  readonly kind: OptimizerKind
  lr: number
  readonly wd: number
  readonly momentum: number
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  readonly alpha: number
  readonly dampening: number
  readonly nesterov: boolean
  readonly amsgrad: boolean
  readonly centered: boolean
  m: Arr // Adam m; SGD momentum buffer; RMSprop momentum buffer
  v: Arr // Adam v; RMSprop square average
  x: Arr // Adam amsgrad max(v); centered RMSprop gradient average
  t = 0 // steps taken

  constructor(s: OptimizerSettings, dtype: DType, n: number) {
    if (!(s.lr > 0)) throw new Error(`optimizer.lr must be > 0, got ${s.lr}`)
    this.kind = s.kind
    this.lr = s.lr
    this.wd = s.weightDecay ?? 0
    this.momentum = s.momentum ?? (s.kind === 'momentum' ? 0.9 : 0)
    this.beta1 = s.beta1 ?? 0.9
    this.beta2 = s.beta2 ?? 0.999
    this.eps = s.eps ?? 1e-8
    this.alpha = s.alpha ?? 0.99
    this.dampening = s.dampening ?? 0
    this.nesterov = s.nesterov ?? false
    this.amsgrad = s.amsgrad ?? false
    this.centered = s.centered ?? false
    const rmsMom = s.kind === 'rmsprop' && this.momentum > 0
    // float32 moments live in the WASM memory, so Adam can run there in place (bit-identical to the loop below)
    const mk = (k: number): Arr => (dtype === 'float32' ? allocOwnedF32(this, k) : alloc(dtype, k))
    this.m = mk(s.kind === 'adam' || s.kind === 'momentum' || rmsMom ? n : 0)
    this.v = mk(s.kind === 'adam' || s.kind === 'rmsprop' ? n : 0)
    this.x = alloc(dtype, (s.kind === 'adam' && this.amsgrad) || (s.kind === 'rmsprop' && this.centered) ? n : 0)
  }

  /** One update θ ← θ − … from gradients g (not modified). */
  step(p: Arr, g: Arr): void {
    const n = p.length,
      lr = this.lr,
      wd = this.wd
    this.t++
    switch (this.kind) {
      case 'sgd':
        for (let i = 0; i < n; i++) p[i] -= lr * (g[i] + wd * p[i])
        break
      case 'momentum': {
        // buf_1 = g; buf_t = μ·buf_{t−1} + (1 − dampening)·g; θ −= lr·buf_t (Nesterov: θ −= lr·(g + μ·buf_t))
        const m = this.m,
          mu = this.momentum,
          first = this.t === 1,
          damp = 1 - this.dampening,
          nest = this.nesterov
        for (let i = 0; i < n; i++) {
          const gi = g[i] + wd * p[i]
          m[i] = first ? gi : mu * m[i] + damp * gi
          p[i] -= lr * (nest ? gi + mu * m[i] : m[i])
        }
        break
      }
      case 'adam': {
        // θ −= (lr / (1−β1^t)) · m / (sqrt(v) / sqrt(1−β2^t) + eps)   (amsgrad: max of v so far)
        const m = this.m,
          v = this.v,
          x = this.x,
          ams = this.amsgrad,
          b1 = this.beta1,
          b2 = this.beta2,
          eps = this.eps
        const stepSize = lr / (1 - Math.pow(b1, this.t)),
          bc2 = Math.sqrt(1 - Math.pow(b2, this.t))
        if (
          wasm &&
          !ams &&
          p instanceof Float32Array &&
          g instanceof Float32Array &&
          m instanceof Float32Array &&
          v instanceof Float32Array &&
          inWasm(p) &&
          inWasm(g) &&
          inWasm(m) &&
          inWasm(v) &&
          g.length >= n &&
          m.length >= n &&
          v.length >= n
        ) {
          // the same arithmetic in f64x2 (assembly/kernels.ts adamStep): same bits, several times faster
          wasm.k.adamStep(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, stepSize, bc2, b1, b2, eps, wd)
          break
        }
        for (let i = 0; i < n; i++) {
          const gi = g[i] + wd * p[i]
          m[i] = b1 * m[i] + (1 - b1) * gi
          v[i] = b2 * v[i] + (1 - b2) * gi * gi
          let vi = v[i]
          if (ams) {
            if (vi > x[i]) x[i] = vi
            vi = x[i]
          }
          p[i] -= stepSize * (m[i] / (Math.sqrt(vi) / bc2 + eps))
        }
        break
      }
      case 'rmsprop': {
        // s = α s + (1−α) g²; avg = sqrt(s − ḡ²) (centered) or sqrt(s), + eps; θ −= lr · g / avg (momentum: via buf)
        const v = this.v,
          x = this.x,
          m = this.m,
          a = this.alpha,
          eps = this.eps,
          mu = this.momentum,
          cen = this.centered
        for (let i = 0; i < n; i++) {
          const gi = g[i] + wd * p[i]
          v[i] = a * v[i] + (1 - a) * gi * gi
          let avg: number
          if (cen) {
            x[i] = a * x[i] + (1 - a) * gi
            avg = Math.sqrt(v[i] - x[i] * x[i]) + eps
          } else avg = Math.sqrt(v[i]) + eps
          if (mu > 0) {
            m[i] = mu * m[i] + gi / avg
            p[i] -= lr * m[i]
          } else p[i] -= (lr * gi) / avg
        }
        break
      }
    }
  }

  /** Copy of the moments and step count (for NaN revert / checkpoints). */
  snapshot(): OptimizerState {
    return { m: this.m.slice(), v: this.v.slice(), t: this.t, x: this.x.slice() }
  }
  /** Copies the moments and step count into `s`'s arrays (no allocation). */
  snapshotInto(s: OptimizerState): void {
    s.m.set(this.m)
    s.v.set(this.v)
    s.t = this.t
    if (s.x && s.x.length === this.x.length) s.x.set(this.x)
    else s.x = this.x.slice()
  }
  restore(s: OptimizerState): void {
    this.m.set(s.m)
    this.v.set(s.v)
    if (s.x) this.x.set(s.x)
    this.t = s.t
  }
}

/** Global L2 norm of the gradients. */
export function globalNorm(g: Arr): number {
  let s = 0
  for (let i = 0; i < g.length; i++) s += g[i] * g[i]
  return Math.sqrt(s)
}

/** clip_grad_norm_: scale g by min(1, maxNorm / (norm + 1e-6)); returns the pre-clip norm. */
export function clipGradNorm(g: Arr, maxNorm: number): { norm: number; clipped: boolean; coef: number } {
  const norm = globalNorm(g)
  const coef = maxNorm / (norm + 1e-6)
  if (coef < 1) {
    for (let i = 0; i < g.length; i++) g[i] *= coef
    return { norm, clipped: true, coef }
  }
  return { norm, clipped: false, coef }
}
