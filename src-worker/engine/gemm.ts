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
    aks = transA ? lda : 1
  for (let i = 0; i < M; i += 4) {
    const rows = Math.min(4, M - i)
    packSliver(A, aOff + i * ars + k0 * aks, ars, aks, rows, kc)
    sliverTimesPanels(pB, pbBase, kc, np, C, cOff + i * ldc + jp0 * 4, ldc, rows, N - jp0 * 4, acc)
  }
}

/** `rows` rows of op(A) from A[q0] (row stride ars, k stride aks) → packA[k·4 + r], zero-padded to 4 rows. */
function packSliver(A: Arr, q0: number, ars: number, aks: number, rows: number, kc: number): void {
  const pA = packA
  for (let r = 0; r < 4; r++) {
    if (r < rows) {
      let q = q0 + r * ars
      for (let k = 0; k < kc; k++) {
        pA[k * 4 + r] = A[q]
        q += aks
      }
    } else for (let k = 0; k < kc; k++) pA[k * 4 + r] = 0
  }
}

/** A 4×4 edge block of products, row-major (edgeBlock[r·4 + c]), before its valid part is stored. */
const edgeBlock = new Float64Array(16)

/**
 * The 4×4 micro-kernel: C[q0 + r·ldc + 4p + c] (+)= the A sliver in packA (k-major, 4 rows) · packed panel p
 * of B from pB[pbBase + p·4·kc] (k-major, 4 columns), for the np panels; only rows × n of the blocks are stored.
 */
function sliverTimesPanels(
  pB: Float64Array,
  pbBase: number,
  kc: number,
  np: number,
  C: Arr,
  q0: number,
  ldc: number,
  rows: number,
  n: number,
  acc: boolean
): void {
  // packA read as the module constant, not passed: V8 compiles the loop against that one array (measurably faster)
  const end = 4 * kc,
    pA = packA
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
    for (let pa = 0, pb = pbBase + p * end; pa < end; pa += 4, pb += 4) {
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
    const q = q0 + p * 4,
      cols = Math.min(4, n - p * 4)
    if (rows === 4 && cols === 4) {
      storeRow(C, q, acc, c00, c01, c02, c03)
      storeRow(C, q + ldc, acc, c10, c11, c12, c13)
      storeRow(C, q + 2 * ldc, acc, c20, c21, c22, c23)
      storeRow(C, q + 3 * ldc, acc, c30, c31, c32, c33)
    } else {
      // edge block: the whole block into scratch, then its valid part into C
      storeRow(edgeBlock, 0, false, c00, c01, c02, c03)
      storeRow(edgeBlock, 4, false, c10, c11, c12, c13)
      storeRow(edgeBlock, 8, false, c20, c21, c22, c23)
      storeRow(edgeBlock, 12, false, c30, c31, c32, c33)
      storeEdge(edgeBlock, C, q, ldc, rows, cols, acc)
    }
  }
}

/** out[q .. q+4) (+)= v0..v3 */
function storeRow(out: Arr, q: number, acc: boolean, v0: number, v1: number, v2: number, v3: number): void {
  if (acc) {
    out[q] += v0
    out[q + 1] += v1
    out[q + 2] += v2
    out[q + 3] += v3
  } else {
    out[q] = v0
    out[q + 1] = v1
    out[q + 2] = v2
    out[q + 3] = v3
  }
}

/** C[q0 + r·ldc + c] (+)= block[r·4 + c] for the valid rows × cols of an edge block. */
function storeEdge(block: Float64Array, C: Arr, q0: number, ldc: number, rows: number, cols: number, acc: boolean) {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const q = q0 + r * ldc + c
      if (acc) C[q] += block[r * 4 + c]
      else C[q] = block[r * 4 + c]
    }
}

