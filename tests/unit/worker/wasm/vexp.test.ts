// The f32x4 exp behind every fused gate: relative error ≤ 3e-7 (≈ 2.5 ulp of float32) against Math.exp on
// [−87, 88], saturating cleanly outside (0⁺ below, finite ≈ 2.4e38 above), identical in the vector and tail lanes.

import { describe, expect, it } from 'vitest'
import { allocF32, wasm } from '../../../../src-worker/engine/wasm/runtime.js'

describe.skipIf(!wasm)('WASM vexp', () => {
  it('is accurate over the float32 range and saturates outside it', () => {
    const n = 20003,
      x = allocF32(n),
      y = allocF32(n)
    for (let i = 0; i < n; i++) x[i] = Math.fround(-87 + (175 * i) / (n - 1))
    wasm!.k.vexpTest(y.byteOffset, x.byteOffset, n)
    let worst = 0
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i] - Math.exp(x[i])) / Math.exp(x[i]))
    expect(worst).toBeLessThanOrEqual(3e-7)
    const e = allocF32(5),
      o = allocF32(5)
    e.set([-1000, -88.5, 0, 89, 1000])
    wasm!.k.vexpTest(o.byteOffset, e.byteOffset, 5)
    expect(o[0]).toBeGreaterThanOrEqual(0)
    expect(o[0]).toBeLessThan(1e-37)
    expect(o[2]).toBe(1)
    expect(Number.isFinite(o[4])).toBe(true)
    expect(o[4]).toBeGreaterThan(1e38)
  })
})
