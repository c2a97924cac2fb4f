/* Run-time choice of the ported kernels' target, and the whole-scan loops (target-independent: they call the
 * packed GEMM of gemm.h and the chosen table's fused gate kernel once per time step). */
#include <stddef.h>
#include "port.h"
#include "gemm.h"

#if defined(__x86_64__) && defined(__GNUC__)
extern const port_ops port_ops_avx512, port_ops_avx2;
#endif
#if defined(__aarch64__)
extern const port_ops port_ops_neon;
#endif
extern const port_ops port_ops_scalar;

const port_ops *port_select(nk_isa isa) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (isa == NK_AVX512) return &port_ops_avx512;
  if (isa == NK_AVX2) return &port_ops_avx2;
#endif
#if defined(__aarch64__)
  if (isa == NK_NEON) return &port_ops_neon;
#endif
  (void)isa;
  return &port_ops_scalar;
}

/* Rows [b0, b1) of step t: state offset o (floats) of (T, B, H) buffers, gate offset of (T, B, G·H) buffers. */
#define STATE(t) ((size_t)(t) * B * H + (size_t)b0 * H)
#define GATE(t, G) ((size_t)(t) * B * (G) + (size_t)b0 * (G))

void port_lstmScanFwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *gates,
                      const float *h0, const float *c0, float *hs, float *cs, float *tcs, const float *pk,
                      float *work) {
  const int G = 4 * H, nb = b1 - b0;
  const size_t rs = (size_t)b0 * H;
  for (int t = 0; t < T; t++) {
    const size_t o = STATE(t);
    const float *hPrev = t == 0 ? h0 + rs : hs + o - (size_t)B * H;
    const float *cPrev = t == 0 ? c0 + rs : cs + o - (size_t)B * H;
    float *gt = gates + GATE(t, G);
    nk_sgemm_packed(g, 0, nb, G, H, hPrev, H, pk, 1, gt, G, work);
    k->lstmFwd(gt, cPrev, cs + o, tcs + o, hs + o, nb, H);
  }
}

void port_lstmScanBwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *da,
                      float *dcNext, float *dhNext, const float *dout, float *dhs, const float *gates, const float *tcs,
                      const float *cs, const float *c0, const float *pk, float *work) {
  const int G = 4 * H, nb = b1 - b0;
  const size_t rs = (size_t)b0 * H;
  for (int t = T - 1; t >= 0; t--) {
    const size_t o = STATE(t), gt = GATE(t, G);
    const float *cPrev = t == 0 ? c0 + rs : cs + o - (size_t)B * H;
    k->lstmBwd(da + gt, dcNext + rs, dhNext + rs, dout ? dout + o : NULL, dhs + o, gates + gt, tcs + o, cPrev, nb,
               H);
    nk_sgemm_packed(g, 0, nb, H, G, da + gt, G, pk, 0, dhNext + rs, H, work);
  }
}

void port_rnnScanFwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *a,
                     const float *h0, float *hs, const float *pk, int relu, float *work) {
  const int nb = b1 - b0;
  const size_t rs = (size_t)b0 * H;
  for (int t = 0; t < T; t++) {
    const size_t o = STATE(t);
    const float *hPrev = t == 0 ? h0 + rs : hs + o - (size_t)B * H;
    nk_sgemm_packed(g, 0, nb, H, H, hPrev, H, pk, 1, a + o, H, work);
    k->rnnFwd(a + o, hs + o, nb * H, relu);
  }
}

void port_rnnScanBwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *da,
                     float *dhNext, const float *dout, float *dhs, const float *hs, const float *pk, int relu,
                     float *work) {
  const int nb = b1 - b0;
  const size_t rs = (size_t)b0 * H;
  for (int t = T - 1; t >= 0; t--) {
    const size_t o = STATE(t);
    k->rnnBwd(da + o, dhNext + rs, dout ? dout + o : NULL, dhs + o, hs + o, nb * H, relu);
    nk_sgemm_packed(g, 0, nb, H, H, da + o, H, pk, 0, dhNext + rs, H, work);
  }
}

void port_gruScanFwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *gates,
                     float *hh, const float *bhh, const float *h0, float *hs, float *hns, const float *pk,
                     float *work) {
  const int G = 3 * H, nb = b1 - b0;
  const size_t rs = (size_t)b0 * H, rg = (size_t)b0 * G;
  for (int t = 0; t < T; t++) {
    const size_t o = STATE(t);
    const float *hPrev = t == 0 ? h0 + rs : hs + o - (size_t)B * H;
    nk_sgemm_packed(g, 0, nb, G, H, hPrev, H, pk, 0, hh + rg, G, work);
    k->addRows(hh + rg, bhh, nb, G);
    k->gruFwd(gates + GATE(t, G), hh + rg, hns + o, hPrev, hs + o, nb, H);
  }
}

void port_gruScanBwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *dgx,
                     float *dgh, float *dhNext, const float *dout, float *dhs, const float *gates, const float *hns,
                     const float *h0, const float *hs, const float *pk, float *work) {
  const int G = 3 * H, nb = b1 - b0;
  const size_t rs = (size_t)b0 * H;
  for (int t = T - 1; t >= 0; t--) {
    const size_t o = STATE(t), gt = GATE(t, G);
    const float *hPrev = t == 0 ? h0 + rs : hs + o - (size_t)B * H;
    k->gruBwd(dgx + gt, dgh + gt, dhNext + rs, dout ? dout + o : NULL, dhs + o, gates + gt, hns + o, hPrev, nb, H);
    nk_sgemm_packed(g, 0, nb, H, G, dgh + gt, G, pk, 1, dhNext + rs, H, work);
  }
}
