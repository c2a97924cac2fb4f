/* The kernels of assembly/kernels.ts other than the GEMM, in C: fused gate kernels (forward and backward), row
 * helpers, whole-scan forward and BPTT loops, Adam and softmax cross-entropy. Same names, arguments and semantics
 * as kernels.ts, with real addresses instead of byte offsets (the N-API glue adds the memory's base; a null
 * dout / mask / dy means "none", as offset 0 does there). One table of per-target functions (port_ops) is
 * picked at run time; the scans and Adam dispatch through it. */
#ifndef PORT_H
#define PORT_H
#include <stdint.h>

#include "nk.h"

struct nk_gemm;

typedef struct port_ops {
  void (*lstmFwd)(float *gates, const float *cPrev, float *c, float *tc, float *h, int B, int H);
  void (*lstmBwd)(float *da, float *dcNext, float *dhNext, const float *dout, float *dhs, const float *gates,
                  const float *tc, const float *cPrev, int B, int H);
  void (*rnnFwd)(float *a, float *h, int n, int relu);
  void (*rnnBwd)(float *da, const float *dhNext, const float *dout, float *dhs, const float *h, int n, int relu);
  void (*gruFwd)(float *gates, const float *hh, float *hn, const float *hPrev, float *h, int B, int H);
  void (*gruBwd)(float *dgx, float *dgh, float *dhNext, const float *dout, float *dhs, const float *gates,
                 const float *hn, const float *hPrev, int B, int H);
  void (*addRows)(float *out, const float *bias, int N, int D);
  void (*colSum)(float *out, const float *a, int N, int D);
  void (*gatherRows)(float *out, const int32_t *tok, const float *wT, const float *bias, int N, int D);
  void (*scatterRows)(float *dwT, const int32_t *tok, const float *a, int N, int D);
  void (*vexpTest)(float *out, const float *x, int n);
  double (*ceLossF32)(float *dy, const float *y, const int32_t *cls, const float *mask, int N, int C, double inv);
} port_ops;

/* A target file's table, named port_ops_<target>. */
#define PORT_OPS_TABLE(t)                                                                                       \
  const port_ops port_ops_##t = {port_lstmFwd_##t,  port_lstmBwd_##t,   port_rnnFwd_##t,      port_rnnBwd_##t, \
                                 port_gruFwd_##t,   port_gruBwd_##t,    port_addRows_##t,     port_colSum_##t, \
                                 port_gatherRows_##t, port_scatterRows_##t, port_vexpTest_##t, port_ceLossF32_##t};

/* The table of a path (the portable one when this build lacks it). */
const port_ops *port_select(nk_isa isa);

/* Adam (no AMSGrad), bit-identical to engine/optim.ts's loop at every level. */
void port_adam(nk_isa isa, float *p, const float *g, float *m, float *v, int n, double stepSize, double bc2,
               double b1, double b2, double eps, double wd);

/* Whole scans over batch rows [b0, b1) (assembly/kernels.ts): per step one packed GEMM and one fused gate call.
 * Time-major buffers: gates (T, B, G·H), states (T, B, H); h0 / c0 / dhNext / dcNext / hh (B, ·). pk is the
 * packed W_hhᵀ (forward) or W_hh (backward) from nk_pack_b of the same GEMM g; work is its scratch. */
void port_lstmScanFwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *gates,
                      const float *h0, const float *c0, float *hs, float *cs, float *tcs, const float *pk, float *work);
void port_lstmScanBwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *da,
                      float *dcNext, float *dhNext, const float *dout, float *dhs, const float *gates, const float *tcs,
                      const float *cs, const float *c0, const float *pk, float *work);
void port_rnnScanFwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *a,
                     const float *h0, float *hs, const float *pk, int relu, float *work);
void port_rnnScanBwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *da,
                     float *dhNext, const float *dout, float *dhs, const float *hs, const float *pk, int relu,
                     float *work);
void port_gruScanFwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *gates,
                     float *hh, const float *bhh, const float *h0, float *hs, float *hns, const float *pk, float *work);
void port_gruScanBwd(const port_ops *k, const struct nk_gemm *g, int T, int B, int H, int b0, int b1, float *dgx,
                     float *dgh, float *dhNext, const float *dout, float *dhs, const float *gates, const float *hns,
                     const float *h0, const float *hs, const float *pk, float *work);

#endif
