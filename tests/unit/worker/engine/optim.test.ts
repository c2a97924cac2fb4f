// Optimizer variants beyond the fixtures (weight decay, dampening, Nesterov, AMSGrad, centered RMSprop,
// RMSprop momentum) against scalar transcriptions of torch/optim/{sgd,adam,rmsprop}.py (1.13), and clipping.

import { describe, expect, it } from 'vitest'
import { clipGradNorm, Optimizer, type OptimizerSettings } from '../../../../src-worker/engine/optim.js'

/** PyTorch's single-tensor loops, one scalar parameter, `steps` updates with a fixed gradient sequence. */
function reference(s: OptimizerSettings, theta0: number, grads: number[]): number[] {
  let th = theta0,
    buf: number | null = null,
    m = 0,
    v = 0,
    vmax = 0,
    ga = 0,
    rbuf = 0
  const wd = s.weightDecay ?? 0,
    out: number[] = []
  grads.forEach((g0, k) => {
    const t = k + 1
    let g = g0 + wd * th
    if (s.kind === 'sgd') th -= s.lr * g
    else if (s.kind === 'momentum') {
      const mu = s.momentum ?? 0.9,
        damp = s.dampening ?? 0
      buf = buf === null ? g : mu * buf + (1 - damp) * g
      g = s.nesterov ? g + mu * buf : buf
      th -= s.lr * g
    } else if (s.kind === 'adam') {
      const b1 = s.beta1 ?? 0.9,
        b2 = s.beta2 ?? 0.999,
        eps = s.eps ?? 1e-8
      m = b1 * m + (1 - b1) * g
      v = b2 * v + (1 - b2) * g * g
      const bc1 = 1 - b1 ** t,
        bc2s = Math.sqrt(1 - b2 ** t)
      vmax = Math.max(vmax, v)
      const denom = Math.sqrt(s.amsgrad ? vmax : v) / bc2s + eps
      th -= ((s.lr / bc1) * m) / denom
    } else {
      const a = s.alpha ?? 0.99,
        eps = s.eps ?? 1e-8,
        mu = s.momentum ?? 0
      v = a * v + (1 - a) * g * g
      let avg: number
      if (s.centered) {
        ga = a * ga + (1 - a) * g
        avg = Math.sqrt(v - ga * ga) + eps
      } else avg = Math.sqrt(v) + eps
      if (mu > 0) {
        rbuf = mu * rbuf + g / avg
        th -= s.lr * rbuf
      } else th -= (s.lr * g) / avg
    }
    out.push(th)
  })
  return out
}

const cases: [string, OptimizerSettings][] = [
  ['sgd + weight decay', { kind: 'sgd', lr: 0.1, weightDecay: 0.01 }],
  ['momentum + dampening', { kind: 'momentum', lr: 0.05, momentum: 0.8, dampening: 0.3 }],
  ['nesterov + weight decay', { kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }],
  ['adam + weight decay', { kind: 'adam', lr: 0.01, weightDecay: 0.1 }],
  ['adam amsgrad', { kind: 'adam', lr: 0.02, amsgrad: true, beta2: 0.9 }],
  ['rmsprop centered', { kind: 'rmsprop', lr: 0.01, centered: true }],
  ['rmsprop momentum + weight decay', { kind: 'rmsprop', lr: 0.01, momentum: 0.5, weightDecay: 0.01 }]
]

describe('optimizers (PyTorch update rules)', () => {
  const grads = [0.5, -1.2, 0.3, 2.0, -0.1, 0.05]
  for (const [name, s] of cases)
    it(name, () => {
      const theta0 = [0.7, -0.3, 1.5]
      const opt = new Optimizer(s, 'float64', 3),
        p = Float64Array.from(theta0)
      const refs = theta0.map((t0, j) =>
        reference(
          s,
          t0,
          grads.map((g) => g * (j + 1))
        )
      )
      grads.forEach((g, k) => {
        opt.step(p, Float64Array.of(g, 2 * g, 3 * g))
        for (let j = 0; j < 3; j++)
          expect(Math.abs(p[j] - refs[j][k])).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(refs[j][k])))
      })
    })

  it('snapshot / restore reproduces the following steps', () => {
    const s: OptimizerSettings = { kind: 'adam', lr: 0.01, amsgrad: true }
    const a = new Optimizer(s, 'float64', 2),
      p = Float64Array.of(1, 2),
      g = Float64Array.of(0.3, -0.2)
    a.step(p, g)
    const snap = a.snapshot(),
      p1 = p.slice()
    a.step(p, g)
    a.step(p, g)
    const b = new Optimizer(s, 'float64', 2)
    b.restore(snap)
    b.step(p1, g)
    b.step(p1, g)
    expect(Array.from(p1)).toEqual(Array.from(p))
  })
})

describe('clipGradNorm', () => {
  it('scales by max/(norm + 1e-6) only when that is < 1 and reports the pre-clip norm', () => {
    const g = Float64Array.of(3, 4)
    const r = clipGradNorm(g, 1)
    expect(r.norm).toBe(5)
    expect(r.clipped).toBe(true)
    expect(g[0]).toBeCloseTo(3 / (5 + 1e-6), 15)
    const h = Float64Array.of(0.3, 0.4),
      r2 = clipGradNorm(h, 1)
    expect(r2.clipped).toBe(false)
    expect(Array.from(h)).toEqual([0.3, 0.4])
  })
})