/**
 * Unpacked strided product (small or thin operands), same contract as gemm: 4×4 register blocks, then the right
 * edge 4 rows × 1 column at a time, the bottom edge 1 row × 4 columns at a time, and the corner element-wise.
 */
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
  const s: Strides = {
    ars: transA ? 1 : lda,
    aks: transA ? lda : 1,
    bks: transB ? 1 : ldb,
    bns: transB ? ldb : 1,
    K
  }
  const M4 = M - (M % 4),
    N4 = N - (N % 4),
    acc = beta === 1
  for (let i = 0; i < M4; i += 4) {
    const pa = aOff + i * s.ars,
      q = cOff + i * ldc
    for (let j = 0; j < N4; j += 4) directMicroKernel(A, pa, B, bOff + j * s.bns, s, C, q + j, ldc, acc)
    for (let j = N4; j < N; j++) directColumn(A, pa, B, bOff + j * s.bns, s, C, q + j, ldc, acc)
  }
  for (let i = M4; i < M; i++) {
    const pa = aOff + i * s.ars,
      q = cOff + i * ldc
    let j = 0
    for (; j < N4; j += 4) directRow(A, pa, B, bOff + j * s.bns, s, C, q + j, acc)
    for (; j < N; j++) directDot(A, pa, B, bOff + j * s.bns, s, C, q + j, acc)
  }
}

/** gemmDirect's element strides of op(A) and op(B), and the inner dimension. */
interface Strides {
  ars: number
  aks: number
  bks: number
  bns: number
  K: number
}

/** C[q + r·ldc + c] (+)= op(A) row r (4 rows from A[pa0]) · op(B) column c (4 columns from B[pb0]), strided. */
function directMicroKernel(
  A: Arr,
  pa0: number,
  B: Arr,
  pb0: number,
  s: Strides,
  C: Arr,
  q: number,
  ldc: number,
  acc: boolean
): void {
  const { ars, aks, bks, bns, K } = s
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
    pb = pb0
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
  storeRow(C, q, acc, c00, c01, c02, c03)
  storeRow(C, q + ldc, acc, c10, c11, c12, c13)
  storeRow(C, q + 2 * ldc, acc, c20, c21, c22, c23)
  storeRow(C, q + 3 * ldc, acc, c30, c31, c32, c33)
}

/** C[q + r·ldc] (+)= op(A) row r (4 rows from A[pa0]) · one column of op(B) from B[pb0]. */
function directColumn(
  A: Arr,
  pa0: number,
  B: Arr,
  pb0: number,
  s: Strides,
  C: Arr,
  q: number,
  ldc: number,
  acc: boolean
) {
  const { ars, aks, bks, K } = s
  let c0 = 0,
    c1 = 0,
    c2 = 0,
    c3 = 0
  let pa = pa0,
    pb = pb0
  for (let k = 0; k < K; k++) {
    const b = B[pb]
    c0 += A[pa] * b
    c1 += A[pa + ars] * b
    c2 += A[pa + 2 * ars] * b
    c3 += A[pa + 3 * ars] * b
    pa += aks
    pb += bks
  }
  if (acc) {
    C[q] += c0
    C[q + ldc] += c1
    C[q + 2 * ldc] += c2
    C[q + 3 * ldc] += c3
  } else {
    C[q] = c0
    C[q + ldc] = c1
    C[q + 2 * ldc] = c2
    C[q + 3 * ldc] = c3
  }
}

/** C[q + c] (+)= one row of op(A) from A[pa0] · op(B) column c (4 columns from B[pb0]). */
function directRow(A: Arr, pa0: number, B: Arr, pb0: number, s: Strides, C: Arr, q: number, acc: boolean): void {
  const { aks, bks, bns, K } = s
  let c0 = 0,
    c1 = 0,
    c2 = 0,
    c3 = 0
  let pa = pa0,
    pb = pb0
  for (let k = 0; k < K; k++) {
    const a = A[pa]
    c0 += a * B[pb]
    c1 += a * B[pb + bns]
    c2 += a * B[pb + 2 * bns]
    c3 += a * B[pb + 3 * bns]
    pa += aks
    pb += bks
  }
  storeRow(C, q, acc, c0, c1, c2, c3)
}

/** C[q] (+)= one row of op(A) from A[pa0] · one column of op(B) from B[pb0]. */
function directDot(A: Arr, pa0: number, B: Arr, pb0: number, s: Strides, C: Arr, q: number, acc: boolean): void {
  const { aks, bks, K } = s
  let c = 0
  let pa = pa0,
    pb = pb0
  for (let k = 0; k < K; k++) {
    c += A[pa] * B[pb]
    pa += aks
    pb += bks
  }
  if (acc) C[q] += c
  else C[q] = c
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
