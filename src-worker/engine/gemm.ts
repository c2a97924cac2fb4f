// The one matrix-product interface of the engine (BLAS-like sgemm/dgemm on flat row-major arrays).
// Callers only see `gemm`, whichever kernel runs behind it (the JS one below, or WebAssembly SIMD for float32).
//
//   C(M×N) = beta·C + op(A)(M×K) · op(B)(K×N),   beta ∈ {0, 1}
//   op(A) = A (row-major, leading dimension lda) or Aᵀ when transA (A stored K×M)
//   op(B) = B (row-major, ldb) or Bᵀ when transB (B stored N×K)
//
// Plain JS, GotoBLAS-style: K is cut into chunks of KC; for each chunk op(B) is packed into panels of 4
// columns and op(A) into slivers of 4 rows (both k-major, in Float64Array scratch, zero-padded), then a
// register-blocked 4×4 micro-kernel (16 accumulators in locals) walks both contiguously. Packing makes
// transposed operands as fast as plain ones and keeps the kernel monomorphic (it only sees Float64Array),
// whatever the caller's dtype. Arithmetic is double precision; results are rounded once when stored.
// Tiny or thin products (M < 4 or little work) take the unpacked strided path `gemmDirect`.
// `packB` + `gemmPacked` pack a right operand once for many products (the recurrent weights over T steps).
// Float32 operands go to the WebAssembly SIMD kernels when they are built (wasm/sgemm.ts, float32 arithmetic);
// float64 — the parity path — always stays on these JS kernels.

import type { Arr } from './arr.js'
import { packBWasm, sgemmPackedWasm, sgemmWasm, wasmReady, type WasmPackedB } from './wasm/sgemm.js'

const KC = 128 // k chunk
const NCP = 16 // column panels (of 4) per packed B block (16·4·128 doubles = 64 KB)
const packA = new Float64Array(4 * KC)
const packBScratch = new Float64Array(NCP * 4 * KC)
const canWasm = wasmReady()

export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Arr,
  aOff: number,
  lda: number,
  B: Arr,
  bOff: number,
  ldb: number,
  beta: 0 | 1,
  C: Arr,
  cOff: number,
  ldc: number
): void {
  if (C instanceof Float32Array && sgemmWasm(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc))
    return
  if (M < 4 || N < 4 || M * N * K < 8192) {
    gemmDirect(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)
    return
  }
  const bks = transB ? 1 : ldb,
    bns = transB ? ldb : 1
  const NP = (N + 3) >> 2 // column panels of 4
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0)
    for (let jp0 = 0; jp0 < NP; jp0 += NCP) {
      const np = Math.min(NCP, NP - jp0)
      packPanels(packBScratch, 0, B, bOff, bks, bns, N, k0, kc, jp0, np)
      blockKernel(transA, M, N, A, aOff, lda, k0, kc, packBScratch, 0, jp0, np, beta === 1 || k0 > 0, C, cOff, ldc)
    }
  }
  if (K === 0 && beta === 0) for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N)
}

/**
 * op(B) (K×N) packed once for many products with the same right operand (the recurrent weights over all
 * time steps): chunk k0 occupies NP·4·kc doubles from offset k0·NP·4, panel jp inside it at jp·4·kc.
 */
export interface PackedB {
  data: Float64Array
  K: number
  N: number
  wasm?: WasmPackedB
}

export function packedSize(K: number, N: number): number {
  return ((N + 3) >> 2) * 4 * K
}

/** Pack op(B) into `out` (reallocated only when too small). */
export function packB(
  out: PackedB | null,
  transB: boolean,
  K: number,
  N: number,
  B: Arr,
  bOff: number,
  ldb: number
): PackedB {
  if (B instanceof Float32Array && canWasm) {
    // float32: packed once in the WASM memory for sgemmPacked (no float64 copy)
    const res: PackedB = out && out.wasm ? out : { data: new Float64Array(0), K, N }
    res.K = K
    res.N = N
    res.wasm = packBWasm(res, res.wasm, transB, K, N, B, bOff, ldb)
    return res
  }
  const need = packedSize(K, N)
  const res = out && !out.wasm && out.data.length >= need ? out : { data: new Float64Array(need), K, N }
  res.K = K
  res.N = N
  const bks = transB ? 1 : ldb,
    bns = transB ? ldb : 1,
    NP = (N + 3) >> 2
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0)
    packPanels(res.data, k0 * NP * 4, B, bOff, bks, bns, N, k0, kc, 0, NP)
  }
  return res
}

