// Float32 WebAssembly SIMD kernels of the engine's fast path (AssemblyScript; built by scripts/build-wasm.mjs
// twice: plain SIMD, and relaxed SIMD where `madd` is a fused multiply-add). Every pointer is a byte address
// in the imported (shared) memory; the JS side (src-worker/engine/wasm/) owns all allocation.
//
// GEMM, same contract as src-worker/engine/gemm.ts but in float32:
//   C(M×N) = beta·C + op(A)(M×K) · op(B)(K×N),  op(A) = A (lda) or Aᵀ (A stored K×M),  op(B) = B (ldb) or Bᵀ (B stored N×K)
// GotoBLAS-style: K in chunks of KC, op(B) packed into panels of 8 columns (k-major, zero-padded), op(A)
// into slivers of 4 rows, and a 4×8 micro-kernel with 8 f32x4 accumulators walks both contiguously.
// Summation order per element is fixed (k ascending within a chunk, chunks in order): bit-reproducible.
//
// Gate kernels: one call per time step and layer, fusing the nonlinearities of LSTM / GRU / RNN forward and
// backward (the equations are the ones in src-worker/engine/cells/*.ts). exp is a Cephes-style f32 polynomial
// (≤ 2 ulp on [−87, 88]); σ(x) = 1 / (1 + e^{−x}), tanh x = 1 − 2 / (e^{2x} + 1).

const RELAXED: bool = false; // flipped to true by build-wasm.mjs for the relaxed-SIMD build

const KC: i32 = 256;  // k chunk
const NCP: i32 = 64;  // panels of 8 columns per packed B block (64·8·256·4 B = 512 KiB, stays in L2)

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (RELAXED) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function fidx(p: usize, i: i32): usize { return p + (<usize>i << 2); }

// ---------------------------------------------------------------------------------------------------------
// GEMM

/** Size in floats of op(B) (K×N) packed by packB. */
export function packedSize(K: i32, N: i32): i32 { return ((N + 7) >> 3) * 8 * K; }

/** Panels p0 .. p0+np of op(B)[k0:k0+kc, :] → dst (panel p at p·8·kc floats, element (k, c) at k·8 + c). */
function packPanels(dst: usize, transB: i32, b: usize, ldb: i32, N: i32, k0: i32, kc: i32, p0: i32, np: i32): void {
  for (let p = 0; p < np; p++) {
    const o = fidx(dst, p * 8 * kc), j = (p0 + p) * 8;
    if (!transB && j + 8 <= N) {
      let q = fidx(b, k0 * ldb + j);
      const step = <usize>ldb << 2;
      for (let k = 0; k < kc; k++) {
        const d = o + (<usize>k << 5);
        v128.store(d, v128.load(q));
        v128.store(d, v128.load(q, 16), 16);
        q += step;
      }
    } else if (transB && j + 8 <= N) {
      // columns j..j+8 of op(B) are rows j..j+8 of B: 8 streams, contiguous in k
      const q0 = fidx(b, j * ldb + k0), s = <usize>ldb << 2;
      for (let k = 0; k < kc; k++) {
        const d = o + (<usize>k << 5), q = q0 + (<usize>k << 2);
        store<f32>(d, load<f32>(q)); store<f32>(d, load<f32>(q + s), 4);
        store<f32>(d, load<f32>(q + 2 * s), 8); store<f32>(d, load<f32>(q + 3 * s), 12);
        store<f32>(d, load<f32>(q + 4 * s), 16); store<f32>(d, load<f32>(q + 5 * s), 20);
        store<f32>(d, load<f32>(q + 6 * s), 24); store<f32>(d, load<f32>(q + 7 * s), 28);
      }
    } else {
      for (let c = 0; c < 8; c++) {
        const jc = j + c;
        if (jc < N) {
          let q = transB ? fidx(b, jc * ldb + k0) : fidx(b, k0 * ldb + jc);
          const step: usize = transB ? 4 : <usize>ldb << 2;
          for (let k = 0; k < kc; k++) { store<f32>(o + (<usize>k << 5) + (<usize>c << 2), load<f32>(q)); q += step; }
        } else for (let k = 0; k < kc; k++) store<f32>(o + (<usize>k << 5) + (<usize>c << 2), 0);
      }
    }
  }
}

