// Optimizers and global-norm clipping as single loops over the flat parameter / gradient slabs.
// Update rules are PyTorch's (torch.optim.SGD / Adam / RMSprop, torch.nn.utils.clip_grad_norm_);
// weight decay is PyTorch's L2 form (g ← g + wd·θ), also for Adam.

import { alloc, type Arr, type DType } from './arr.js';

export type OptimizerKind = 'adam' | 'sgd' | 'momentum' | 'rmsprop';

export interface OptimizerSettings {
  kind: OptimizerKind; lr: number; weightDecay?: number; momentum?: number;
  beta1?: number; beta2?: number; eps?: number; alpha?: number;
}

export class Optimizer {
  readonly kind: OptimizerKind;
  lr: number;
  readonly wd: number; readonly momentum: number; readonly beta1: number; readonly beta2: number;
  readonly eps: number; readonly alpha: number;
  m: Arr; v: Arr;   // Adam m, v; momentum buffer in m; RMSprop square average in v
  t = 0;            // steps taken

  constructor(s: OptimizerSettings, dtype: DType, n: number) {
    if (!(s.lr > 0)) throw new Error(`optimizer.lr must be > 0, got ${s.lr}`);
    this.kind = s.kind; this.lr = s.lr; this.wd = s.weightDecay ?? 0;
    this.momentum = s.momentum ?? 0.9; this.beta1 = s.beta1 ?? 0.9; this.beta2 = s.beta2 ?? 0.999;
    this.eps = s.eps ?? 1e-8; this.alpha = s.alpha ?? 0.99;
    this.m = alloc(dtype, s.kind === 'adam' || s.kind === 'momentum' ? n : 0);
    this.v = alloc(dtype, s.kind === 'adam' || s.kind === 'rmsprop' ? n : 0);
  }

  /** One update θ ← θ − … from gradients g (not modified). */
  step(p: Arr, g: Arr): void {
    const n = p.length, lr = this.lr, wd = this.wd;
    this.t++;
    switch (this.kind) {
      case 'sgd':
        for (let i = 0; i < n; i++) p[i] -= lr * (g[i] + wd * p[i]);
        break;
      case 'momentum': {
        // buf_1 = g; buf_t = μ·buf_{t−1} + g; θ −= lr·buf_t
        const m = this.m, mu = this.momentum, first = this.t === 1;
        for (let i = 0; i < n; i++) {
          const gi = g[i] + wd * p[i];
          m[i] = first ? gi : mu * m[i] + gi;
          p[i] -= lr * m[i];
        }
        break;
      }
      case 'adam': {
        // θ −= (lr / (1−β1^t)) · m / (sqrt(v) / sqrt(1−β2^t) + eps)
        const m = this.m, v = this.v, b1 = this.beta1, b2 = this.beta2, eps = this.eps;
        const stepSize = lr / (1 - Math.pow(b1, this.t)), bc2 = Math.sqrt(1 - Math.pow(b2, this.t));
        for (let i = 0; i < n; i++) {
          const gi = g[i] + wd * p[i];
          m[i] = b1 * m[i] + (1 - b1) * gi;
          v[i] = b2 * v[i] + (1 - b2) * gi * gi;
          p[i] -= stepSize * (m[i] / (Math.sqrt(v[i]) / bc2 + eps));
        }
        break;
      }
      case 'rmsprop': {
        // s = α s + (1−α) g²; θ −= lr · g / (sqrt(s) + eps)
        const v = this.v, a = this.alpha, eps = this.eps;
        for (let i = 0; i < n; i++) {
          const gi = g[i] + wd * p[i];
          v[i] = a * v[i] + (1 - a) * gi * gi;
          p[i] -= lr * gi / (Math.sqrt(v[i]) + eps);
        }
        break;
      }
    }
  }

  /** Copy of the moments and step count (for NaN revert / checkpoints). */
  snapshot(): { m: Arr; v: Arr; t: number } { return { m: this.m.slice(), v: this.v.slice(), t: this.t }; }
  restore(s: { m: Arr; v: Arr; t: number }): void { this.m.set(s.m); this.v.set(s.v); this.t = s.t; }
}

/** Global L2 norm of the gradients. */
export function globalNorm(g: Arr): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** clip_grad_norm_: scale g by min(1, maxNorm / (norm + 1e-6)); returns the pre-clip norm. */
export function clipGradNorm(g: Arr, maxNorm: number): { norm: number; clipped: boolean; coef: number } {
  const norm = globalNorm(g);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) { for (let i = 0; i < g.length; i++) g[i] *= coef; return { norm, clipped: true, coef }; }
  return { norm, clipped: false, coef };
}
