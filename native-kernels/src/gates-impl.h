/* The fused gate kernels and row helpers of assembly/kernels.ts, written once over the vector layer of
 * port-simd.h and compiled per target by gates.c (PORT_FN names a function for its target). Pointers are real
 * addresses; a null dout means "no output gradient". Every element goes through the same operations in the
 * same order as in kernels.ts (the row tails through the same vector code on masked lanes), so results are
 * independent of the vector width and of where a batch split falls. */

#define LD(p) (n == W ? VLOAD(p) : VLOADN(p, n))
#define ST(p, v) (n == W ? VSTORE(p, v) : VSTOREN(p, v, n))

/* ---- LSTM (gates i, f, g, o: blocks of H in a row of 4H) ---- */

PT static inline void PORT_FN(lstm_fwd_cols)(float *q, const float *cp, float *c, float *tc, float *h, int H, int n) {
  const V ig = vsigmoid(LD(q)), fg = vsigmoid(LD(q + H));
  const V gg = vtanh(LD(q + 2 * H)), og = vsigmoid(LD(q + 3 * H));
  ST(q, ig);
  ST(q + H, fg);
  ST(q + 2 * H, gg);
  ST(q + 3 * H, og);
  const V cv = VADD(VMUL(fg, LD(cp)), VMUL(ig, gg));
  const V t = vtanh(cv);
  ST(c, cv);
  ST(tc, t);
  ST(h, VMUL(og, t));
}

PT void PORT_FN(lstmFwd)(float *gates, const float *cPrev, float *c, float *tc, float *h, int B, int H) {
  for (int b = 0; b < B; b++) {
    float *g = gates + (size_t)b * 4 * H;
    const size_t o = (size_t)b * H;
    int j = 0;
    for (; j + W <= H; j += W) PORT_FN(lstm_fwd_cols)(g + j, cPrev + o + j, c + o + j, tc + o + j, h + o + j, H, W);
    if (j < H) PORT_FN(lstm_fwd_cols)(g + j, cPrev + o + j, c + o + j, tc + o + j, h + o + j, H, H - j);
  }
}

PT static inline void PORT_FN(lstm_bwd_cols)(float *da, float *dcNext, const float *dhNext, const float *dout,
                                             float *dhs, const float *q, const float *tc, const float *cPrev, int H,
                                             int n) {
  const V one = VSPLAT(1.0f);
  const V dh = dout ? VADD(LD(dout), LD(dhNext)) : LD(dhNext);
  const V ig = LD(q), fg = LD(q + H), gg = LD(q + 2 * H), og = LD(q + 3 * H);
  const V t = LD(tc), cp = LD(cPrev), dcn = LD(dcNext);
  const V dc = VADD(dcn, VMUL(VMUL(dh, og), VSUB(one, VMUL(t, t))));
  ST(dhs, dh);
  ST(da, VMUL(VMUL(VMUL(dc, gg), ig), VSUB(one, ig)));
  ST(da + H, VMUL(VMUL(VMUL(dc, cp), fg), VSUB(one, fg)));
  ST(da + 2 * H, VMUL(VMUL(dc, ig), VSUB(one, VMUL(gg, gg))));
  ST(da + 3 * H, VMUL(VMUL(VMUL(dh, t), og), VSUB(one, og)));
  ST(dcNext, VMUL(dc, fg));
}

PT void PORT_FN(lstmBwd)(float *da, float *dcNext, float *dhNext, const float *dout, float *dhs, const float *gates,
                         const float *tc, const float *cPrev, int B, int H) {
  for (int b = 0; b < B; b++) {
    const size_t g = (size_t)b * 4 * H, s = (size_t)b * H;
    for (int j = 0; j < H; j += W) {
      const int n = H - j < W ? H - j : W;
      PORT_FN(lstm_bwd_cols)(da + g + j, dcNext + s + j, dhNext + s + j, dout ? dout + s + j : 0, dhs + s + j,
                             gates + g + j, tc + s + j, cPrev + s + j, H, n);
    }
  }
}

/* ---- tanh / relu RNN: a (n) pre-activations → h = φ(a) written to both a and h ---- */

PT void PORT_FN(rnnFwd)(float *a, float *h, int total, int relu) {
  for (int k = 0; k < total; k += W) {
    const int n = total - k < W ? total - k : W;
    const V v = LD(a + k);
    /* max(0, v) + 0: a NaN stays NaN and −0 becomes +0, as WebAssembly's f32x4.max(v, 0) gives */
    const V r = relu ? VADD(VMAXC(VZERO(), v), VZERO()) : vtanh(v);
    ST(a + k, r);
    ST(h + k, r);
  }
}

/* dh = dout + dhNext → dhs; da = dh ⊙ φ'(h) */
PT void PORT_FN(rnnBwd)(float *da, const float *dhNext, const float *dout, float *dhs, const float *h, int total,
                        int relu) {
  for (int k = 0; k < total; k += W) {
    const int n = total - k < W ? total - k : W;
    const V dh = VADD(dout ? LD(dout + k) : VZERO(), LD(dhNext + k)); /* 0 + dhNext without dout, as kernels.ts */
    const V hv = LD(h + k);
    ST(dhs + k, dh);
    ST(da + k, relu ? VWHEREPOS(hv, dh) : VMUL(dh, VSUB(VSPLAT(1.0f), VMUL(hv, hv))));
  }
}

/* ---- GRU (reset-after, PyTorch): gates (B, 3H) hold W_ih x + b_ih; hh (B, 3H) = W_hh h_{t−1} + b_hh ---- */

