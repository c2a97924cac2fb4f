// Float32 Adam on WASM views runs the adamStep kernel (f64x2, the TypeScript loop's operations in its order):
// parameters and both moments must come out bit-identical to the TypeScript loop, with and without weight
// decay, for lengths that leave a scalar tail. The model's float32 slabs and the optimizer's moments are
// allocated in the WASM memory so this path is the one training takes.

import { describe, expect, it } from 'vitest'
import { Optimizer } from '../../../../src-worker/engine/optim.js'
import { Model } from '../../../../src-worker/engine/model.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { allocF32, inWasm, wasm } from '../../../../src-worker/engine/wasm/runtime.js'

function bits(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex')
}

describe.skipIf(!wasm)('Adam in WASM', () => {
  for (const [n, wd] of [
    [1001, 0],
    [7, 0.01],
    [4096, 1e-4]
  ] as const) {
    it(`matches the TypeScript loop bit for bit (n=${n}, weightDecay=${wd})`, () => {
      const rng = new Rng(n)
      const p0 = Float32Array.from({ length: n }, () => rng.normal())
      const fast = new Optimizer({ kind: 'adam', lr: 3e-3, weightDecay: wd }, 'float32', n)
      const slow = new Optimizer({ kind: 'adam', lr: 3e-3, weightDecay: wd }, 'float32', n)
      slow.m = new Float32Array(n)
      slow.v = new Float32Array(n) // ordinary arrays: the TypeScript loop
      expect(inWasm(fast.m) && inWasm(fast.v)).toBe(true)
      const pf = allocF32(n),
        gf = allocF32(n),
        ps = Float32Array.from(p0),
        gs = new Float32Array(n)
      pf.set(p0)
      for (let step = 0; step < 5; step++) {
        for (let i = 0; i < n; i++) {
          const g = rng.normal() * (i % 13 === 0 ? 1e-6 : 1)
          gf[i] = g
          gs[i] = g
        }
        fast.step(pf, gf)
        slow.step(ps, gs)
      }
      expect(bits(pf)).toBe(bits(ps))
      expect(bits(fast.m as Float32Array)).toBe(bits(slow.m as Float32Array))
      expect(bits(fast.v as Float32Array)).toBe(bits(slow.v as Float32Array))
      expect(ps.some((x, i) => x !== p0[i])).toBe(true)
    })
  }

  it('float32 model slabs are WASM views; float64 ones are not', () => {
    const spec = {
      cell: 'lstm' as const,
      hiddenSize: 8,
      numLayers: 1,
      dropout: 0,
      bidirectional: false,
      mapping: 'many-to-one' as const,
      task: 'regression' as const,
      inputSize: 3,
      outputSize: 1,
      tx: 4,
      ty: 1,
      tokens: false
    }
    const m32 = new Model(spec, 'float32', 4),
      m64 = new Model(spec, 'float64', 4)
    expect(inWasm(m32.params) && inWasm(m32.grads)).toBe(true)
    expect(m64.params instanceof Float64Array && !inWasm(m64.params)).toBe(true)
  })
})
