// Float64 central finite differences for gradient checks (the oracle for what the fixtures do not cover).

import { Rng } from '../../../src-worker/engine/rng.js'
import type { Arr } from '../../../src-worker/engine/arr.js'

export interface FdResult {
  checked: number
  worst: number
  worstAt: number
  analytic: number
  numeric: number
}

/**
 * Compare analytic gradients `g` of f w.r.t. `p` with (f(p+εe_i) − f(p−εe_i)) / 2ε on up to `maxChecks`
 * indices (all when fewer). `worst` is max |a − n| / (1e-7 + 1e-5·|a|); ≤ 1 passes.
 */
export function fdCheck(
  f: () => number,
  p: Arr,
  g: ArrayLike<number>,
  maxChecks = 200,
  seed = 1,
  eps = 1e-6
): FdResult {
  const idx: number[] = []
  if (p.length <= maxChecks) for (let i = 0; i < p.length; i++) idx.push(i)
  else {
    const r = new Rng(seed)
    for (let k = 0; k < maxChecks; k++) idx.push(r.int(p.length))
  }
  let worst = 0,
    worstAt = -1,
    an = 0,
    nu = 0
  for (const i of idx) {
    const v = p[i]
    p[i] = v + eps
    const fp = f()
    p[i] = v - eps
    const fm = f()
    p[i] = v
    const num = (fp - fm) / (2 * eps),
      a = g[i]
    const e = Math.abs(a - num) / (1e-7 + 1e-5 * Math.abs(a))
    if (!(e <= worst)) {
      worst = e
      worstAt = i
      an = a
      nu = num
    }
  }
  return { checked: idx.length, worst, worstAt, analytic: an, numeric: nu }
}

export function randomize(a: Arr, rng: Rng, scale = 1): void {
  for (let i = 0; i < a.length; i++) a[i] = scale * rng.normal()
}