/** op(A)[i:i+4, k0:k0+kc] → pa[k·4 + r], zero rows past M. */
function packA(pa: usize, transA: i32, a: usize, lda: i32, M: i32, i: i32, k0: i32, kc: i32): void {
  if (i + 4 <= M) {
    if (transA) {
      let q = fidx(a, k0 * lda + i);
      const s = <usize>lda << 2;
      for (let k = 0; k < kc; k++) { v128.store(pa + (<usize>k << 4), v128.load(q)); q += s; }
    } else {
      const q0 = fidx(a, i * lda + k0), s = <usize>lda << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        // 4×4 transpose of rows i..i+3, columns k..k+3
        const q = q0 + (<usize>k << 2);
        const r0 = v128.load(q), r1 = v128.load(q + s), r2 = v128.load(q + 2 * s), r3 = v128.load(q + 3 * s);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const d = pa + (<usize>k << 4);
        v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
        v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 48);
      }
      for (; k < kc; k++) {
        const q = q0 + (<usize>k << 2), d = pa + (<usize>k << 4);
        store<f32>(d, load<f32>(q)); store<f32>(d, load<f32>(q + s), 4);
        store<f32>(d, load<f32>(q + 2 * s), 8); store<f32>(d, load<f32>(q + 3 * s), 12);
      }
    }
    return;
  }
  for (let r = 0; r < 4; r++) {
    const ir = i + r;
    for (let k = 0; k < kc; k++) {
      const v: f32 = ir < M ? (transA ? load<f32>(fidx(a, (k0 + k) * lda + ir)) : load<f32>(fidx(a, ir * lda + k0 + k))) : 0;
      store<f32>(pa + (<usize>k << 4) + (<usize>r << 2), v);
    }
  }
}

/** C[:, panels p0..p0+np) (+)= op(A)[:, k0:k0+kc] · packed panels at pb (panel p at pb + p·8·kc floats). */
function block(transA: i32, M: i32, N: i32, a: usize, lda: i32, k0: i32, kc: i32, pb: usize, p0: i32, np: i32,
  acc: bool, c: usize, ldc: i32, work: usize): void {
  const pa = work, tile = work + (<usize>(4 * KC) << 2);
  const end = <usize>kc << 4;
  for (let i = 0; i < M; i += 4) {
    packA(pa, transA, a, lda, M, i, k0, kc);
    const full = i + 4 <= M;
    for (let p = 0; p < np; p++) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let qa = pa, qb = pb + (<usize>(p * 8 * kc) << 2);
      const ea = pa + end;
      while (qa < ea) {
        const b0 = v128.load(qb), b1 = v128.load(qb, 16);
        let av = v128.load32_splat(qa);
        c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
        av = v128.load32_splat(qa, 4);
        c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
        av = v128.load32_splat(qa, 8);
        c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
        av = v128.load32_splat(qa, 12);
        c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
        qa += 16; qb += 32;
      }
      const j = (p0 + p) * 8;
      if (full && j + 8 <= N) {
        const s = <usize>ldc << 2;
        const q0 = fidx(c, i * ldc + j), q1 = q0 + s, q2 = q1 + s, q3 = q2 + s;
        if (acc) {
          c00 = f32x4.add(v128.load(q0), c00); c01 = f32x4.add(v128.load(q0, 16), c01);
          c10 = f32x4.add(v128.load(q1), c10); c11 = f32x4.add(v128.load(q1, 16), c11);
          c20 = f32x4.add(v128.load(q2), c20); c21 = f32x4.add(v128.load(q2, 16), c21);
          c30 = f32x4.add(v128.load(q3), c30); c31 = f32x4.add(v128.load(q3, 16), c31);
        }
        v128.store(q0, c00); v128.store(q0, c01, 16);
        v128.store(q1, c10); v128.store(q1, c11, 16);
        v128.store(q2, c20); v128.store(q2, c21, 16);
        v128.store(q3, c30); v128.store(q3, c31, 16);
      } else {
        v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
        v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
        const rows = min(4, M - i), cols = min(8, N - j);
        for (let r = 0; r < rows; r++) for (let cc = 0; cc < cols; cc++) {
          const q = fidx(c, (i + r) * ldc + j + cc), v = load<f32>(tile + (<usize>(r * 8 + cc) << 2));
          store<f32>(q, acc ? load<f32>(q) + v : v);
        }
      }
    }
  }
}

function zeroC(M: i32, N: i32, c: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) memory.fill(fidx(c, i * ldc), 0, <usize>N << 2);
}

/** Bytes of scratch `work` that sgemm / sgemmPacked need. */
export function workBytes(): i32 { return (4 * KC + 32 + NCP * 8 * KC) << 2; }

export function sgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: i32, c: usize, ldc: i32, work: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) { if (beta == 0) zeroC(M, N, c, ldc); return; }
  const NP = (N + 7) >> 3, pbuf = work + (<usize>(4 * KC + 32) << 2);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let p0 = 0; p0 < NP; p0 += NCP) {
      const np = min(NCP, NP - p0);
      packPanels(pbuf, transB, b, ldb, N, k0, kc, p0, np);
      block(transA, M, N, a, lda, k0, kc, pbuf, p0, np, beta != 0 || k0 > 0, c, ldc, work);
    }
  }
}

