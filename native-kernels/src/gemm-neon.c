// AArch64 GEMM micro-kernel (Advanced SIMD, 4×16: 16 q-register accumulators, lane-indexed multiply-adds).
// Written for arm64 machines; the x86-64 machines this project is tested on compile only the stub below.
#include "gemm.h"

#ifdef __aarch64__
#include <arm_neon.h>

enum { N_MR = 4, N_NR = 16 };

static void kernel_neon(int kc, const float *pa, const float *pb, float *c, ptrdiff_t ldc, int acc, int rows, int c0,
                        int c1) {
  float32x4_t s[N_MR][4];
  for (int r = 0; r < N_MR; r++)
    for (int j = 0; j < 4; j++) s[r][j] = vdupq_n_f32(0.0f);
  for (int k = 0; k < kc; k++, pa += N_MR, pb += N_NR) {
    const float32x4_t a = vld1q_f32(pa);
    const float32x4_t b0 = vld1q_f32(pb), b1 = vld1q_f32(pb + 4), b2 = vld1q_f32(pb + 8), b3 = vld1q_f32(pb + 12);
#define N_ROW(r)                                                                                                   \
  s[r][0] = vfmaq_laneq_f32(s[r][0], b0, a, r);                                                                    \
  s[r][1] = vfmaq_laneq_f32(s[r][1], b1, a, r);                                                                    \
  s[r][2] = vfmaq_laneq_f32(s[r][2], b2, a, r);                                                                    \
  s[r][3] = vfmaq_laneq_f32(s[r][3], b3, a, r);
    N_ROW(0) N_ROW(1) N_ROW(2) N_ROW(3)
#undef N_ROW
  }
  float t[N_MR * N_NR];
  for (int r = 0; r < N_MR; r++)
    for (int j = 0; j < 4; j++) vst1q_f32(t + r * N_NR + 4 * j, s[r][j]);
  nk_store_tile(t, N_NR, c, ldc, acc, rows, c0, c1);
}

static void pack_a_neon(float *pa, int tA, const float *a, int lda, int M, int i, int k0, int kc) {
  nk_pack_a(N_MR, pa, tA, a, lda, M, i, k0, kc);
}

static const nk_gemm gemm_neon = {NK_NEON, N_MR, N_NR, kernel_neon, pack_a_neon};
const nk_gemm *nk_gemm_neon(void) { return &gemm_neon; }

#else

const nk_gemm *nk_gemm_neon(void) { return NULL; }

#endif
