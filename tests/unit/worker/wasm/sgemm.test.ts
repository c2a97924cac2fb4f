// WASM SIMD float32 GEMM against the float64 reference triple loop on random shapes (odd sizes, every transpose,
// beta 0/1, offsets and padded leading dimensions; operands in and outside the WASM memory).
// Bound (documented in docs/PERFORMANCE.md): |C − C_ref| ≤ 4·K·2⁻²⁴·(|op(A)|·|op(B)|)_ij + 1e-30, the standard
// float32 dot-product bound with slack for rounding the inputs and the beta·C addition.

import { describe, expect, it } from 'vitest'
import { gemmRef } from '../../../../src-worker/engine/gemm.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { allocF32, inWasm, wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import { packBWasm, sgemmPackedWasm, sgemmWasm } from '../../../../src-worker/engine/wasm/sgemm.js'

const EPS32 = 2 ** -24

function randArr(rng: Rng, n: number, inWasmMem: boolean): Float32Array {
  const a = inWasmMem ? allocF32(n) : new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = rng.normal()
  return a
}

/** Max over C of |C − ref| / bound. */
function check(
  tA: boolean,
  tB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  beta: 0 | 1,
  C0: Float32Array,
  C: Float32Array,
  cOff: number,
  ldc: number
): number {
  const ref = Float64Array.from(C0),
    absA = Float64Array.from(A, Math.abs),
    absB = Float64Array.from(B, Math.abs)
  const mag = new Float64Array(C0.length)
  gemmRef(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, ref, cOff, ldc)
  gemmRef(tA, tB, M, N, K, absA, aOff, lda, absB, bOff, ldb, 0, mag, cOff, ldc)
  let worst = 0
  for (let i = 0; i < C.length; i++) {
    const bound = 4 * Math.max(K, 1) * EPS32 * (mag[i] + (beta ? Math.abs(C0[i]) : 0)) + 1e-30
    worst = Math.max(worst, Math.abs(C[i] - ref[i]) / bound)
  }
  return worst
}

describe.skipIf(!wasm)('WASM sgemm', () => {
  it('reports its variant', () => {
    expect(['relaxed-simd', 'simd']).toContain(wasm!.variant)
  })

  it('matches the reference on random shapes, transposes, beta and strides', () => {
    const rng = new Rng(7)
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64, 65, 100, 257, 300]
    for (let trial = 0; trial < 120; trial++) {
      const M = sizes[rng.int(sizes.length)],
        N = sizes[rng.int(sizes.length)],
        K = sizes[rng.int(sizes.length)]
      const tA = rng.uniform() < 0.5,
        tB = rng.uniform() < 0.5,
        beta = (rng.uniform() < 0.5 ? 0 : 1) as 0 | 1
      const lda = (tA ? M : K) + rng.int(3),
        ldb = (tB ? K : N) + rng.int(3),
        ldc = N + rng.int(3)
      const aOff = rng.int(5),
        bOff = rng.int(5),
        cOff = rng.int(5)
      const mem = trial % 3 !== 0 // every third trial stages heap operands
      const A = randArr(rng, aOff + (tA ? K : M) * lda, mem),
        B = randArr(rng, bOff + (tB ? N : K) * ldb, mem)
      const C0 = randArr(rng, cOff + M * ldc, false)
      const C = mem ? allocF32(C0.length) : new Float32Array(C0.length)
      C.set(C0)
      const used = sgemmWasm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)
      if (!used) continue // tiny staged products stay in JS by design
      expect(inWasm(A)).toBe(mem)
      const w = check(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C0, C, cOff, ldc)
      expect(w, `M=${M} N=${N} K=${K} tA=${tA} tB=${tB} beta=${beta}`).toBeLessThanOrEqual(1)
    }
  })

  it('packed products match the reference and leave gaps between rows of C untouched', () => {
    const rng = new Rng(11)
    for (const [M, N, K, tB] of [
      [32, 256, 64, true],
      [5, 13, 300, false],
      [64, 1024, 256, false],
      [3, 7, 1, true]
    ] as const) {
      const ldb = tB ? K : N,
        B = randArr(rng, (tB ? N : K) * ldb, false)
      const owner = {}
      const pk = packBWasm(owner, undefined, tB, K, N, B, 0, ldb)
      for (const beta of [0, 1] as const) {
        const A = randArr(rng, M * K, true),
          ldc = N + 2,
          C0 = randArr(rng, M * ldc, false),
          C = allocF32(C0.length)
        C.set(C0)
        sgemmPackedWasm(false, M, N, K, A, 0, K, pk, beta, C, 0, ldc)
        expect(check(false, tB, M, N, K, A, 0, K, B, 0, ldb, beta, C0, C, 0, ldc)).toBeLessThanOrEqual(1)
        for (let i = 0; i < M; i++) for (let j = N; j < ldc; j++) expect(C[i * ldc + j]).toBe(C0[i * ldc + j])
      }
    }
  })

  it('is bit-reproducible', () => {
    const rng = new Rng(3),
      M = 37,
      N = 70,
      K = 333
    const A = randArr(rng, M * K, true),
      B = randArr(rng, K * N, true)
    const C1 = allocF32(M * N),
      C2 = allocF32(M * N)
    sgemmWasm(false, false, M, N, K, A, 0, K, B, 0, N, 0, C1, 0, N)
    sgemmWasm(false, false, M, N, K, A, 0, K, B, 0, N, 0, C2, 0, N)
    expect(Array.from(C1)).toEqual(Array.from(C2))
  })
})
