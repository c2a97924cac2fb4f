// x86-64 GEMM micro-kernels, each compiled for its own target and chosen at run time (cpu.c): AVX-512 (8×32: 16
// zmm accumulators, two panel loads and eight broadcasts per k) and AVX2+FMA (6×16: 12 ymm accumulators).
#include "gemm.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#include <string.h>

#define T512 __attribute__((target("avx512f,avx512vl,fma")))
#define T256 __attribute__((target("avx2,fma")))

enum { Z_MR = 8, Z_NR = 32, Y_MR = 6, Y_NR = 16 };

#define Z_ROW(r)                                                                                                   \
  {                                                                                                                \
    const __m512 x = _mm512_set1_ps(pa[r]);                                                                        \
    s##r##0 = _mm512_fmadd_ps(x, b0, s##r##0);                                                                     \
    s##r##1 = _mm512_fmadd_ps(x, b1, s##r##1);                                                                     \
  }
#define Z_OUT(r)                                                                                                   \
  {                                                                                                                \
    float *q = c + r * ldc;                                                                                        \
    if (acc) {                                                                                                     \
      s##r##0 = _mm512_add_ps(_mm512_loadu_ps(q), s##r##0);                                                        \
      s##r##1 = _mm512_add_ps(_mm512_loadu_ps(q + 16), s##r##1);                                                   \
    }                                                                                                              \
    _mm512_storeu_ps(q, s##r##0);                                                                                  \
    _mm512_storeu_ps(q + 16, s##r##1);                                                                             \
  }
#define Z_TILE(r)                                                                                                  \
  _mm512_store_ps(t + r * Z_NR, s##r##0);                                                                          \
  _mm512_store_ps(t + r * Z_NR + 16, s##r##1);

T512 static void kernel_avx512(int kc, const float *pa, const float *pb, float *c, ptrdiff_t ldc, int acc, int rows,
                               int c0, int c1) {
  __m512 s00 = _mm512_setzero_ps(), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
  __m512 s40 = s00, s41 = s00, s50 = s00, s51 = s00, s60 = s00, s61 = s00, s70 = s00, s71 = s00;
  for (int k = 0; k < kc; k++, pa += Z_MR, pb += Z_NR) {
    const __m512 b0 = _mm512_loadu_ps(pb), b1 = _mm512_loadu_ps(pb + 16);
    Z_ROW(0) Z_ROW(1) Z_ROW(2) Z_ROW(3) Z_ROW(4) Z_ROW(5) Z_ROW(6) Z_ROW(7)
  }
  if (rows == Z_MR && c0 == 0 && c1 == Z_NR) {
    Z_OUT(0) Z_OUT(1) Z_OUT(2) Z_OUT(3) Z_OUT(4) Z_OUT(5) Z_OUT(6) Z_OUT(7)
    return;
  }
  float t[Z_MR * Z_NR] __attribute__((aligned(64)));
  Z_TILE(0) Z_TILE(1) Z_TILE(2) Z_TILE(3) Z_TILE(4) Z_TILE(5) Z_TILE(6) Z_TILE(7)
  nk_store_tile(t, Z_NR, c, ldc, acc, rows, c0, c1);
}

#define Y_ROW(r)                                                                                                   \
  {                                                                                                                \
    const __m256 x = _mm256_broadcast_ss(pa + r);                                                                  \
    s##r##0 = _mm256_fmadd_ps(x, b0, s##r##0);                                                                     \
    s##r##1 = _mm256_fmadd_ps(x, b1, s##r##1);                                                                     \
  }
#define Y_OUT(r)                                                                                                   \
  {                                                                                                                \
    float *q = c + r * ldc;                                                                                        \
    if (acc) {                                                                                                     \
      s##r##0 = _mm256_add_ps(_mm256_loadu_ps(q), s##r##0);                                                        \
      s##r##1 = _mm256_add_ps(_mm256_loadu_ps(q + 8), s##r##1);                                                    \
    }                                                                                                              \
    _mm256_storeu_ps(q, s##r##0);                                                                                  \
    _mm256_storeu_ps(q + 8, s##r##1);                                                                              \
  }
#define Y_TILE(r)                                                                                                  \
  _mm256_store_ps(t + r * Y_NR, s##r##0);                                                                          \
  _mm256_store_ps(t + r * Y_NR + 8, s##r##1);

T256 static void kernel_avx2(int kc, const float *pa, const float *pb, float *c, ptrdiff_t ldc, int acc, int rows,
                             int c0, int c1) {
  __m256 s00 = _mm256_setzero_ps(), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00;
  __m256 s30 = s00, s31 = s00, s40 = s00, s41 = s00, s50 = s00, s51 = s00;
  for (int k = 0; k < kc; k++, pa += Y_MR, pb += Y_NR) {
    const __m256 b0 = _mm256_loadu_ps(pb), b1 = _mm256_loadu_ps(pb + 8);
    Y_ROW(0) Y_ROW(1) Y_ROW(2) Y_ROW(3) Y_ROW(4) Y_ROW(5)
  }
  if (rows == Y_MR && c0 == 0 && c1 == Y_NR) {
    Y_OUT(0) Y_OUT(1) Y_OUT(2) Y_OUT(3) Y_OUT(4) Y_OUT(5)
    return;
  }
  float t[Y_MR * Y_NR] __attribute__((aligned(32)));
  Y_TILE(0) Y_TILE(1) Y_TILE(2) Y_TILE(3) Y_TILE(4) Y_TILE(5)
  nk_store_tile(t, Y_NR, c, ldc, acc, rows, c0, c1);
}

/** Columns k..k+7 of 8 rows (rows[r] + k) as 8 vectors o[kk] = (row 0 … row 7 at k+kk). */
T256 static inline void transpose8(const __m256 r[8], __m256 o[8]) {
  __m256 t[8], u[8];
  for (int p = 0; p < 4; p++) {
    t[2 * p] = _mm256_unpacklo_ps(r[2 * p], r[2 * p + 1]);
    t[2 * p + 1] = _mm256_unpackhi_ps(r[2 * p], r[2 * p + 1]);
  }
  for (int h = 0; h < 2; h++) {
    const __m256 *q = t + 4 * h;
    u[4 * h] = _mm256_shuffle_ps(q[0], q[2], 0x44);
    u[4 * h + 1] = _mm256_shuffle_ps(q[0], q[2], 0xEE);
    u[4 * h + 2] = _mm256_shuffle_ps(q[1], q[3], 0x44);
    u[4 * h + 3] = _mm256_shuffle_ps(q[1], q[3], 0xEE);
  }
  for (int c = 0; c < 4; c++) {
    o[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    o[4 + c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

/**
 * pack_a for mr ≤ 8 rows with AVX: row-major op(A) by 8×8 transposes (rows mr..7 zero; each column is stored as
 * 8 floats at pa + k·mr in ascending k, so the next column overwrites the extra ones: ≤ 2 floats past the end),
 * transposed op(A) by copying mr floats per k.
 */
T256 static inline void pack_a_avx(int mr, float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc) {
  if (i + mr > M) {
    nk_pack_a(mr, pa, tA, a, lda, M, i, k0, kc);
    return;
  }
  if (tA) {
    const float *s = a + (ptrdiff_t)k0 * lda + i;
    if (mr == 8)
      for (int k = 0; k < kc; k++, s += lda) _mm256_storeu_ps(pa + (size_t)k * 8, _mm256_loadu_ps(s));
    else
      for (int k = 0; k < kc; k++, s += lda) memcpy(pa + (size_t)k * mr, s, (size_t)mr * sizeof(float));
    return;
  }
  const float *row[8];
  for (int r = 0; r < 8; r++) row[r] = r < mr ? a + (ptrdiff_t)(i + r) * lda + k0 : NULL;
  int k = 0;
  for (; k + 8 <= kc; k += 8) {
    __m256 v[8], o[8];
    for (int r = 0; r < 8; r++) v[r] = row[r] ? _mm256_loadu_ps(row[r] + k) : _mm256_setzero_ps();
    transpose8(v, o);
    for (int c = 0; c < 8; c++) _mm256_storeu_ps(pa + (size_t)(k + c) * mr, o[c]);
  }
  for (; k < kc; k++)
    for (int r = 0; r < mr; r++) pa[(size_t)k * mr + r] = row[r][k];
}

T256 static void pack_a_8(float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc) {
  pack_a_avx(8, pa, tA, a, lda, M, i, k0, kc);
}
T256 static void pack_a_6(float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc) {
  pack_a_avx(6, pa, tA, a, lda, M, i, k0, kc);
}

static const nk_gemm gemm_avx512 = {NK_AVX512, Z_MR, Z_NR, kernel_avx512, pack_a_8};
static const nk_gemm gemm_avx2 = {NK_AVX2, Y_MR, Y_NR, kernel_avx2, pack_a_6};

const nk_gemm *nk_gemm_avx512(void) { return &gemm_avx512; }
const nk_gemm *nk_gemm_avx2(void) { return &gemm_avx2; }

#else

const nk_gemm *nk_gemm_avx512(void) { return NULL; }
const nk_gemm *nk_gemm_avx2(void) { return NULL; }

#endif
