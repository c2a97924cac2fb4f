/* Checks the GEMM of every path this CPU runs without Node: nk_sgemm, and nk_pack_b + nk_sgemm_packed_panels
 * split in two column ranges, on odd shapes, every transpose and beta, padded leading dimensions, against a
 * double reference (|C − C_ref| ≤ 4·K·2⁻²⁴·(|op(A)|·|op(B)| + beta·|C₀|) element-wise, gaps between rows of C
 * untouched), the split packed product giving the unpacked product's bits. Runs the NEON path on an x86
 * machine under emulation (README.md, "Checking the kernels without Node"). Exit status 1 on a mismatch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"

static unsigned seed = 12345;
static float rnd(void) {
  seed = seed * 1103515245u + 12345u;
  return ((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
}
static int pick(int n) {
  seed = seed * 1103515245u + 12345u;
  return (int)((seed >> 8) % (unsigned)n);
}

static float *fill(size_t n) {
  float *p = malloc(n * sizeof(float) + 64);
  for (size_t i = 0; i < n; i++) p[i] = rnd();
  return p;
}

static int check(const nk_gemm *g, int tA, int tB, int M, int N, int K, int beta, void *work) {
  const int lda = (tA ? M : K) + pick(3), ldb = (tB ? K : N) + pick(3), ldc = N + pick(3);
  float *A = fill((size_t)(tA ? K : M) * lda), *B = fill((size_t)(tB ? N : K) * ldb), *C0 = fill((size_t)M * ldc);
  float *C = malloc((size_t)M * ldc * 4 + 64), *P = malloc((size_t)M * ldc * 4 + 64);
  memcpy(C, C0, (size_t)M * ldc * 4), memcpy(P, C0, (size_t)M * ldc * 4);
  nk_sgemm(g, tA, tB, M, N, K, A, lda, B, ldb, beta, C, ldc, work);
  float *pk = malloc(nk_packed_size(g, K, N) * 4 + 64);
  nk_pack_b(g, tB, K, N, B, ldb, pk);
  const int cols = (N + 7) / 8, cut = pick(cols + 1);
  nk_sgemm_packed_panels(g, tA, M, N, K, A, lda, pk, beta, P, ldc, work, 0, cut);
  nk_sgemm_packed_panels(g, tA, M, N, K, A, lda, pk, beta, P, ldc, work, cut, cols);
  int bad = memcmp(C, P, (size_t)M * ldc * 4) != 0;
  for (int i = 0; i < M && !bad; i++)
    for (int j = 0; j < ldc && !bad; j++) {
      const size_t e = (size_t)i * ldc + j;
      if (j >= N) {
        bad = C[e] != C0[e];
        continue;
      }
      double ref = beta ? C0[e] : 0, mag = beta ? fabs(C0[e]) : 0;
      for (int k = 0; k < K; k++) {
        const double a = tA ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
        const double b = tB ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
        ref += a * b, mag += fabs(a * b);
      }
      bad = fabs(C[e] - ref) > 4.0 * (K > 1 ? K : 1) * ldexp(1, -24) * mag + 1e-30;
    }
  if (bad) printf("%s: mismatch tA=%d tB=%d M=%d N=%d K=%d beta=%d\n", nk_isa_name(g->isa), tA, tB, M, N, K, beta);
  free(A), free(B), free(C0), free(C), free(P), free(pk);
  return bad;
}

int main(void) {
  static const int sizes[] = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 47, 64, 65, 100, 257, 300};
  const int ns = sizeof sizes / sizeof *sizes;
  void *work = malloc(nk_work_bytes());
  int fails = 0, checked = 0;
  for (int i = 0; i < NK_ISAS; i++) {
    const nk_gemm *g = nk_gemm_for((nk_isa)i);
    if (!g || !nk_isa_supported((nk_isa)i)) continue;
    for (int t = 0; t < 60; t++)
      fails += check(g, t & 1, (t >> 1) & 1, sizes[pick(ns)], sizes[pick(ns)], t == 0 ? 0 : sizes[pick(ns)],
                     (t >> 2) & 1, work);
    printf("%s: GEMM checked against the double reference\n", nk_isa_name((nk_isa)i));
    checked++;
  }
  printf("%d path(s) checked, %d mismatch(es)\n", checked, fails);
  free(work);
  return fails != 0;
}