/** Pack op(B) (K×N) once for many products (chunk k0 at k0·NP·8 floats). */
export function packB(transB: i32, K: i32, N: i32, b: usize, ldb: i32, dst: usize): void {
  const NP = (N + 7) >> 3;
  for (let k0 = 0; k0 < K; k0 += KC) packPanels(fidx(dst, k0 * NP * 8), transB, b, ldb, N, k0, min(KC, K - k0), 0, NP);
}

/** C = beta·C + op(A) · op(B) with op(B) from packB (K×N). */
export function sgemmPacked(transA: i32, M: i32, N: i32, K: i32, a: usize, lda: i32, pb: usize, beta: i32,
  c: usize, ldc: i32, work: usize): void {
  sgemmPackedPanels(transA, M, N, K, a, lda, pb, beta, c, ldc, work, 0, (N + 7) >> 3);
}

/**
 * sgemmPacked restricted to the 8-column panels [pFrom, pTo) of C: two threads split a product this way,
 * and every element is computed by the same instructions in the same order as by one thread.
 */
export function sgemmPackedPanels(transA: i32, M: i32, N: i32, K: i32, a: usize, lda: i32, pb: usize, beta: i32,
  c: usize, ldc: i32, work: usize, pFrom: i32, pTo: i32): void {
  if (M <= 0 || N <= 0 || pFrom >= pTo) return;
  if (K <= 0) {
    if (beta == 0) for (let i = 0; i < M; i++) memory.fill(fidx(c, i * ldc + pFrom * 8), 0, <usize>(min(N, pTo * 8) - pFrom * 8) << 2);
    return;
  }
  const NP = (N + 7) >> 3;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0), base = fidx(pb, k0 * NP * 8);
    for (let p0 = pFrom; p0 < pTo; p0 += NCP) {
      block(transA, M, N, a, lda, k0, kc, base + (<usize>(p0 * 8 * kc) << 2), p0, min(NCP, pTo - p0), beta != 0 || k0 > 0, c, ldc, work);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Row / column helpers

/** out[r, :] += bias for N rows of D. */
export function addRows(out: usize, bias: usize, N: i32, D: i32): void {
  for (let r = 0; r < N; r++) {
    const o = fidx(out, r * D);
    let g = 0;
    for (; g + 4 <= D; g += 4) v128.store(o + (<usize>g << 2), f32x4.add(v128.load(o + (<usize>g << 2)), v128.load(fidx(bias, g))));
    for (; g < D; g++) store<f32>(fidx(o, g), load<f32>(fidx(o, g)) + load<f32>(fidx(bias, g)));
  }
}

/** out[g] += Σ_r a[r, g] (row order fixed). */
export function colSum(out: usize, a: usize, N: i32, D: i32): void {
  for (let r = 0; r < N; r++) {
    const o = fidx(a, r * D);
    let g = 0;
    for (; g + 4 <= D; g += 4) v128.store(fidx(out, g), f32x4.add(v128.load(fidx(out, g)), v128.load(o + (<usize>g << 2))));
    for (; g < D; g++) store<f32>(fidx(out, g), load<f32>(fidx(out, g)) + load<f32>(fidx(o, g)));
  }
}

/** out[r, :] = wT[tok[r], :] + bias (token inputs: a row of W_ihᵀ (I, D) instead of a one-hot product). */
export function gatherRows(out: usize, tok: usize, wT: usize, bias: usize, N: i32, D: i32): void {
  for (let r = 0; r < N; r++) {
    const v = load<i32>(tok + (<usize>r << 2)), o = fidx(out, r * D), w = fidx(wT, v * D);
    let g = 0;
    for (; g + 4 <= D; g += 4) v128.store(o + (<usize>g << 2), f32x4.add(v128.load(w + (<usize>g << 2)), v128.load(fidx(bias, g))));
    for (; g < D; g++) store<f32>(fidx(o, g), load<f32>(fidx(w, g)) + load<f32>(fidx(bias, g)));
  }
}

/** dwT[tok[r], :] += a[r, :] (rows in order). */
export function scatterRows(dwT: usize, tok: usize, a: usize, N: i32, D: i32): void {
  for (let r = 0; r < N; r++) {
    const v = load<i32>(tok + (<usize>r << 2)), o = fidx(a, r * D), w = fidx(dwT, v * D);
    let g = 0;
    for (; g + 4 <= D; g += 4) v128.store(w + (<usize>g << 2), f32x4.add(v128.load(w + (<usize>g << 2)), v128.load(o + (<usize>g << 2))));
    for (; g < D; g++) store<f32>(fidx(w, g), load<f32>(fidx(w, g)) + load<f32>(fidx(o, g)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Vector math (f32x4; the scalar tails go through the same functions on a splatted lane)

@inline function vexp(x0: v128): v128 {
  const x = f32x4.max(f32x4.min(x0, f32x4.splat(88.3762626647949)), f32x4.splat(-87.3365478515625));
  const n = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1));
  // 2^n without a float→int conversion: n + (1.5·2^23 + 127) holds n + 127 in its low mantissa bits
  const e = i32x4.shl(f32x4.add(n, f32x4.splat(12583039.0)), 23);
  return f32x4.mul(y, e);
}
@inline function vsigmoid(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), vexp(f32x4.neg(x))));
}
@inline function vtanh(x: v128): v128 {
  return f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(vexp(f32x4.add(x, x)), f32x4.splat(1))));
}
@inline function one(): v128 { return f32x4.splat(1); }