/** C = beta·C + op(A) · op(B) with op(B) from packB (same K, N). */
export function gemmPacked(
  transA: boolean,
  M: number,
  A: Arr,
  aOff: number,
  lda: number,
  pb: PackedB,
  beta: 0 | 1,
  C: Arr,
  cOff: number,
  ldc: number
): void {
  const K = pb.K,
    N = pb.N,
    NP = (N + 3) >> 2
  if (pb.wasm) {
    if (!(A instanceof Float32Array) || !(C instanceof Float32Array))
      throw new Error('gemmPacked: a float32 packed operand needs float32 A and C')
    sgemmPackedWasm(transA, M, N, K, A, aOff, lda, pb.wasm, beta, C, cOff, ldc)
    return
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0),
      base = k0 * NP * 4
    for (let jp0 = 0; jp0 < NP; jp0 += NCP) {
      blockKernel(
        transA,
        M,
        N,
        A,
        aOff,
        lda,
        k0,
        kc,
        pb.data,
        base + jp0 * 4 * kc,
        jp0,
        Math.min(NCP, NP - jp0),
        beta === 1 || k0 > 0,
        C,
        cOff,
        ldc
      )
    }
  }
  if (K === 0 && beta === 0) for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N)
}

/** Panels jp0 .. jp0+np of op(B)[k0:k0+kc, :] → dst[base + p·4·kc + k·4 + c], zero-padded past N. */
function packPanels(
  dst: Float64Array,
  base: number,
  B: Arr,
  bOff: number,
  bks: number,
  bns: number,
  N: number,
  k0: number,
  kc: number,
  jp0: number,
  np: number
): void {
  for (let p = 0; p < np; p++) {
    const o = base + p * 4 * kc,
      j = (jp0 + p) * 4
    for (let c = 0; c < 4; c++) {
      if (j + c < N) {
        let q = bOff + k0 * bks + (j + c) * bns
        for (let k = 0; k < kc; k++) {
          dst[o + k * 4 + c] = B[q]
          q += bks
        }
      } else for (let k = 0; k < kc; k++) dst[o + k * 4 + c] = 0
    }
  }
}

/**
 * C[:, panels jp0..jp0+np) (+)= op(A)[:, k0:k0+kc] · packed panels at pB[pbBase ..]. Packs op(A) 4 rows at a
 * time, then runs the 4×4 micro-kernel against each panel.
 */
