/* Masked softmax cross-entropy over logits y (N, C), as assembly/kernels.ts ceLossF32 (compiled per target by
 * ce.c): dy (when not null) = m·(softmax − onehot(c))·inv per row, rows with m = 0 get dy = 0; returns
 * Σ_r m·(logsumexp − y_c) in double, rows in order (the caller scales by inv). Per row the exponentials are
 * summed in W float lanes, the lanes then added in double in lane order, then the tail elements. */

PT double PORT_FN(ceLossF32)(float *dy, const float *y, const int32_t *cls, const float *mask, int N, int C,
                             double inv) {
  double s = 0;
  float lanes[W];
  for (int r = 0; r < N; r++) {
    const float m = mask ? mask[r] : 1.0f;
    const float *o = y + (size_t)r * C;
    float *d = dy ? dy + (size_t)r * C : 0;
    if (m == 0) {
      if (d) memset(d, 0, (size_t)C * 4);
      continue;
    }
    const int c = cls[r];
    float mx = -INFINITY;
    int k = 0;
    for (; k + W <= C; k += W) {
      VLANES(lanes, VLOAD(o + k));
      for (int l = 0; l < W; l++) mx = lanes[l] > mx || lanes[l] != lanes[l] ? lanes[l] : mx;
    }
    for (; k < C; k++) mx = o[k] > mx || o[k] != o[k] ? o[k] : mx;
    const V M = VSPLAT(mx);
    V zv = VZERO();
    k = 0;
    for (; k + W <= C; k += W) {
      const V e = vexp(VSUB(VLOAD(o + k), M));
      if (d) VSTORE(d + k, e);
      zv = VADD(zv, e);
    }
    VLANES(lanes, zv);
    double z = 0;
    for (int l = 0; l < W; l++) z += (double)lanes[l];
    for (; k < C; k++) {
      VLANES(lanes, vexp(VSUB(VLOADN(o + k, 1), M)));
      if (d) d[k] = lanes[0];
      z += (double)lanes[0];
    }
    const double sc = (double)m * inv;
    if (d) {
      const float f = (float)(sc / z);
      const V F = VSPLAT(f);
      k = 0;
      for (; k + W <= C; k += W) VSTORE(d + k, VMUL(VLOAD(d + k), F));
      for (; k < C; k++) d[k] = d[k] * f;
      d[c] = (float)((double)d[c] - sc);
    }
    s += (double)m * ((double)mx + log(z) - (double)o[c]);
  }
  return s;
}