/** Scalar lane j of a row: the same vector code on one element. */
@inline function ld1(p: usize): v128 { return v128.load32_zero(p); }
@inline function st1(p: usize, v: v128): void { v128.store32_lane(p, v, 0); }

export function vexpTest(out: usize, x: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(fidx(out, k), vexp(v128.load(fidx(x, k))));
  for (; k < n; k++) st1(fidx(out, k), vexp(ld1(fidx(x, k))));
}

// ---------------------------------------------------------------------------------------------------------
// LSTM step (gates i, f, g, o blocks of H in a row of 4H)

/**
 * gates (B, 4H): pre-activations in, activations out; cPrev, c, tc, h (B, H) dense rows of H.
 */
export function lstmFwd(gates: usize, cPrev: usize, c: usize, tc: usize, h: usize, B: i32, H: i32): void {
  const H4 = <usize>H << 2; // bytes per gate block
  for (let b = 0; b < B; b++) {
    const gr = fidx(gates, b * 4 * H), o = <usize>(b * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const q = gr + (<usize>j << 2), s = o + (<usize>j << 2);
      const ig = vsigmoid(v128.load(q)), fg = vsigmoid(v128.load(q + H4));
      const gg = vtanh(v128.load(q + 2 * H4)), og = vsigmoid(v128.load(q + 3 * H4));
      v128.store(q, ig); v128.store(q + H4, fg); v128.store(q + 2 * H4, gg); v128.store(q + 3 * H4, og);
      const cv = f32x4.add(f32x4.mul(fg, v128.load(cPrev + s)), f32x4.mul(ig, gg));
      const t = vtanh(cv);
      v128.store(c + s, cv); v128.store(tc + s, t); v128.store(h + s, f32x4.mul(og, t));
    }
    for (; j < H; j++) {
      const q = gr + (<usize>j << 2), s = o + (<usize>j << 2);
      const ig = vsigmoid(ld1(q)), fg = vsigmoid(ld1(q + H4));
      const gg = vtanh(ld1(q + 2 * H4)), og = vsigmoid(ld1(q + 3 * H4));
      st1(q, ig); st1(q + H4, fg); st1(q + 2 * H4, gg); st1(q + 3 * H4, og);
      const cv = f32x4.add(f32x4.mul(fg, ld1(cPrev + s)), f32x4.mul(ig, gg));
      const t = vtanh(cv);
      st1(c + s, cv); st1(tc + s, t); st1(h + s, f32x4.mul(og, t));
    }
  }
}

