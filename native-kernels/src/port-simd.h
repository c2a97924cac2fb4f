/* Vector layer of the ported kernels: one set of macros per target, so gates-impl.h and ce-impl.h are written
 * once and compiled once per target (AVX-512, AVX2+FMA, NEON, portable scalar C). Include it after defining
 * exactly one of PORT_AVX512, PORT_AVX2, PORT_NEON, PORT_SCALAR; it defines
 *   V, W (lanes), PT (the function attribute selecting the target), and the operations below.
 * Every operation is a single IEEE float32 operation per lane (no fused multiply-add: the files are compiled with
 * -ffp-contract=off), so an element's result does not depend on the vector width or on its lane, and the gate
 * kernels give the same bits as the WebAssembly SIMD ones (assembly/kernels.ts). Min/max put the operand that
 * may be NaN second, so x86's min/max propagate a NaN as WebAssembly's do.
 */
#include <stdint.h>
#include <string.h>

#if defined(PORT_AVX512)
#include <immintrin.h>
typedef __m512 V;
#define W 16
#define PT __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define VSPLAT(x) _mm512_set1_ps(x)
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps(p, v)
#define VMASK(n) ((__mmask16)((1u << (n)) - 1u))
#define VLOADN(p, n) _mm512_maskz_loadu_ps(VMASK(n), p)
#define VSTOREN(p, v, n) _mm512_mask_storeu_ps(p, VMASK(n), v)
#define VADD(a, b) _mm512_add_ps(a, b)
#define VSUB(a, b) _mm512_sub_ps(a, b)
#define VMUL(a, b) _mm512_mul_ps(a, b)
#define VDIV(a, b) _mm512_div_ps(a, b)
#define VMINC(c, x) _mm512_min_ps(c, x)
#define VMAXC(c, x) _mm512_max_ps(c, x)
#define VFLOOR(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define VNEG(x) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u)))
#define VSHL23(x) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(x), 23))
/* lanes of x where h > 0, else 0 */
#define VWHEREPOS(h, x) _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(h, _mm512_setzero_ps(), _CMP_GT_OQ), x)
#define VLANES(out, v) _mm512_storeu_ps(out, v)

#elif defined(PORT_AVX2)
#include <immintrin.h>
typedef __m256 V;
#define W 8
#define PT __attribute__((target("avx2,fma")))
#define VSPLAT(x) _mm256_set1_ps(x)
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VMASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define VLOADN(p, n) _mm256_maskload_ps(p, VMASK(n))
#define VSTOREN(p, v, n) _mm256_maskstore_ps(p, VMASK(n), v)
#define VADD(a, b) _mm256_add_ps(a, b)
#define VSUB(a, b) _mm256_sub_ps(a, b)
#define VMUL(a, b) _mm256_mul_ps(a, b)
#define VDIV(a, b) _mm256_div_ps(a, b)
#define VMINC(c, x) _mm256_min_ps(c, x)
#define VMAXC(c, x) _mm256_max_ps(c, x)
#define VFLOOR(x) _mm256_floor_ps(x)
#define VNEG(x) _mm256_xor_ps(x, _mm256_set1_ps(-0.0f))
#define VSHL23(x) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(x), 23))
#define VWHEREPOS(h, x) _mm256_and_ps(_mm256_cmp_ps(h, _mm256_setzero_ps(), _CMP_GT_OQ), x)
#define VLANES(out, v) _mm256_storeu_ps(out, v)