function blockKernel(
  transA: boolean,
  M: number,
  N: number,
  A: Arr,
  aOff: number,
  lda: number,
  k0: number,
  kc: number,
  pB: Float64Array,
  pbBase: number,
  jp0: number,
  np: number,
  acc: boolean,
  C: Arr,
  cOff: number,
  ldc: number
): void {
  const ars = transA ? 1 : lda,
    aks = transA ? lda : 1,
    pA = packA
  for (let i = 0; i < M; i += 4) {
    // pack op(A)[i:i+4, k0:k0+kc] → pA[k][r]
    for (let r = 0; r < 4; r++) {
      if (i + r < M) {
        let q = aOff + (i + r) * ars + k0 * aks
        for (let k = 0; k < kc; k++) {
          pA[k * 4 + r] = A[q]
          q += aks
        }
      } else for (let k = 0; k < kc; k++) pA[k * 4 + r] = 0
    }
    const fullRows = i + 4 <= M
    for (let p = 0; p < np; p++) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0
      // one induction variable pair and an end bound: measurably faster in V8 than a k counter
      const end = 4 * kc
      for (let pa = 0, pb = pbBase + p * 4 * kc; pa < end; pa += 4, pb += 4) {
        const a0 = pA[pa],
          a1 = pA[pa + 1],
          a2 = pA[pa + 2],
          a3 = pA[pa + 3]
        const b0 = pB[pb],
          b1 = pB[pb + 1],
          b2 = pB[pb + 2],
          b3 = pB[pb + 3]
        c00 += a0 * b0
        c01 += a0 * b1
        c02 += a0 * b2
        c03 += a0 * b3
        c10 += a1 * b0
        c11 += a1 * b1
        c12 += a1 * b2
        c13 += a1 * b3
        c20 += a2 * b0
        c21 += a2 * b1
        c22 += a2 * b2
        c23 += a2 * b3
        c30 += a3 * b0
        c31 += a3 * b1
        c32 += a3 * b2
        c33 += a3 * b3
      }
      const j = (jp0 + p) * 4,
        q0 = cOff + i * ldc + j
      if (fullRows && j + 4 <= N) {
        const q1 = q0 + ldc,
          q2 = q1 + ldc,
          q3 = q2 + ldc
        if (acc) {
          C[q0] += c00
          C[q0 + 1] += c01
          C[q0 + 2] += c02
          C[q0 + 3] += c03
          C[q1] += c10
          C[q1 + 1] += c11
          C[q1 + 2] += c12
          C[q1 + 3] += c13
          C[q2] += c20
          C[q2 + 1] += c21
          C[q2 + 2] += c22
          C[q2 + 3] += c23
          C[q3] += c30
          C[q3 + 1] += c31
          C[q3 + 2] += c32
          C[q3 + 3] += c33
        } else {
          C[q0] = c00
          C[q0 + 1] = c01
          C[q0 + 2] = c02
          C[q0 + 3] = c03
          C[q1] = c10
          C[q1 + 1] = c11
          C[q1 + 2] = c12
          C[q1 + 3] = c13
          C[q2] = c20
          C[q2 + 1] = c21
          C[q2 + 2] = c22
          C[q2 + 3] = c23
          C[q3] = c30
          C[q3 + 1] = c31
          C[q3 + 2] = c32
          C[q3 + 3] = c33
        }
      } else {
        // edge block: store the valid part only
        const rows = Math.min(4, M - i),
          cols = Math.min(4, N - j)
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) {
            const v =
              r === 0
                ? c === 0
                  ? c00
                  : c === 1
                    ? c01
                    : c === 2
                      ? c02
                      : c03
                : r === 1
                  ? c === 0
                    ? c10
                    : c === 1
                      ? c11
                      : c === 2
                        ? c12
                        : c13
                  : r === 2
                    ? c === 0
                      ? c20
                      : c === 1
                        ? c21
                        : c === 2
                          ? c22
                          : c23
                    : c === 0
                      ? c30
                      : c === 1
                        ? c31
                        : c === 2
                          ? c32
                          : c33
            const q = q0 + r * ldc + c
            if (acc) C[q] += v
            else C[q] = v
          }
      }
    }
  }
}