@inline function lstmBwdVec(q: usize, s: usize, H4: usize, dout: usize, dhNext: usize, dcNext: usize, dhs: usize,
  gates: usize, da: usize, tc: usize, cPrev: usize, wide: bool): void {
  const dh = wide
    ? (dout ? f32x4.add(v128.load(dout + s), v128.load(dhNext + s)) : v128.load(dhNext + s))
    : (dout ? f32x4.add(ld1(dout + s), ld1(dhNext + s)) : ld1(dhNext + s));
  const ig = wide ? v128.load(gates + q) : ld1(gates + q);
  const fg = wide ? v128.load(gates + q + H4) : ld1(gates + q + H4);
  const gg = wide ? v128.load(gates + q + 2 * H4) : ld1(gates + q + 2 * H4);
  const og = wide ? v128.load(gates + q + 3 * H4) : ld1(gates + q + 3 * H4);
  const t = wide ? v128.load(tc + s) : ld1(tc + s);
  const cp = wide ? v128.load(cPrev + s) : ld1(cPrev + s);
  const dcn = wide ? v128.load(dcNext + s) : ld1(dcNext + s);
  const dc = f32x4.add(dcn, f32x4.mul(f32x4.mul(dh, og), f32x4.sub(one(), f32x4.mul(t, t))));
  const dai = f32x4.mul(f32x4.mul(f32x4.mul(dc, gg), ig), f32x4.sub(one(), ig));
  const daf = f32x4.mul(f32x4.mul(f32x4.mul(dc, cp), fg), f32x4.sub(one(), fg));
  const dag = f32x4.mul(f32x4.mul(dc, ig), f32x4.sub(one(), f32x4.mul(gg, gg)));
  const dao = f32x4.mul(f32x4.mul(f32x4.mul(dh, t), og), f32x4.sub(one(), og));
  const dcp = f32x4.mul(dc, fg);
  if (wide) {
    v128.store(dhs + s, dh);
    v128.store(da + q, dai); v128.store(da + q + H4, daf); v128.store(da + q + 2 * H4, dag); v128.store(da + q + 3 * H4, dao);
    v128.store(dcNext + s, dcp);
  } else {
    st1(dhs + s, dh);
    st1(da + q, dai); st1(da + q + H4, daf); st1(da + q + 2 * H4, dag); st1(da + q + 3 * H4, dao);
    st1(dcNext + s, dcp);
  }
}

/**
 * One reverse step: dh = dout + dhNext; writes dhs, da (B, 4H) and dcNext ← dc ⊙ f. dout = 0 means none.
 * All (B, H) operands are dense rows of H; gates / da rows of 4H.
 */
export function lstmBwd(da: usize, dcNext: usize, dhNext: usize, dout: usize, dhs: usize, gates: usize, tc: usize,
  cPrev: usize, B: i32, H: i32): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const g0 = <usize>(b * 4 * H) << 2, s0 = <usize>(b * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmBwdVec(g0 + (<usize>j << 2), s0 + (<usize>j << 2), H4, dout, dhNext, dcNext, dhs, gates, da, tc, cPrev, true);
    for (; j < H; j++) lstmBwdVec(g0 + (<usize>j << 2), s0 + (<usize>j << 2), H4, dout, dhNext, dcNext, dhs, gates, da, tc, cPrev, false);
  }
}

// Offsets above are relative (gates + q etc.), so the wrappers pass absolute bases and relative offsets;
// dout == 0 is handled by the `dout ?` tests (a real buffer is never at address 0).

// ---------------------------------------------------------------------------------------------------------
// Vanilla RNN step: a (n) pre-activations → h = φ(a) written to both a and h

export function rnnFwd(a: usize, h: usize, n: i32, relu: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const v = v128.load(fidx(a, k));
    const r = relu ? f32x4.max(v, f32x4.splat(0)) : vtanh(v);
    v128.store(fidx(a, k), r); v128.store(fidx(h, k), r);
  }
  for (; k < n; k++) {
    const v = ld1(fidx(a, k));
    const r = relu ? f32x4.max(v, f32x4.splat(0)) : vtanh(v);
    st1(fidx(a, k), r); st1(fidx(h, k), r);
  }
}

/** dh = dout + dhNext → dhs; da = dh ⊙ φ'(h). */
export function rnnBwd(da: usize, dhNext: usize, dout: usize, dhs: usize, h: usize, n: i32, relu: i32): void {
  for (let k = 0; k < n; k++) {
    const q = <usize>k << 2;
    const dh: f32 = (dout ? load<f32>(dout + q) : 0) + load<f32>(dhNext + q);
    store<f32>(dhs + q, dh);
    const hv = load<f32>(h + q);
    store<f32>(da + q, relu ? (hv > 0 ? dh : 0) : dh * (1 - hv * hv));
  }
}

// ---------------------------------------------------------------------------------------------------------
// GRU step (reset-after, PyTorch): gates (B, 3H) hold W_ih x + b_ih; hh (B, 3H) = W_hh h_{t−1} + b_hh

