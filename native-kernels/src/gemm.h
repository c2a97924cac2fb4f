// Float32 GEMM of the native kernel library, the contract of assembly/kernels.ts's sgemm / packB / sgemmPacked:
//   C(M×N) = beta·C + op(A)(M×K) · op(B)(K×N),  op(A) = A (lda) or Aᵀ (A stored K×M), op(B) = B (ldb) or Bᵀ
//   (B stored N×K); beta is 0 (overwrite) or 1 (accumulate). Row-major, leading dimensions in elements.
// Packed, blocked GotoBLAS-style: K in chunks of NK_KC, op(B) packed in panels of `nr` columns (zero-padded),
// op(A) in slivers of `mr` rows, and a micro-kernel of mr×nr accumulators per instruction-set path
// (AVX-512 8×32, AVX2+FMA 6×16, NEON 4×16, portable C 4×16).
// Every element is summed in a fixed order (k ascending within a chunk, one chunk after another, C added once
// per chunk), whichever rows or panels a call covers: the same path gives the same bits for any split of a
// product into row ranges or column ranges. The FMA paths (AVX-512, AVX2, NEON) round like each other
// (one rounding per multiply-add); the portable C path rounds the product and the sum separately.
// The packed layout belongs to a path: a packB result is only for sgemmPacked calls of the same context.
#ifndef NK_GEMM_H
#define NK_GEMM_H

#include "nk.h"

#define NK_KC 256 /* k chunk */
#define NK_NC 512 /* columns of op(B) per packed block of sgemm (a multiple of every nr) */
#define NK_MC 240  /* rows of op(A) per packed block (a multiple of every mr) */

typedef void (*nk_ukernel)(int kc, const float *pa, const float *pb, float *c, ptrdiff_t ldc, int acc, int rows,
                           int c0, int c1);

/** A path's GEMM: its micro-kernel and tile. */
typedef struct nk_gemm {
  nk_isa isa;
  int mr, nr;
  /**
   * C tile (rows 0..rows, columns c0..c1 of an mr×nr tile at c) (+)= pa · pb over kc steps, pa an op(A)
   * sliver (pa[k·mr + r]), pb a panel (pb[k·nr + j]); acc = 0 stores, 1 adds the sum to C.
   */
  nk_ukernel kernel;
  /** Packs op(A)[i : i+mr, k0 : k0+kc] into pa[k·mr + r] (rows past M zero); writes at most 16 floats past. */
  void (*pack_a)(float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc);
} nk_gemm;

/** The GEMM of a path (NULL when the library was built without it). */
const nk_gemm *nk_gemm_for(nk_isa isa);

/** Bytes of scratch `work` every call below needs (64-byte aligned). */
size_t nk_work_bytes(void);

/** Floats of op(B) (K×N) packed by nk_pack_b. */
size_t nk_packed_size(const nk_gemm *g, int K, int N);

void nk_sgemm(const nk_gemm *g, int tA, int tB, int M, int N, int K, const float *a, int lda, const float *b, int ldb,
              int beta, float *c, int ldc, void *work);

/** Packs op(B) (K×N) into dst (nk_packed_size floats) for nk_sgemm_packed. */
void nk_pack_b(const nk_gemm *g, int tB, int K, int N, const float *b, int ldb, float *dst);

/** C = beta·C + op(A) · op(B), op(B) packed by nk_pack_b. */
void nk_sgemm_packed(const nk_gemm *g, int tA, int M, int N, int K, const float *a, int lda, const float *pb, int beta,
                     float *c, int ldc, void *work);

/**
 * nk_sgemm_packed restricted to the columns [8·pFrom, min(N, 8·pTo)) of C (8-column units, as in
 * assembly/kernels.ts): two threads split a product this way.
 */
void nk_sgemm_packed_panels(const nk_gemm *g, int tA, int M, int N, int K, const float *a, int lda, const float *pb,
                            int beta, float *c, int ldc, void *work, int pFrom, int pTo);

/** The portable pack_a of a path with `mr`-row slivers (path pack_a functions fall back to it at edges). */
void nk_pack_a(int mr, float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc);

/** Micro-kernel helper: writes rows [0, rows) and columns [c0, c1) of an mr×nr tile of sums t (row stride nr). */
void nk_store_tile(const float *t, int nr, float *c, ptrdiff_t ldc, int acc, int rows, int c0, int c1);

#endif
