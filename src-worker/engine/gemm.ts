// The one matrix-product interface of the engine (BLAS-like sgemm/dgemm on flat row-major arrays).
// A later issue swaps the body for WebAssembly SIMD kernels; callers only see `gemm`.
//
//   C(M×N) = beta·C + op(A)(M×K) · op(B)(K×N),   beta ∈ {0, 1}
//   op(A) = A (row-major, leading dimension lda) or Aᵀ when transA (A stored K×M)
//   op(B) = B (row-major, ldb) or Bᵀ when transB (B stored N×K)
//
// Plain JS, register-blocked 4×4: 16 accumulators live in locals, each k step loads 4 values of
// op(A) and 4 of op(B). Arithmetic is in double precision whatever the array type; the result is
// rounded once when stored.

import type { Arr } from './arr.js';

export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Arr, aOff: number, lda: number,
  B: Arr, bOff: number, ldb: number,
  beta: 0 | 1, C: Arr, cOff: number, ldc: number,
): void {
  // element strides: op(A)[m][k] = A[aOff + m*ars + k*aks], op(B)[k][n] = B[bOff + k*bks + n*bns]
  const ars = transA ? 1 : lda, aks = transA ? lda : 1;
  const bks = transB ? 1 : ldb, bns = transB ? ldb : 1;
  const M4 = M - (M % 4), N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const pa0 = aOff + i * ars;
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pa = pa0, pb = bOff + j * bns;
      for (let k = 0; k < K; k++) {
        const a0 = A[pa], a1 = A[pa + ars], a2 = A[pa + 2 * ars], a3 = A[pa + 3 * ars];
        const b0 = B[pb], b1 = B[pb + bns], b2 = B[pb + 2 * bns], b3 = B[pb + 3 * bns];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        pa += aks; pb += bks;
      }
      const q0 = cOff + i * ldc + j, q1 = q0 + ldc, q2 = q1 + ldc, q3 = q2 + ldc;
      if (beta === 0) {
        C[q0] = c00; C[q0 + 1] = c01; C[q0 + 2] = c02; C[q0 + 3] = c03;
        C[q1] = c10; C[q1 + 1] = c11; C[q1 + 2] = c12; C[q1 + 3] = c13;
        C[q2] = c20; C[q2 + 1] = c21; C[q2 + 2] = c22; C[q2 + 3] = c23;
        C[q3] = c30; C[q3 + 1] = c31; C[q3 + 2] = c32; C[q3 + 3] = c33;
      } else {
        C[q0] += c00; C[q0 + 1] += c01; C[q0 + 2] += c02; C[q0 + 3] += c03;
        C[q1] += c10; C[q1 + 1] += c11; C[q1 + 2] += c12; C[q1 + 3] += c13;
        C[q2] += c20; C[q2 + 1] += c21; C[q2 + 2] += c22; C[q2 + 3] += c23;
        C[q3] += c30; C[q3 + 1] += c31; C[q3 + 2] += c32; C[q3 + 3] += c33;
      }
    }
    // right edge: columns N4..N-1, 4 rows at a time
    for (let j = N4; j < N; j++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let pa = pa0, pb = bOff + j * bns;
      for (let k = 0; k < K; k++) {
        const b = B[pb];
        c0 += A[pa] * b; c1 += A[pa + ars] * b; c2 += A[pa + 2 * ars] * b; c3 += A[pa + 3 * ars] * b;
        pa += aks; pb += bks;
      }
      const q = cOff + i * ldc + j;
      if (beta === 0) { C[q] = c0; C[q + ldc] = c1; C[q + 2 * ldc] = c2; C[q + 3 * ldc] = c3; }
      else { C[q] += c0; C[q + ldc] += c1; C[q + 2 * ldc] += c2; C[q + 3 * ldc] += c3; }
    }
  }
  // bottom edge: rows M4..M-1, 4 columns at a time, then the corner
  for (let i = M4; i < M; i++) {
    const pa0 = aOff + i * ars;
    let j = 0;
    for (; j < N4; j += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let pa = pa0, pb = bOff + j * bns;
      for (let k = 0; k < K; k++) {
        const a = A[pa];
        c0 += a * B[pb]; c1 += a * B[pb + bns]; c2 += a * B[pb + 2 * bns]; c3 += a * B[pb + 3 * bns];
        pa += aks; pb += bks;
      }
      const q = cOff + i * ldc + j;
      if (beta === 0) { C[q] = c0; C[q + 1] = c1; C[q + 2] = c2; C[q + 3] = c3; }
      else { C[q] += c0; C[q + 1] += c1; C[q + 2] += c2; C[q + 3] += c3; }
    }
    for (; j < N; j++) {
      let c = 0;
      let pa = pa0, pb = bOff + j * bns;
      for (let k = 0; k < K; k++) { c += A[pa] * B[pb]; pa += aks; pb += bks; }
      const q = cOff + i * ldc + j;
      if (beta === 0) C[q] = c; else C[q] += c;
    }
  }
}

/** Reference triple loop (tests only). */
export function gemmRef(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Arr, aOff: number, lda: number, B: Arr, bOff: number, ldb: number,
  beta: 0 | 1, C: Arr, cOff: number, ldc: number,
): void {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const a = transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
      const b = transB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j];
      s += a * b;
    }
    const q = cOff + i * ldc + j;
    C[q] = beta === 0 ? s : C[q] + s;
  }
}
