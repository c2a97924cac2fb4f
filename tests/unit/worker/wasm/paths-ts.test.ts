// The TypeScript float32 kernels (what runs without WebAssembly and native kernels: RNN_WASM=0, set here before
// the engine loads; vitest runs each test file in its own process) train every case of path-cases.ts within the
// same documented bound of the float64 engine as the WebAssembly and native paths (paths.test.ts), so the three
// agree within twice that bound, and give the same bits when run again.

import { describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  process.env.RNN_WASM = '0'
  process.env.RNN_WASM_QUIET = '1'
})

import { wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import { PATH_BOUND, PATH_CASES, deviation, sameBits, step } from './path-cases.js'

describe('TypeScript float32 kernels', () => {
  it('are in use (no WebAssembly runtime in this process)', () => {
    expect(wasm).toBeNull()
  })
  for (const c of PATH_CASES)
    it(`${c.name}: within ${PATH_BOUND} of float64, bit-identical on rerun`, () => {
      const ref = step(c, 'float64'),
        a = step(c, 'float32'),
        b = step(c, 'float32')
      expect(sameBits(a, b)).toBe(true)
      expect(a.grads.some((g) => g !== 0)).toBe(true)
      expect(deviation(a, ref)).toBeLessThanOrEqual(PATH_BOUND)
    })
})
