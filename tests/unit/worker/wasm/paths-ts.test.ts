// The TypeScript float32 kernels (what runs without WebAssembly and native kernels: RNN_WASM=0, set here before
// the engine loads; vitest runs each test file in its own process) train every case of path-cases.ts within the
// same documented bound of the float64 engine as the WebAssembly and native paths (paths.test.ts), so the three
// agree within twice that bound, and give the same bits when run again.

import { afterAll, describe, expect, it, vi } from 'vitest'

const saved = vi.hoisted(() => {
  const was = { wasm: process.env.RNN_WASM, quiet: process.env.RNN_WASM_QUIET }
  process.env.RNN_WASM = '0'
  process.env.RNN_WASM_QUIET = '1'
  return was
})

import { wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import { PATH_BOUND, PATH_CASES, deviation, sameBits, step } from './path-cases.js'

afterAll(() => {
  // the engine read these when it loaded; later test files in this process must not inherit them
  for (const [k, v] of [
    ['RNN_WASM', saved.wasm],
    ['RNN_WASM_QUIET', saved.quiet]
  ] as const)
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
})

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