export function gruFwd(gates: usize, hh: usize, hn: usize, hPrev: usize, h: usize, B: i32, H: i32): void {
  const H4 = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const g0 = fidx(gates, b * 3 * H), q0 = fidx(hh, b * 3 * H), s0 = <usize>(b * H) << 2;
    for (let j = 0; j < H; j += 4) {
      const wide = j + 4 <= H;
      const jo = <usize>j << 2, g = g0 + jo, q = q0 + jo, s = s0 + jo;
      if (wide) {
        const r = vsigmoid(f32x4.add(v128.load(g), v128.load(q)));
        const z = vsigmoid(f32x4.add(v128.load(g + H4), v128.load(q + H4)));
        const hnv = v128.load(q + 2 * H4);
        const n = vtanh(f32x4.add(v128.load(g + 2 * H4), f32x4.mul(r, hnv)));
        v128.store(g, r); v128.store(g + H4, z); v128.store(g + 2 * H4, n);
        v128.store(hn + s, hnv);
        v128.store(h + s, f32x4.add(f32x4.mul(f32x4.sub(one(), z), n), f32x4.mul(z, v128.load(hPrev + s))));
      } else {
        for (let jj = j; jj < H; jj++) {
          const o = <usize>(jj - j) << 2;
          const r = vsigmoid(f32x4.add(ld1(g + o), ld1(q + o)));
          const z = vsigmoid(f32x4.add(ld1(g + o + H4), ld1(q + o + H4)));
          const hnv = ld1(q + o + 2 * H4);
          const n = vtanh(f32x4.add(ld1(g + o + 2 * H4), f32x4.mul(r, hnv)));
          st1(g + o, r); st1(g + o + H4, z); st1(g + o + 2 * H4, n);
          st1(hn + s + o, hnv);
          st1(h + s + o, f32x4.add(f32x4.mul(f32x4.sub(one(), z), n), f32x4.mul(z, ld1(hPrev + s + o))));
        }
      }
    }
  }
}