/** Unpacked strided 4×4 register-blocked product (small or thin operands). Same contract as gemm. */
export function gemmDirect(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Arr,
  aOff: number,
  lda: number,
  B: Arr,
  bOff: number,
  ldb: number,
  beta: 0 | 1,
  C: Arr,
  cOff: number,
  ldc: number
): void {
  // element strides: op(A)[m][k] = A[aOff + m*ars + k*aks], op(B)[k][n] = B[bOff + k*bks + n*bns]
  const ars = transA ? 1 : lda,
    aks = transA ? lda : 1
  const bks = transB ? 1 : ldb,
    bns = transB ? ldb : 1
  const M4 = M - (M % 4),
    N4 = N - (N % 4)
  for (let i = 0; i < M4; i += 4) {
    const pa0 = aOff + i * ars
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0
      let pa = pa0,
        pb = bOff + j * bns
      for (let k = 0; k < K; k++) {
        const a0 = A[pa],
          a1 = A[pa + ars],
          a2 = A[pa + 2 * ars],
          a3 = A[pa + 3 * ars]
        const b0 = B[pb],
          b1 = B[pb + bns],
          b2 = B[pb + 2 * bns],
          b3 = B[pb + 3 * bns]
        c00 += a0 * b0
        c01 += a0 * b1
        c02 += a0 * b2
        c03 += a0 * b3
        c10 += a1 * b0
        c11 += a1 * b1
        c12 += a1 * b2
        c13 += a1 * b3
        c20 += a2 * b0
        c21 += a2 * b1
        c22 += a2 * b2
        c23 += a2 * b3
        c30 += a3 * b0
        c31 += a3 * b1
        c32 += a3 * b2
        c33 += a3 * b3
        pa += aks
        pb += bks
      }
      const q0 = cOff + i * ldc + j,
        q1 = q0 + ldc,
        q2 = q1 + ldc,
        q3 = q2 + ldc
      if (beta === 0) {
        C[q0] = c00
        C[q0 + 1] = c01
        C[q0 + 2] = c02
        C[q0 + 3] = c03
        C[q1] = c10
        C[q1 + 1] = c11
        C[q1 + 2] = c12
        C[q1 + 3] = c13
        C[q2] = c20
        C[q2 + 1] = c21
        C[q2 + 2] = c22
        C[q2 + 3] = c23
        C[q3] = c30
        C[q3 + 1] = c31
        C[q3 + 2] = c32
        C[q3 + 3] = c33
      } else {
        C[q0] += c00
        C[q0 + 1] += c01
        C[q0 + 2] += c02
        C[q0 + 3] += c03
        C[q1] += c10
        C[q1 + 1] += c11
        C[q1 + 2] += c12
        C[q1 + 3] += c13
        C[q2] += c20
        C[q2 + 1] += c21
        C[q2 + 2] += c22
        C[q2 + 3] += c23
        C[q3] += c30
        C[q3 + 1] += c31
        C[q3 + 2] += c32
        C[q3 + 3] += c33
      }
    }
    // right edge: columns N4..N-1, 4 rows at a time
    for (let j = N4; j < N; j++) {
      let c0 = 0,
        c1 = 0,
        c2 = 0,
        c3 = 0
      let pa = pa0,
        pb = bOff + j * bns
      for (let k = 0; k < K; k++) {
        const b = B[pb]
        c0 += A[pa] * b
        c1 += A[pa + ars] * b
        c2 += A[pa + 2 * ars] * b
        c3 += A[pa + 3 * ars] * b
        pa += aks
        pb += bks
      }
      const q = cOff + i * ldc + j
      if (beta === 0) {
        C[q] = c0
        C[q + ldc] = c1
        C[q + 2 * ldc] = c2
        C[q + 3 * ldc] = c3
      } else {
        C[q] += c0
        C[q + ldc] += c1
        C[q + 2 * ldc] += c2
        C[q + 3 * ldc] += c3
      }
    }
  }
  // bottom edge: rows M4..M-1, 4 columns at a time, then the corner
  for (let i = M4; i < M; i++) {
    const pa0 = aOff + i * ars
    let j = 0
    for (; j < N4; j += 4) {
      let c0 = 0,
        c1 = 0,
        c2 = 0,
        c3 = 0
      let pa = pa0,
        pb = bOff + j * bns
      for (let k = 0; k < K; k++) {
        const a = A[pa]
        c0 += a * B[pb]
        c1 += a * B[pb + bns]
        c2 += a * B[pb + 2 * bns]
        c3 += a * B[pb + 3 * bns]
        pa += aks
        pb += bks
      }
      const q = cOff + i * ldc + j
      if (beta === 0) {
        C[q] = c0
        C[q + 1] = c1
        C[q + 2] = c2
        C[q + 3] = c3
      } else {
        C[q] += c0
        C[q + 1] += c1
        C[q + 2] += c2
        C[q + 3] += c3
      }
    }
    for (; j < N; j++) {
      let c = 0
      let pa = pa0,
        pb = bOff + j * bns
      for (let k = 0; k < K; k++) {
        c += A[pa] * B[pb]
        pa += aks
        pb += bks
      }
      const q = cOff + i * ldc + j
      if (beta === 0) C[q] = c
      else C[q] += c
    }
  }
}

/** Reference triple loop (tests only). */
export function gemmRef(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Arr,
  aOff: number,
  lda: number,
  B: Arr,
  bOff: number,
  ldb: number,
  beta: 0 | 1,
  C: Arr,
  cOff: number,
  ldc: number
): void {
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k]
        const b = transB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j]
        s += a * b
      }
      const q = cOff + i * ldc + j
      C[q] = beta === 0 ? s : C[q] + s
    }
}
