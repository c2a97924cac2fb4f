// gemm against a reference triple loop: all transpose combinations, edge sizes, offsets, beta 0/1, both dtypes.

import { describe, expect, it } from 'vitest'
import { gemm, gemmPacked, gemmRef, packB } from '../../../../src-worker/engine/gemm.js'
import { Rng } from '../../../../src-worker/engine/rng.js'

describe('gemm', () => {
  const rng = new Rng(9)
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 2],
    [4, 4, 4],
    [7, 9, 13],
    [32, 256, 64],
    [5, 130, 300],
    [64, 17, 129],
    [9, 4, 0]
  ]
  for (const dtype of ['float64', 'float32'] as const)
    for (const [M, N, K] of sizes)
      for (const tA of [false, true])
        for (const tB of [false, true]) {
          it(`${dtype} ${M}x${N}x${K} tA=${tA} tB=${tB}`, () => {
            const mk = (n: number) => {
              const a = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)
              for (let i = 0; i < n; i++) a[i] = rng.normal()
              return a
            }
            const lda = (tA ? M : K) + 2,
              ldb = (tB ? K : N) + 1,
              ldc = N + 3,
              aOff = 3,
              bOff = 1,
              cOff = 2
            const A = mk(aOff + lda * (tA ? K : M)),
              B = mk(bOff + ldb * (tB ? N : K))
            for (const beta of [0, 1] as const) {
              const C1 = mk(cOff + ldc * M),
                C2 = C1.slice()
              gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C1, cOff, ldc)
              gemmRef(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C2, cOff, ldc)
              const tol = dtype === 'float64' ? 1e-12 : 1e-4
              for (let i = 0; i < C1.length; i++)
                expect(Math.abs(C1[i] - C2[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(C2[i])))
            }
          })
        }
})

describe('gemmPacked', () => {
  const rng = new Rng(10)
  for (const [M, N, K] of [
    [1, 4, 3],
    [3, 7, 5],
    [32, 256, 64],
    [17, 9, 300],
    [6, 1030, 20]
  ] as [number, number, number][])
    for (const tB of [false, true]) {
      it(`${M}x${N}x${K} tB=${tB}`, () => {
        const mk = (n: number) => Float64Array.from({ length: n }, () => rng.normal())
        const ldb = (tB ? K : N) + 2,
          B = mk(3 + ldb * (tB ? N : K)),
          A = mk(M * K)
        const pb = packB(null, tB, K, N, B, 3, ldb)
        for (const tA of [false, true])
          for (const beta of [0, 1] as const) {
            const C1 = mk(M * N),
              C2 = C1.slice()
            gemmPacked(tA, M, A, 0, tA ? M : K, pb, beta, C1, 0, N)
            gemmRef(tA, tB, M, N, K, A, 0, tA ? M : K, B, 3, ldb, beta, C2, 0, N)
            for (let i = 0; i < C1.length; i++)
              expect(Math.abs(C1[i] - C2[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(C2[i])))
          }
      })
    }
})
