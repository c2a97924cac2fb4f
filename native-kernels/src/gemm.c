// The GEMM driver (blocking and packing, shared by every path) and the portable C micro-kernel.
// See gemm.h for the contract and the summation order.
#include "gemm.h"

#include <string.h>

#define NK_WORK_A (NK_MC * NK_KC + 16) /* floats of a packed block of op(A), and pack_a's overrun */

size_t nk_work_bytes(void) { return (size_t)(NK_WORK_A + NK_KC * NK_NC) * sizeof(float) + 64; }

static int imin(int a, int b) { return a < b ? a : b; }
static int imax(int a, int b) { return a > b ? a : b; }
static int panels(const nk_gemm *g, int N) { return (N + g->nr - 1) / g->nr; }

size_t nk_packed_size(const nk_gemm *g, int K, int N) {
  return K <= 0 || N <= 0 ? 0 : (size_t)panels(g, N) * (size_t)g->nr * (size_t)K;
}

/** Columns [j0, j0 + np·nr) of op(B)[k0 : k0+kc, :] → dst (panel q at q·nr·kc, element (k, j) at k·nr + j). */
static void pack_b(const nk_gemm *g, float *dst, int tB, const float *b, int ldb, int N, int k0, int kc, int j0,
                   int np) {
  const int nr = g->nr;
  for (int q = 0; q < np; q++) {
    float *o = dst + (size_t)q * nr * kc;
    const int j = j0 + q * nr, w = imax(0, imin(nr, N - j));
    if (!tB) {
      for (int k = 0; k < kc; k++) {
        const float *s = b + (ptrdiff_t)(k0 + k) * ldb + j;
        float *d = o + (size_t)k * nr;
        memcpy(d, s, (size_t)w * sizeof(float));
        for (int x = w; x < nr; x++) d[x] = 0.0f;
      }
    } else {
      for (int x = 0; x < nr; x++) {
        if (x < w) {
          const float *s = b + (ptrdiff_t)(j + x) * ldb + k0;
          for (int k = 0; k < kc; k++) o[(size_t)k * nr + x] = s[k];
        } else
          for (int k = 0; k < kc; k++) o[(size_t)k * nr + x] = 0.0f;
      }
    }
  }
}

/** op(A)[i : i+mr, k0 : k0+kc] → pa[k·mr + r], zero rows past M. */
void nk_pack_a(int mr, float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc) {
  const int rows = imin(mr, M - i);
  if (tA) {
    for (int k = 0; k < kc; k++) {
      const float *s = a + (ptrdiff_t)(k0 + k) * lda + i;
      float *d = pa + (size_t)k * mr;
      for (int r = 0; r < rows; r++) d[r] = s[r];
      for (int r = rows; r < mr; r++) d[r] = 0.0f;
    }
    return;
  }
  for (int r = 0; r < mr; r++) {
    if (r < rows) {
      const float *s = a + (ptrdiff_t)(i + r) * lda + k0;
      for (int k = 0; k < kc; k++) pa[(size_t)k * mr + r] = s[k];
    } else
      for (int k = 0; k < kc; k++) pa[(size_t)k * mr + r] = 0.0f;
  }
}

/**
 * C[:, cFrom..cTo) (+)= op(A)[:, k0 : k0+kc] · np packed panels at pb, the first starting at column j0
 * (columns of a panel outside [cFrom, cTo) are computed but not written). Rows go in blocks of NK_MC, packed
 * as slivers of mr rows (L2); each panel (L1) then meets every sliver of the block in turn.
 */
static void block(const nk_gemm *g, int tA, int M, const float *a, int lda, int k0, int kc, const float *pb, int j0,
                  int np, int cFrom, int cTo, int acc, float *c, int ldc, float *pa) {
  const int mr = g->mr, nr = g->nr;
  for (int i0 = 0; i0 < M; i0 += NK_MC) {
    const int mb = imin(NK_MC, M - i0);
    for (int i = 0; i < mb; i += mr) g->pack_a(pa + (size_t)i * kc, tA, a, lda, M, i0 + i, k0, kc);
    for (int q = 0; q < np; q++) {
      const int j = j0 + q * nr, lo = imax(cFrom, j) - j, hi = imin(cTo, j + nr) - j;
      if (hi <= lo) continue;
      const float *panel = pb + (size_t)q * nr * kc;
      for (int i = 0; i < mb; i += mr)
        g->kernel(kc, pa + (size_t)i * kc, panel, c + (ptrdiff_t)(i0 + i) * ldc + j, ldc, acc, imin(mr, mb - i), lo,
                  hi);
    }
  }
}

static void zero_cols(int M, float *c, int ldc, int c0, int c1) {
  for (int i = 0; i < M; i++) memset(c + (ptrdiff_t)i * ldc + c0, 0, (size_t)(c1 - c0) * sizeof(float));
}

static float *aligned(void *work, size_t floats) {
  uintptr_t p = ((uintptr_t)work + 63) & ~(uintptr_t)63;
  return (float *)p + floats;
}