#elif defined(PORT_NEON)
#include <arm_neon.h>
typedef float32x4_t V;
#define W 4
#define PT
#define VSPLAT(x) vdupq_n_f32(x)
#define VZERO() vdupq_n_f32(0.0f)
#define VLOAD(p) vld1q_f32(p)
#define VSTORE(p, v) vst1q_f32(p, v)
static inline V port_loadn(const float *p, int n) {
  float t[4] = {0, 0, 0, 0};
  memcpy(t, p, (size_t)n * 4);
  return vld1q_f32(t);
}
static inline void port_storen(float *p, V v, int n) {
  float t[4];
  vst1q_f32(t, v);
  memcpy(p, t, (size_t)n * 4);
}
#define VLOADN(p, n) port_loadn(p, n)
#define VSTOREN(p, v, n) port_storen(p, v, n)
#define VADD(a, b) vaddq_f32(a, b)
#define VSUB(a, b) vsubq_f32(a, b)
#define VMUL(a, b) vmulq_f32(a, b)
#define VDIV(a, b) vdivq_f32(a, b)
#define VMINC(c, x) vminq_f32(c, x)
#define VMAXC(c, x) vmaxq_f32(c, x)
#define VFLOOR(x) vrndmq_f32(x)
#define VNEG(x) vnegq_f32(x)
#define VSHL23(x) vreinterpretq_f32_s32(vshlq_n_s32(vreinterpretq_s32_f32(x), 23))
#define VWHEREPOS(h, x) \
  vreinterpretq_f32_u32(vandq_u32(vcgtq_f32(h, vdupq_n_f32(0.0f)), vreinterpretq_u32_f32(x)))
#define VLANES(out, v) vst1q_f32(out, v)

#else /* PORT_SCALAR: one lane, plain C */
#include <math.h>
typedef float V;
#define W 1
#define PT
#define VSPLAT(x) ((float)(x))
#define VZERO() 0.0f
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VLOADN(p, n) (*(p))
#define VSTOREN(p, v, n) (*(p) = (v))
#define VADD(a, b) ((a) + (b))
#define VSUB(a, b) ((a) - (b))
#define VMUL(a, b) ((a) * (b))
#define VDIV(a, b) ((a) / (b))
#define VMINC(c, x) port_min(c, x)
#define VMAXC(c, x) port_max(c, x)
#define VFLOOR(x) floorf(x)
#define VNEG(x) (-(x))
#define VSHL23(x) port_shl23(x)
#define VWHEREPOS(h, x) ((h) > 0.0f ? (x) : 0.0f)
#define VLANES(out, v) ((out)[0] = (v))
static inline float port_min(float c, float x) { return x != x ? x : (x < c ? x : c); }
static inline float port_max(float c, float x) { return x != x ? x : (x > c ? x : c); }
static inline float port_shl23(float x) {
  uint32_t u;
  memcpy(&u, &x, 4);
  u <<= 23;
  memcpy(&x, &u, 4);
  return x;
}
#endif

/* Cephes-style exp (≤ 2 ulp on [−87, 88]); 2ⁿ by a magic-constant add, as assembly/kernels.ts vexp. */
PT static inline V vexp(V x0) {
  const V x = VMAXC(VSPLAT(-87.3365478515625), VMINC(VSPLAT(88.3762626647949), x0));
  const V n = VFLOOR(VADD(VMUL(x, VSPLAT(1.44269504088896341)), VSPLAT(0.5)));
  V r = VSUB(x, VMUL(n, VSPLAT(0.693359375)));
  r = VSUB(r, VMUL(n, VSPLAT(-2.12194440e-4)));
  V y = VSPLAT(1.9875691500e-4);
  y = VADD(VMUL(y, r), VSPLAT(1.3981999507e-3));
  y = VADD(VMUL(y, r), VSPLAT(8.3334519073e-3));
  y = VADD(VMUL(y, r), VSPLAT(4.1665795894e-2));
  y = VADD(VMUL(y, r), VSPLAT(1.6666665459e-1));
  y = VADD(VMUL(y, r), VSPLAT(5.0000001201e-1));
  y = VADD(VADD(VMUL(VMUL(y, r), r), r), VSPLAT(1.0));
  /* n + (1.5·2²³ + 127) holds n + 127 in its low mantissa bits */
  const V e = VSHL23(VADD(n, VSPLAT(12583039.0)));
  return VMUL(y, e);
}
PT static inline V vsigmoid(V x) { return VDIV(VSPLAT(1.0), VADD(VSPLAT(1.0), vexp(VNEG(x)))); }
PT static inline V vtanh(V x) {
  return VSUB(VSPLAT(1.0), VDIV(VSPLAT(2.0), VADD(vexp(VADD(x, x)), VSPLAT(1.0))));
}
