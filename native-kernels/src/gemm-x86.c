// x86-64 GEMM micro-kernels, each compiled for its own target and chosen at run time (cpu.c): AVX-512 (8×32: 16
// zmm accumulators, two panel loads and eight broadcasts per k) and AVX2+FMA (6×16: 12 ymm accumulators).
#include "gemm.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>

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

static const nk_gemm gemm_avx512 = {NK_AVX512, Z_MR, Z_NR, kernel_avx512};
static const nk_gemm gemm_avx2 = {NK_AVX2, Y_MR, Y_NR, kernel_avx2};

const nk_gemm *nk_gemm_avx512(void) { return &gemm_avx512; }
const nk_gemm *nk_gemm_avx2(void) { return &gemm_avx2; }

#else

const nk_gemm *nk_gemm_avx512(void) { return NULL; }
const nk_gemm *nk_gemm_avx2(void) { return NULL; }

#endif