void nk_sgemm(const nk_gemm *g, int tA, int tB, int M, int N, int K, const float *a, int lda, const float *b, int ldb,
              int beta, float *c, int ldc, void *work) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!beta) zero_cols(M, c, ldc, 0, N);
    return;
  }
  float *pa = aligned(work, 0), *pbuf = aligned(work, NK_WORK_A);
  const int npb = NK_NC / g->nr;
  for (int k0 = 0; k0 < K; k0 += NK_KC) {
    const int kc = imin(NK_KC, K - k0);
    for (int j0 = 0; j0 < N; j0 += NK_NC) {
      const int np = imin(npb, panels(g, N - j0));
      pack_b(g, pbuf, tB, b, ldb, N, k0, kc, j0, np);
      block(g, tA, M, a, lda, k0, kc, pbuf, j0, np, j0, imin(N, j0 + NK_NC), beta || k0 > 0, c, ldc, pa);
    }
  }
}

void nk_pack_b(const nk_gemm *g, int tB, int K, int N, const float *b, int ldb, float *dst) {
  const int NP = panels(g, N);
  for (int k0 = 0; k0 < K; k0 += NK_KC)
    pack_b(g, dst + (size_t)k0 * NP * g->nr, tB, b, ldb, N, k0, imin(NK_KC, K - k0), 0, NP);
}

void nk_sgemm_packed_panels(const nk_gemm *g, int tA, int M, int N, int K, const float *a, int lda, const float *pb,
                            int beta, float *c, int ldc, void *work, int pFrom, int pTo) {
  const int cFrom = imax(0, 8 * pFrom), cTo = imin(N, 8 * pTo);
  if (M <= 0 || N <= 0 || cFrom >= cTo) return;
  if (K <= 0) {
    if (!beta) zero_cols(M, c, ldc, cFrom, cTo);
    return;
  }
  float *pa = aligned(work, 0);
  const int nr = g->nr, NP = panels(g, N), P0 = cFrom / nr, P1 = (cTo + nr - 1) / nr, npb = NK_NC / nr;
  for (int k0 = 0; k0 < K; k0 += NK_KC) {
    const int kc = imin(NK_KC, K - k0);
    const float *base = pb + (size_t)k0 * NP * nr;
    for (int p = P0; p < P1; p += npb)
      block(g, tA, M, a, lda, k0, kc, base + (size_t)p * nr * kc, p * nr, imin(npb, P1 - p), cFrom, cTo,
            beta || k0 > 0, c, ldc, pa);
  }
}

void nk_sgemm_packed(const nk_gemm *g, int tA, int M, int N, int K, const float *a, int lda, const float *pb, int beta,
                     float *c, int ldc, void *work) {
  nk_sgemm_packed_panels(g, tA, M, N, K, a, lda, pb, beta, c, ldc, work, 0, (N + 7) / 8);
}

/** Writes an mr×nr tile of sums t to C: rows [0, rows), columns [c0, c1), adding to C when acc. */
void nk_store_tile(const float *t, int nr, float *c, ptrdiff_t ldc, int acc, int rows, int c0, int c1) {
  for (int r = 0; r < rows; r++) {
    float *q = c + r * ldc;
    const float *s = t + (size_t)r * nr;
    if (acc)
      for (int j = c0; j < c1; j++) q[j] = q[j] + s[j];
    else
      for (int j = c0; j < c1; j++) q[j] = s[j];
  }
}

/* The portable path: 4×16, product and sum rounded separately (the build sets -ffp-contract=off). */
enum { C_MR = 4, C_NR = 16 };

static void kernel_c(int kc, const float *pa, const float *pb, float *c, ptrdiff_t ldc, int acc, int rows, int c0,
                     int c1) {
  float t[C_MR * C_NR] = {0};
  for (int k = 0; k < kc; k++, pa += C_MR, pb += C_NR)
    for (int r = 0; r < C_MR; r++) {
      const float x = pa[r];
      for (int j = 0; j < C_NR; j++) t[r * C_NR + j] += x * pb[j];
    }
  nk_store_tile(t, C_NR, c, ldc, acc, rows, c0, c1);
}

static void pack_a_c(float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc) {
  nk_pack_a(C_MR, pa, tA, a, lda, M, i, k0, kc);
}

static const nk_gemm gemm_c = {NK_C, C_MR, C_NR, kernel_c, pack_a_c};

const nk_gemm *nk_gemm_avx512(void);
const nk_gemm *nk_gemm_avx2(void);
const nk_gemm *nk_gemm_neon(void);

const nk_gemm *nk_gemm_for(nk_isa isa) {
  switch (isa) {
  case NK_AVX512:
    return nk_gemm_avx512();
  case NK_AVX2:
    return nk_gemm_avx2();
  case NK_NEON:
    return nk_gemm_neon();
  case NK_C:
    return &gemm_c;
  default:
    return NULL;
  }
}
