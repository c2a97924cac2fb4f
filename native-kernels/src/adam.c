/* Adam (no AMSGrad) over float32 slabs in double arithmetic: every float operand widened, the operations of
 * engine/optim.ts's loop in its order, each stored value rounded to float and read back rounded, so the result is
 * bit-identical to the TypeScript loop and to assembly/kernels.ts adamStep. Compiled with -ffp-contract=off (a
 * fused multiply-add would change the bits). Per target: AVX-512 (8 doubles), AVX2 (4), then the scalar loop. */
#include <math.h>
#include <stddef.h>
#include "port.h"

#define ADAM_SCALAR(i)                                                                           \
  do {                                                                                           \
    const double pv = (double)p[i], gi = (double)g[i] + wd * pv;                                 \
    m[i] = (float)(b1 * (double)m[i] + (1 - b1) * gi);                                           \
    v[i] = (float)(b2 * (double)v[i] + (1 - b2) * gi * gi);                                      \
    p[i] = (float)(pv - stepSize * ((double)m[i] / (sqrt((double)v[i]) / bc2 + eps)));           \
  } while (0)

static void adam_scalar(float *p, const float *g, float *m, float *v, int n, double stepSize, double bc2, double b1,
                        double b2, double eps, double wd) {
  for (int i = 0; i < n; i++) ADAM_SCALAR(i);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static void adam_avx512(float *p, const float *g, float *m, float *v, int n,
                                                            double stepSize, double bc2, double b1, double b2,
                                                            double eps, double wd) {
  const __m512d B1 = _mm512_set1_pd(b1), B2 = _mm512_set1_pd(b2), C1 = _mm512_set1_pd(1 - b1);
  const __m512d C2 = _mm512_set1_pd(1 - b2), WD = _mm512_set1_pd(wd), S = _mm512_set1_pd(stepSize);
  const __m512d BC2 = _mm512_set1_pd(bc2), EPS = _mm512_set1_pd(eps);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d pv = _mm512_cvtps_pd(_mm256_loadu_ps(p + i));
    const __m512d gi = _mm512_add_pd(_mm512_cvtps_pd(_mm256_loadu_ps(g + i)), _mm512_mul_pd(WD, pv));
    const __m256 mf = _mm512_cvtpd_ps(
        _mm512_add_pd(_mm512_mul_pd(B1, _mm512_cvtps_pd(_mm256_loadu_ps(m + i))), _mm512_mul_pd(C1, gi)));
    const __m256 vf = _mm512_cvtpd_ps(_mm512_add_pd(_mm512_mul_pd(B2, _mm512_cvtps_pd(_mm256_loadu_ps(v + i))),
                                                    _mm512_mul_pd(_mm512_mul_pd(C2, gi), gi)));
    _mm256_storeu_ps(m + i, mf);
    _mm256_storeu_ps(v + i, vf);
    const __m512d den = _mm512_add_pd(_mm512_div_pd(_mm512_sqrt_pd(_mm512_cvtps_pd(vf)), BC2), EPS);
    const __m512d step = _mm512_mul_pd(S, _mm512_div_pd(_mm512_cvtps_pd(mf), den));
    _mm256_storeu_ps(p + i, _mm512_cvtpd_ps(_mm512_sub_pd(pv, step)));
  }
  for (; i < n; i++) ADAM_SCALAR(i);
}

__attribute__((target("avx2"))) static void adam_avx2(float *p, const float *g, float *m, float *v, int n,
                                                       double stepSize, double bc2, double b1, double b2,
                                                       double eps, double wd) {
  const __m256d B1 = _mm256_set1_pd(b1), B2 = _mm256_set1_pd(b2), C1 = _mm256_set1_pd(1 - b1);
  const __m256d C2 = _mm256_set1_pd(1 - b2), WD = _mm256_set1_pd(wd), S = _mm256_set1_pd(stepSize);
  const __m256d BC2 = _mm256_set1_pd(bc2), EPS = _mm256_set1_pd(eps);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d pv = _mm256_cvtps_pd(_mm_loadu_ps(p + i));
    const __m256d gi = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(g + i)), _mm256_mul_pd(WD, pv));
    const __m128 mf =
        _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(B1, _mm256_cvtps_pd(_mm_loadu_ps(m + i))), _mm256_mul_pd(C1, gi)));
    const __m128 vf = _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(B2, _mm256_cvtps_pd(_mm_loadu_ps(v + i))),
                                                    _mm256_mul_pd(_mm256_mul_pd(C2, gi), gi)));
    _mm_storeu_ps(m + i, mf);
    _mm_storeu_ps(v + i, vf);
    const __m256d den = _mm256_add_pd(_mm256_div_pd(_mm256_sqrt_pd(_mm256_cvtps_pd(vf)), BC2), EPS);
    const __m256d step = _mm256_mul_pd(S, _mm256_div_pd(_mm256_cvtps_pd(mf), den));
    _mm_storeu_ps(p + i, _mm256_cvtpd_ps(_mm256_sub_pd(pv, step)));
  }
  for (; i < n; i++) ADAM_SCALAR(i);
}
#endif

void port_adam(nk_isa isa, float *p, const float *g, float *m, float *v, int n, double stepSize, double bc2,
               double b1, double b2, double eps, double wd) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (isa == NK_AVX512) return adam_avx512(p, g, m, v, n, stepSize, bc2, b1, b2, eps, wd);
  if (isa == NK_AVX2) return adam_avx2(p, g, m, v, n, stepSize, bc2, b1, b2, eps, wd);
#endif
  (void)isa;
  adam_scalar(p, g, m, v, n, stepSize, bc2, b1, b2, eps, wd);
}
