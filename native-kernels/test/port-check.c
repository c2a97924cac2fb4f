/* Checks every SIMD path of the ported kernels this CPU runs against the portable C path, without Node:
 * the fused gate kernels, row helpers and Adam must give the same bits (the same float operations in the same
 * order), softmax cross-entropy agree to 1e-6, and the whole scans (each path with its own GEMM) to 1e-5.
 * The engine's tests cover the x86 paths through Node; this also runs the NEON path on an x86 machine under
 * emulation (native-kernels/README.md, "Checking the kernels without Node"). Exit status 1 on a mismatch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "port.h"

static unsigned seed = 1;
static int fails = 0;

static float *buf(int n, float scale) {
  float *p = malloc((size_t)(n + 64) * 4);
  for (int i = 0; i < n + 64; i++) {
    seed = seed * 1103515245u + 12345u;
    p[i] = scale * (((seed >> 8) / 16777216.0f) * 2 - 1);
  }
  return p;
}

static float *copy(const float *p, int n) {
  float *q = malloc((size_t)(n + 64) * 4);
  memcpy(q, p, (size_t)(n + 64) * 4);
  return q;
}

static void same(const char *isa, const char *what, const float *a, const float *b, int n, float tol) {
  for (int i = 0; i < n; i++)
    if (memcmp(a + i, b + i, 4) && !(fabsf(a[i] - b[i]) <= tol * fmaxf(1, fabsf(b[i])))) {
      printf("%s %s differs at %d: %.9g vs %.9g\n", isa, what, i, a[i], b[i]);
      fails++;
      return;
    }
}

static void gates(const char *isa, const port_ops *k, const port_ops *c, int B, int H) {
  const int n = B * H;
  float *g = buf(4 * n, 4), *cp = buf(n, 1), *cs = buf(n, 1), *tc = buf(n, 1), *h = buf(n, 1), *dout = buf(n, 1);
  float *g2 = copy(g, 4 * n), *cs2 = copy(cs, n), *tc2 = copy(tc, n), *h2 = copy(h, n);
  k->lstmFwd(g, cp, cs, tc, h, B, H);
  c->lstmFwd(g2, cp, cs2, tc2, h2, B, H);
  same(isa, "lstmFwd gates", g, g2, 4 * n, 0), same(isa, "lstmFwd h", h, h2, n, 0);
  same(isa, "lstmFwd c", cs, cs2, n, 0);
  float *da = buf(4 * n, 1), *dc = buf(n, 1), *dh = buf(n, 1), *dhs = buf(n, 1);
  float *da2 = copy(da, 4 * n), *dc2 = copy(dc, n), *dh2 = copy(dh, n), *dhs2 = copy(dhs, n);
  k->lstmBwd(da, dc, dh, dout, dhs, g, tc, cp, B, H);
  c->lstmBwd(da2, dc2, dh2, dout, dhs2, g2, tc2, cp, B, H);
  same(isa, "lstmBwd da", da, da2, 4 * n, 0), same(isa, "lstmBwd dc", dc, dc2, n, 0);
  float *gg = buf(3 * n, 3), *hh = buf(3 * n, 3), *hn = buf(n, 1), *gg2 = copy(gg, 3 * n), *hn2 = copy(hn, n);
  k->gruFwd(gg, hh, hn, cp, h, B, H);
  c->gruFwd(gg2, hh, hn2, cp, h2, B, H);
  same(isa, "gruFwd gates", gg, gg2, 3 * n, 0), same(isa, "gruFwd h", h, h2, n, 0);
  float *dgx = buf(3 * n, 1), *dgh = buf(3 * n, 1), *dgx2 = copy(dgx, 3 * n), *dgh2 = copy(dgh, 3 * n);
  k->gruBwd(dgx, dgh, dh, NULL, dhs, gg, hn, cp, B, H);
  c->gruBwd(dgx2, dgh2, dh2, NULL, dhs2, gg2, hn2, cp, B, H);
  same(isa, "gruBwd dgx", dgx, dgx2, 3 * n, 0), same(isa, "gruBwd dgh", dgh, dgh2, 3 * n, 0);
  same(isa, "gruBwd dhNext", dh, dh2, n, 0);
  for (int relu = 0; relu < 2; relu++) {
    float *a = buf(n, 3), *a2 = copy(a, n);
    k->rnnFwd(a, h, n, relu);
    c->rnnFwd(a2, h2, n, relu);
    same(isa, "rnnFwd", a, a2, n, 0);
    k->rnnBwd(da, dh, dout, dhs, h, n, relu);
    c->rnnBwd(da2, dh, dout, dhs2, h, n, relu);
    same(isa, "rnnBwd", da, da2, n, 0);
  }
  float *out = buf(n, 1), *out2 = copy(out, n), *bias = buf(3 * H, 1);
  int32_t *tok = malloc((size_t)B * 4);
  for (int r = 0; r < B; r++) tok[r] = (r * 7) % 3;
  k->gatherRows(out, tok, bias, bias, B, H), c->gatherRows(out2, tok, bias, bias, B, H);
  same(isa, "gatherRows", out, out2, n, 0);
  float *acc = buf(3 * H, 1), *acc2 = copy(acc, 3 * H);
  k->colSum(acc, out, B, H), c->colSum(acc2, out2, B, H);
  same(isa, "colSum", acc, acc2, H, 0);
  k->scatterRows(acc, tok, out, B, H), c->scatterRows(acc2, tok, out2, B, H);
  same(isa, "scatterRows", acc, acc2, 3 * H, 0);
  k->addRows(out, acc, B, H), c->addRows(out2, acc2, B, H);
  same(isa, "addRows", out, out2, n, 0);
}

static void adam_ce(const char *isa, nk_isa which, const port_ops *k, const port_ops *c, int B, int C) {
  const int n = B * C;
  float *p = buf(n, 1), *g = buf(n, 1), *m = buf(n, 1), *v = buf(n, 1);
  for (int i = 0; i < n; i++) v[i] = fabsf(v[i]);
  float *p2 = copy(p, n), *m2 = copy(m, n), *v2 = copy(v, n);
  port_adam(which, p, g, m, v, n, 0.01, 0.9, 0.9, 0.999, 1e-8, 0.01);
  port_adam(NK_C, p2, g, m2, v2, n, 0.01, 0.9, 0.9, 0.999, 1e-8, 0.01);
  same(isa, "adam p", p, p2, n, 0), same(isa, "adam v", v, v2, n, 0);
  int32_t *cls = malloc((size_t)B * 4);
  for (int r = 0; r < B; r++) cls[r] = (r * 5) % C;
  float *y = buf(n, 5), *dy = buf(n, 1), *dy2 = copy(dy, n);
  const double l1 = k->ceLossF32(dy, y, cls, NULL, B, C, 0.25), l2 = c->ceLossF32(dy2, y, cls, NULL, B, C, 0.25);
  same(isa, "ceLossF32 dy", dy, dy2, n, 1e-6f);
  if (fabs(l1 - l2) > 1e-6 * fabs(l2)) printf("%s ceLossF32 loss %.12g vs %.12g\n", isa, l1, l2), fails++;
}

static void scans(const char *isa, nk_isa which, const port_ops *k, const port_ops *c, int T, int B, int H) {
  const nk_gemm *gk = nk_gemm_for(which), *gc = nk_gemm_for(NK_C);
  const int n = B * H;
  float *w = buf(4 * H * H, 1.0f / sqrtf((float)H)), *h0 = buf(n, 1), *c0 = buf(n, 1);
  float *pk = malloc(nk_packed_size(gk, H, 4 * H) * 4 + 64), *pc = malloc(nk_packed_size(gc, H, 4 * H) * 4 + 64);
  nk_pack_b(gk, 1, H, 4 * H, w, H, pk), nk_pack_b(gc, 1, H, 4 * H, w, H, pc);
  void *work = malloc(nk_work_bytes());
  float *g = buf(T * 4 * n, 1), *hs = buf(T * n, 1), *cs = buf(T * n, 1), *tc = buf(T * n, 1);
  float *g2 = copy(g, T * 4 * n), *hs2 = copy(hs, T * n), *cs2 = copy(cs, T * n), *tc2 = copy(tc, T * n);
  port_lstmScanFwd(k, gk, T, B, H, 0, B, g, h0, c0, hs, cs, tc, pk, work);
  port_lstmScanFwd(c, gc, T, B, H, 0, B, g2, h0, c0, hs2, cs2, tc2, pc, work);
  same(isa, "lstmScanFwd h", hs, hs2, T * n, 1e-5f), same(isa, "lstmScanFwd c", cs, cs2, T * n, 1e-5f);
  float *a = buf(T * n, 1), *a2 = copy(a, T * n);
  port_rnnScanFwd(k, gk, T, B, H, 0, B, a, h0, hs, pk, 0, work);
  port_rnnScanFwd(c, gc, T, B, H, 0, B, a2, h0, hs2, pc, 0, work);
  same(isa, "rnnScanFwd h", hs, hs2, T * n, 1e-5f);
  free(work);
}

int main(void) {
  const port_ops *c = port_select(NK_C);
  int checked = 0;
  for (int i = 0; i < NK_ISAS; i++) {
    const nk_isa which = (nk_isa)i;
    if (which == NK_C || !nk_isa_supported(which) || !nk_gemm_for(which)) continue;
    const char *isa = nk_isa_name(which);
    const port_ops *k = port_select(which);
    if (k == c) printf("%s: no ported kernels in this build\n", isa), fails++;
    const int shapes[][2] = {{1, 1}, {3, 5}, {2, 16}, {4, 37}, {5, 64}, {3, 130}};
    for (int s = 0; s < 6; s++) {
      gates(isa, k, c, shapes[s][0], shapes[s][1]);
      adam_ce(isa, which, k, c, shapes[s][0], shapes[s][1]);
      scans(isa, which, k, c, 5, shapes[s][0], shapes[s][1]);
    }
    printf("%s: checked against the portable C path\n", isa);
    checked++;
  }
  printf("%d path(s) checked, %d mismatch(es)\n", checked, fails);
  return fails != 0;
}