/** Reverse step: dgx = [da_r, da_z, da_n], dgh = [da_r, da_z, r ⊙ da_n], dhNext ← dh ⊙ z (the GEMM adds dgh W_hh). */
export function gruBwd(dgx: usize, dgh: usize, dhNext: usize, dout: usize, dhs: usize, gates: usize, hn: usize,
  hPrev: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H, s0 = b * H;
    for (let j = 0; j < H; j++) {
      const s = <usize>(s0 + j) << 2, g = <usize>(g0 + j) << 2, H4 = <usize>H << 2;
      const dh: f32 = (dout ? load<f32>(dout + s) : 0) + load<f32>(dhNext + s);
      store<f32>(dhs + s, dh);
      const r = load<f32>(gates + g), z = load<f32>(gates + g + H4), n = load<f32>(gates + g + 2 * H4), hv = load<f32>(hn + s);
      const dan = dh * (1 - z) * (1 - n * n);
      const daz = dh * (load<f32>(hPrev + s) - n) * z * (1 - z);
      const dar = dan * hv * r * (1 - r);
      store<f32>(dgx + g, dar); store<f32>(dgx + g + H4, daz); store<f32>(dgx + g + 2 * H4, dan);
      store<f32>(dgh + g, dar); store<f32>(dgh + g + H4, daz); store<f32>(dgh + g + 2 * H4, dan * r);
      store<f32>(dhNext + s, dh * z);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Whole scans over the batch rows [b0, b1) of a layer: the time loop of wasm/fast-cells.ts (one packed GEMM and
// one fused gate call per step) inside WASM. Rows are independent in every step of a scan, so two threads can
// each run the whole scan on their own rows with no synchronisation between steps (wasm/pool.ts splits at a
// multiple of 4 rows, the GEMM's sliver height, so every element is computed exactly as by one thread).
// Time-major buffers: gates (T, B, G·H), states (T, B, H); h0 / c0 / dhNext / dcNext / hh (B, ·).

/** Forward LSTM scan; gates hold W_ih x + b_ih + b_hh on entry, activations on return. pk = packed W_hhᵀ. */
export function lstmScanFwd(T: i32, B: i32, H: i32, b0: i32, b1: i32, gates: usize, h0: usize, c0: usize,
  hs: usize, cs: usize, tcs: usize, pk: usize, work: usize): void {
  const G = 4 * H, nb = b1 - b0, rs = <usize>(b0 * H) << 2, rg = <usize>(b0 * G) << 2, BH = <usize>(B * H) << 2;
  for (let t = 0; t < T; t++) {
    const o = <usize>t * BH, hPrev = t == 0 ? h0 : hs + o - BH, cPrev = t == 0 ? c0 : cs + o - BH;
    const gt = gates + (<usize>(t * B * G) << 2) + rg;
    sgemmPacked(0, nb, G, H, hPrev + rs, H, pk, 1, gt, G, work);
    lstmFwd(gt, cPrev + rs, cs + o + rs, tcs + o + rs, hs + o + rs, nb, H);
  }
}

/** Reverse LSTM scan; dhNext / dcNext hold dL/dh_T, dL/dc_T on entry and dL/dh_{−1}, dL/dc_{−1} on return. pk = packed W_hh. */
export function lstmScanBwd(T: i32, B: i32, H: i32, b0: i32, b1: i32, da: usize, dcNext: usize, dhNext: usize, dout: usize,
  dhs: usize, gates: usize, tcs: usize, cs: usize, c0: usize, pk: usize, work: usize): void {
  const G = 4 * H, nb = b1 - b0, rs = <usize>(b0 * H) << 2, rg = <usize>(b0 * G) << 2, BH = <usize>(B * H) << 2;
  for (let t = T - 1; t >= 0; t--) {
    const o = <usize>t * BH, gt = (<usize>(t * B * G) << 2) + rg, cPrev = t == 0 ? c0 : cs + o - BH;
    lstmBwd(da + gt, dcNext + rs, dhNext + rs, dout ? dout + o + rs : 0, dhs + o + rs, gates + gt, tcs + o + rs, cPrev + rs, nb, H);
    sgemmPacked(0, nb, H, G, da + gt, G, pk, 0, dhNext + rs, H, work);
  }
}

/** Forward tanh / relu RNN scan; a holds W_ih x + b_ih + b_hh on entry, h on return. */
export function rnnScanFwd(T: i32, B: i32, H: i32, b0: i32, b1: i32, a: usize, h0: usize, hs: usize, pk: usize, relu: i32,
  work: usize): void {
  const nb = b1 - b0, rs = <usize>(b0 * H) << 2, BH = <usize>(B * H) << 2;
  for (let t = 0; t < T; t++) {
    const o = <usize>t * BH, hPrev = t == 0 ? h0 : hs + o - BH;
    sgemmPacked(0, nb, H, H, hPrev + rs, H, pk, 1, a + o + rs, H, work);
    rnnFwd(a + o + rs, hs + o + rs, nb * H, relu);
  }
}

export function rnnScanBwd(T: i32, B: i32, H: i32, b0: i32, b1: i32, da: usize, dhNext: usize, dout: usize, dhs: usize,
  hs: usize, pk: usize, relu: i32, work: usize): void {
  const nb = b1 - b0, rs = <usize>(b0 * H) << 2, BH = <usize>(B * H) << 2;
  for (let t = T - 1; t >= 0; t--) {
    const o = <usize>t * BH;
    rnnBwd(da + o + rs, dhNext + rs, dout ? dout + o + rs : 0, dhs + o + rs, hs + o + rs, nb * H, relu);
    sgemmPacked(0, nb, H, H, da + o + rs, H, pk, 0, dhNext + rs, H, work);
  }
}

/** Forward GRU (reset-after) scan; hh (B, 3H) is scratch for W_hh h_{t−1} + b_hh; hns keeps its n block. */
export function gruScanFwd(T: i32, B: i32, H: i32, b0: i32, b1: i32, gates: usize, hh: usize, bhh: usize, h0: usize,
  hs: usize, hns: usize, pk: usize, work: usize): void {
  const G = 3 * H, nb = b1 - b0, rs = <usize>(b0 * H) << 2, rg = <usize>(b0 * G) << 2, BH = <usize>(B * H) << 2;
  for (let t = 0; t < T; t++) {
    const o = <usize>t * BH, hPrev = t == 0 ? h0 : hs + o - BH;
    sgemmPacked(0, nb, G, H, hPrev + rs, H, pk, 0, hh + rg, G, work);
    addRows(hh + rg, bhh, nb, G);
    gruFwd(gates + (<usize>(t * B * G) << 2) + rg, hh + rg, hns + o + rs, hPrev + rs, hs + o + rs, nb, H);
  }
}

export function gruScanBwd(T: i32, B: i32, H: i32, b0: i32, b1: i32, dgx: usize, dgh: usize, dhNext: usize, dout: usize,
  dhs: usize, gates: usize, hns: usize, h0: usize, hs: usize, pk: usize, work: usize): void {
  const G = 3 * H, nb = b1 - b0, rs = <usize>(b0 * H) << 2, rg = <usize>(b0 * G) << 2, BH = <usize>(B * H) << 2;
  for (let t = T - 1; t >= 0; t--) {
    const o = <usize>t * BH, gt = (<usize>(t * B * G) << 2) + rg, hPrev = t == 0 ? h0 : hs + o - BH;
    gruBwd(dgx + gt, dgh + gt, dhNext + rs, dout ? dout + o + rs : 0, dhs + o + rs, gates + gt, hns + o + rs, hPrev + rs, nb, H);
    sgemmPacked(0, nb, H, G, dgh + gt, G, pk, 1, dhNext + rs, H, work);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Adam over float32 slabs, computed in f64 exactly like engine/optim.ts does in
// JavaScript (every f32 operand widened, the same operations in the same order, each stored value rounded
// to f32 and read back rounded), so the results are bit-identical to the TypeScript loops.

@inline function wide(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
@inline function narrow(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }

/** Adam (no AMSGrad): g' = g + wd·p; m = b1·m + (1−b1)·g'; v = b2·v + (1−b2)·g'·g'; p −= stepSize·(m / (√v / bc2 + eps)). */
export function adamStep(p: usize, g: usize, m: usize, v: usize, n: i32, stepSize: f64, bc2: f64, b1: f64, b2: f64,
  eps: f64, wd: f64): void {
  const B1 = f64x2.splat(b1), B2 = f64x2.splat(b2), C1 = f64x2.splat(1 - b1), C2 = f64x2.splat(1 - b2);
  const WD = f64x2.splat(wd), S = f64x2.splat(stepSize), BC2 = f64x2.splat(bc2), EPS = f64x2.splat(eps);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const pv = wide(p + o), gi = f64x2.add(wide(g + o), f64x2.mul(WD, pv));
    narrow(m + o, f64x2.add(f64x2.mul(B1, wide(m + o)), f64x2.mul(C1, gi)));
    narrow(v + o, f64x2.add(f64x2.mul(B2, wide(v + o)), f64x2.mul(f64x2.mul(C2, gi), gi)));
    const den = f64x2.add(f64x2.div(f64x2.sqrt(wide(v + o)), BC2), EPS);
    narrow(p + o, f64x2.sub(pv, f64x2.mul(S, f64x2.div(wide(m + o), den))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = <f64>load<f32>(p + o), gi = <f64>load<f32>(g + o) + wd * pv;
    store<f32>(m + o, <f32>(b1 * <f64>load<f32>(m + o) + (1 - b1) * gi));
    store<f32>(v + o, <f32>(b2 * <f64>load<f32>(v + o) + (1 - b2) * gi * gi));
    store<f32>(p + o, <f32>(pv - stepSize * (<f64>load<f32>(m + o) / (Math.sqrt(<f64>load<f32>(v + o)) / bc2 + eps))));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Masked softmax cross-entropy over logits y (N, C) (engine/heads.ts ceLoss in float32 with the vector exp):
// dy (when non-zero) = m·(softmax − onehot(c))/den per row, rows with m = 0 get dy = 0; returns
// Σ_r m·(logsumexp − y_c) in f64, rows in order (the caller divides by den). Class ids are checked by the caller.

export function ceLossF32(dy: usize, y: usize, cls: usize, mask: usize, N: i32, C: i32, inv: f64): f64 {
  let s: f64 = 0;
  for (let r = 0; r < N; r++) {
    const m = mask ? load<f32>(mask + (<usize>r << 2)) : <f32>1, o = fidx(y, r * C), d = dy ? fidx(dy, r * C) : 0;
    if (m == 0) { if (d) memory.fill(d, 0, <usize>C << 2); continue; }
    const c = load<i32>(cls + (<usize>r << 2));
    let k = 0, mv = f32x4.splat(-Infinity);
    for (; k + 4 <= C; k += 4) mv = f32x4.max(mv, v128.load(o + (<usize>k << 2)));
    let mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; k < C; k++) mx = max(mx, load<f32>(o + (<usize>k << 2)));
    const M = f32x4.splat(mx);
    let zv = f32x4.splat(0);
    k = 0;
    for (; k + 4 <= C; k += 4) {
      const e = vexp(f32x4.sub(v128.load(o + (<usize>k << 2)), M));
      if (d) v128.store(d + (<usize>k << 2), e);
      zv = f32x4.add(zv, e);
    }
    let z: f64 = <f64>f32x4.extract_lane(zv, 0) + <f64>f32x4.extract_lane(zv, 1) + <f64>f32x4.extract_lane(zv, 2) + <f64>f32x4.extract_lane(zv, 3);
    for (; k < C; k++) {
      const e = vexp(f32x4.sub(ld1(o + (<usize>k << 2)), M));
      if (d) st1(d + (<usize>k << 2), e);
      z += <f64>f32x4.extract_lane(e, 0);
    }
    const sc = <f64>m * inv;
    if (d) {
      const F = f32x4.splat(<f32>(sc / z));
      k = 0;
      for (; k + 4 <= C; k += 4) v128.store(d + (<usize>k << 2), f32x4.mul(v128.load(d + (<usize>k << 2)), F));
      for (; k < C; k++) store<f32>(d + (<usize>k << 2), load<f32>(d + (<usize>k << 2)) * <f32>(sc / z));
      const q = d + (<usize>c << 2);
      store<f32>(q, <f32>(<f64>load<f32>(q) - sc));
    }
    s += <f64>m * (<f64>mx + Math.log(z) - <f64>load<f32>(o + (<usize>c << 2)));
  }
  return s;
}
