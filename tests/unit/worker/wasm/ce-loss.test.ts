// Float32 softmax cross-entropy on the WASM kernel (logits in WASM memory) against the float64 TypeScript loop:
// loss within 1e-6 relative, every dL/dy within 1e-6·max(max|dy|, 1/den), masked rows zero, offsets into class ids and mask
// honoured, and the same error for a class id out of range.

import { describe, expect, it } from 'vitest'
import { ceLoss } from '../../../../src-worker/engine/heads.js'
import { ceLossWasm } from '../../../../src-worker/engine/wasm/heads-wasm.js'
import { allocF32, wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import { Rng } from '../../../../src-worker/engine/rng.js'

describe.skipIf(!wasm)('softmax cross-entropy kernel', () => {
  for (const [N, C, masked] of [
    [50, 65, true],
    [17, 3, false],
    [8, 40, true],
    [3, 1, false]
  ] as const) {
    it(`matches the float64 loop (N=${N}, C=${C}${masked ? ', masked' : ''})`, () => {
      const rng = new Rng(N * 100 + C),
        off = 5
      const y32 = allocF32(N * C),
        dy32 = allocF32(N * C)
      for (let i = 0; i < N * C; i++) y32[i] = 4 * rng.normal()
      dy32.fill(7) // must be overwritten everywhere
      const cls = Int32Array.from({ length: N + off }, () => rng.int(C))
      const mask = masked
        ? Float32Array.from({ length: N + off }, (_, r) => (r % 4 === 1 ? 0 : r % 4 === 2 ? 0.5 : 1))
        : null
      const den = mask ? mask.subarray(off).reduce((a, b) => a + b, 0) : N
      const y64 = Float64Array.from(y32),
        dy64 = new Float64Array(N * C)
      const ref = ceLoss(dy64, y64, cls, off, mask ? Float64Array.from(mask) : null, off, N, C, den)
      const got = ceLossWasm(dy32, y32, cls, off, mask, off, N, C, den)
      expect(got).not.toBeNull()
      expect(Math.abs((got as number) - ref)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref)))
      let mx = 0,
        err = 0
      for (let i = 0; i < N * C; i++) {
        mx = Math.max(mx, Math.abs(dy64[i]))
        err = Math.max(err, Math.abs(dy32[i] - dy64[i]))
      }
      expect(err).toBeLessThanOrEqual(1e-6 * Math.max(mx, 1 / den)) // (C = 1: dy is 0, float32 leaves ~1e-8)
      if (mask)
        for (let r = 0; r < N; r++) if (mask[off + r] === 0) for (let k = 0; k < C; k++) expect(dy32[r * C + k]).toBe(0)
      // the loss alone (no gradient) is the same number
      expect(ceLossWasm(null, y32, cls, off, mask, off, N, C, den)).toBe(got)
    })
  }

  it('rejects a class id out of range like the TypeScript loop', () => {
    const y = allocF32(2 * 3),
      cls = Int32Array.of(0, 3)
    expect(() => ceLossWasm(null, y, cls, 0, null, 0, 2, 3, 2)).toThrow('class id 3 at row 1 is outside 0..2')
    expect(ceLossWasm(null, y, cls, 0, Float32Array.of(1, 0), 0, 2, 3, 1)).not.toBeNull() // masked rows are not checked
  })

  it('declines operands outside WASM memory', () => {
    expect(ceLossWasm(null, new Float32Array(6), Int32Array.of(0, 1), 0, null, 0, 2, 3, 2)).toBeNull()
  })
})