PT static inline void PORT_FN(gru_fwd_cols)(float *g, const float *q, float *hn, const float *hPrev, float *h, int H,
                                            int n) {
  const V r = vsigmoid(VADD(LD(g), LD(q)));
  const V z = vsigmoid(VADD(LD(g + H), LD(q + H)));
  const V hnv = LD(q + 2 * H);
  const V nn = vtanh(VADD(LD(g + 2 * H), VMUL(r, hnv)));
  ST(g, r);
  ST(g + H, z);
  ST(g + 2 * H, nn);
  ST(hn, hnv);
  ST(h, VADD(VMUL(VSUB(VSPLAT(1.0f), z), nn), VMUL(z, LD(hPrev))));
}

PT void PORT_FN(gruFwd)(float *gates, const float *hh, float *hn, const float *hPrev, float *h, int B, int H) {
  for (int b = 0; b < B; b++) {
    const size_t g = (size_t)b * 3 * H, s = (size_t)b * H;
    for (int j = 0; j < H; j += W) {
      const int n = H - j < W ? H - j : W;
      PORT_FN(gru_fwd_cols)(gates + g + j, hh + g + j, hn + s + j, hPrev + s + j, h + s + j, H, n);
    }
  }
}

PT static inline void PORT_FN(gru_bwd_cols)(float *dgx, float *dgh, float *dhNext, const float *dout, float *dhs,
                                            const float *q, const float *hn, const float *hPrev, int H, int n) {
  const V one = VSPLAT(1.0f);
  const V dh = VADD(dout ? LD(dout) : VZERO(), LD(dhNext)); /* 0 + dhNext without dout, as kernels.ts */
  ST(dhs, dh);
  const V r = LD(q), z = LD(q + H), nn = LD(q + 2 * H), hv = LD(hn);
  const V dan = VMUL(VMUL(dh, VSUB(one, z)), VSUB(one, VMUL(nn, nn)));
  const V daz = VMUL(VMUL(VMUL(dh, VSUB(LD(hPrev), nn)), z), VSUB(one, z));
  const V dar = VMUL(VMUL(VMUL(dan, hv), r), VSUB(one, r));
  ST(dgx, dar);
  ST(dgx + H, daz);
  ST(dgx + 2 * H, dan);
  ST(dgh, dar);
  ST(dgh + H, daz);
  ST(dgh + 2 * H, VMUL(dan, r));
  ST(dhNext, VMUL(dh, z));
}

/* dgx = [da_r, da_z, da_n], dgh = [da_r, da_z, r ⊙ da_n], dhNext ← dh ⊙ z (the GEMM then adds dgh W_hh) */
PT void PORT_FN(gruBwd)(float *dgx, float *dgh, float *dhNext, const float *dout, float *dhs, const float *gates,
                        const float *hn, const float *hPrev, int B, int H) {
  for (int b = 0; b < B; b++) {
    const size_t g = (size_t)b * 3 * H, s = (size_t)b * H;
    for (int j = 0; j < H; j += W) {
      const int n = H - j < W ? H - j : W;
      PORT_FN(gru_bwd_cols)(dgx + g + j, dgh + g + j, dhNext + s + j, dout ? dout + s + j : 0, dhs + s + j,
                            gates + g + j, hn + s + j, hPrev + s + j, H, n);
    }
  }
}

/* ---- rows and columns ---- */

/* out[r, :] += bias for N rows of D */
PT void PORT_FN(addRows)(float *out, const float *bias, int N, int D) {
  for (int r = 0; r < N; r++) {
    float *o = out + (size_t)r * D;
    for (int g = 0; g < D; g += W) {
      const int n = D - g < W ? D - g : W;
      ST(o + g, VADD(LD(o + g), LD(bias + g)));
    }
  }
}

/* out[g] += Σ_r a[r, g], rows in order */
PT void PORT_FN(colSum)(float *out, const float *a, int N, int D) {
  for (int r = 0; r < N; r++) {
    const float *o = a + (size_t)r * D;
    for (int g = 0; g < D; g += W) {
      const int n = D - g < W ? D - g : W;
      ST(out + g, VADD(LD(out + g), LD(o + g)));
    }
  }
}

/* out[r, :] = wT[tok[r], :] + bias (token inputs: a row of W_ihᵀ instead of a one-hot product) */
PT void PORT_FN(gatherRows)(float *out, const int32_t *tok, const float *wT, const float *bias, int N, int D) {
  for (int r = 0; r < N; r++) {
    float *o = out + (size_t)r * D;
    const float *w = wT + (size_t)tok[r] * D;
    for (int g = 0; g < D; g += W) {
      const int n = D - g < W ? D - g : W;
      ST(o + g, VADD(LD(w + g), LD(bias + g)));
    }
  }
}

/* dwT[tok[r], :] += a[r, :], rows in order */
PT void PORT_FN(scatterRows)(float *dwT, const int32_t *tok, const float *a, int N, int D) {
  for (int r = 0; r < N; r++) {
    const float *o = a + (size_t)r * D;
    float *w = dwT + (size_t)tok[r] * D;
    for (int g = 0; g < D; g += W) {
      const int n = D - g < W ? D - g : W;
      ST(w + g, VADD(LD(w + g), LD(o + g)));
    }
  }
}

PT void PORT_FN(vexpTest)(float *out, const float *x, int total) {
  for (int k = 0; k < total; k += W) {
    const int n = total - k < W ? total - k : W;
    ST(out + k, vexp(LD(x + k)));
  }
}

#undef LD
#undef ST
