// gemm.ts's float32 branch: the same contract (C = beta·C + op(A)·op(B)) on the WASM SIMD kernels. Operands
// that are WASM views are used in place; others are staged (copied in, and C copied back), which only pays
// for products of at least MIN_STAGED multiply-adds. Returns false when the caller should use its JS kernels.

import { allocBytes, free, inWasm, wasm } from './runtime.js'
import { mm, mmPacked } from './pool.js'
import { Stage } from './stage.js'

const stage = wasm ? new Stage(wasm) : null
const MIN_STAGED = 8192

function span(rows: number, cols: number, ld: number): number {
  return rows <= 0 || cols <= 0 ? 0 : (rows - 1) * ld + cols
}

type F = Float32Array | Float64Array

export function sgemmWasm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: F,
  aOff: number,
  lda: number,
  B: F,
  bOff: number,
  ldb: number,
  beta: 0 | 1,
  C: F,
  cOff: number,
  ldc: number
): boolean {
  if (!wasm || !(A instanceof Float32Array) || !(B instanceof Float32Array) || !(C instanceof Float32Array))
    return false
  const direct = inWasm(A) && inWasm(B) && inWasm(C)
  if (!direct && M * N * K < MIN_STAGED) return false
  const s = stage as Stage
  s.reset()
  const nC = span(M, N, ldc)
  const pa = s.ptrIn(A, aOff, span(transA ? K : M, transA ? M : K, lda))
  const pb = s.ptrIn(B, bOff, span(transB ? N : K, transB ? K : N, ldb))
  const pc = s.ptrIn(C, cOff, nC)
  mm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, pa, lda, pb, ldb, beta, pc, ldc)
  s.copyOut(C, cOff, nC, pc)
  return true
}

/** A float32 op(B) packed in the WASM memory (gemm.ts keeps it on its PackedB). */
export interface WasmPackedB {
  ptr: number
  floats: number
}

const reclaim =
  typeof FinalizationRegistry !== 'undefined' ? new FinalizationRegistry<number>((ptr) => free(ptr)) : null

/** Pack op(B) (K×N) into `prev` when big enough, else into a new block owned by `owner` (freed with it). */
export function packBWasm(
  owner: object,
  prev: WasmPackedB | undefined,
  transB: boolean,
  K: number,
  N: number,
  B: Float32Array,
  bOff: number,
  ldb: number
): WasmPackedB {
  const rt = wasm as NonNullable<typeof wasm>
  const need = rt.k.packedSize(K, N)
  let pk = prev
  if (!pk || pk.floats < need) {
    pk = { ptr: allocBytes(Math.max(1, need) * 4), floats: need }
    reclaim?.register(owner, pk.ptr)
  }
  const s = stage as Stage
  s.reset()
  const pb = s.ptrIn(B, bOff, span(transB ? N : K, transB ? K : N, ldb))
  rt.k.packB(transB ? 1 : 0, K, N, pb, ldb, pk.ptr)
  return pk
}

/** C = beta·C + op(A) · packed op(B) (K×N). */
export function sgemmPackedWasm(
  transA: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  pk: WasmPackedB,
  beta: 0 | 1,
  C: Float32Array,
  cOff: number,
  ldc: number
): void {
  const s = stage as Stage
  s.reset()
  const nC = span(M, N, ldc)
  const pa = s.ptrIn(A, aOff, span(transA ? K : M, transA ? M : K, lda))
  const pc = s.ptrIn(C, cOff, nC)
  mmPacked(transA ? 1 : 0, M, N, K, pa, lda, pk.ptr, beta, pc, ldc)
  s.copyOut(C, cOff, nC, pc)
}

/** True when the WASM kernels are loaded. */
export function wasmReady(): boolean {
  return wasm !== null
}
