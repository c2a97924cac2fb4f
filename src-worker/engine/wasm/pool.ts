// Optional second thread for the float32 WASM path (RNN_THREADS=2 or setGemmThreads(2); default 1). A helper
// worker instantiates the same kernels (WebAssembly, and the native addon when the engine uses it) on the same
// shared memory and shares the work of a piece with the calling thread. A piece is cut into chunks that either thread claims (an atomic counter), the caller first:
//   · `scan` (the main use): a whole layer scan — every time step, forward or backward — over a range of batch
//     rows per chunk, so there is no synchronisation inside the time loop (scanMode 'batch'; up to 4 chunks);
//   · `mm` splits a product's rows at multiples of 4 (the A sliver height), `mmPacked` its columns at multiples
//     of 32 (the input projections and weight-gradient products over all T·B rows; 2 chunks).
// Every element is computed by the same instructions in the same order whichever thread runs its chunk (rows of
// a scan never mix; a GEMM row or panel does not depend on where the split falls), so results are bit-identical
// for any thread count, and no per-thread gradient slabs or reductions are needed.
// Claiming balances the load: a helper that is descheduled on a busy machine simply claims fewer chunks (the
// caller runs the rest), and the caller only ever waits for a chunk the helper has already started.
// Between pieces the helper spins ~0.1 ms before sleeping (a futex wake costs tens of µs).
// The helper allocates nothing: every buffer comes from the calling thread; it has its own GEMM scratch.
// Node worker_threads only; elsewhere one thread.

import { allocBytes, wasm, type Kernels, type WasmRuntime } from './runtime.js'

const env = typeof process !== 'undefined' ? process.env : undefined
/** Split a product over all T·B rows when it has at least this many multiply-adds (≈ 40 µs per half). */
const MIN_SPLIT = Number(env?.RNN_SPLIT_MIN || 1 << 21)
/** Rows per scan chunk at least (chunks = min(4, ⌊B / SCAN_ROWS⌋)). */
const SCAN_ROWS = Math.max(4, Number(env?.RNN_SCAN_ROWS || 8))
/** Batch-split scans when B·H reaches this (docs/PERFORMANCE.md, "Two threads"). */
const SCAN_MIN = Number(env?.RNN_SCAN_MIN || 1024)
/** 'batch' (default) or 'step' (the per-step product split, kept for comparisons). */
const SPLIT_MODE = env?.RNN_SPLIT === 'step' ? 'step' : 'batch'
const SPIN = 20000

const SCANS = ['lstmScanFwd', 'lstmScanBwd', 'rnnScanFwd', 'rnnScanBwd', 'gruScanFwd', 'gruScanBwd'] as const
export type ScanKernel = (typeof SCANS)[number]

// Control block (Int32): [0] piece sequence (wakes the helper), [2] op, [3..29) arguments, [29] chunks finished,
// [30] claim word: (piece sequence mod 2²⁰) << 10 | chunks << 5 | next chunk (all claimed when next = chunks),
// claimed by compare-and-exchange, so a claim always names its piece and chunk count; [31] argument count.
// op 1 = sgemm (args as k.sgemm without work), 2 = sgemmPacked (args as k.sgemmPacked without work),
// 3 + i = SCANS[i] (args T, B, H, ...rest: the kernel gets T, B, H, b0, b1, ...rest, work).
/** Column splits of packed products fall on multiples of 4 panels of 8 (the native AVX-512 panel is 32 wide). */
const PANEL_ALIGN = 4
const FIN = 29,
  NEXT = 30,
  NARGS = 31

/** Start of chunk i of n over `total` units, aligned to `align` (the last chunk ends at total). */
function bound(total: number, i: number, n: number, align: number): number {
  if (i <= 0) return 0
  if (i >= n) return total
  return Math.min(total, Math.ceil(Math.floor((total * i) / n) / align) * align)
}

/** Chunk i of n of a piece (the helper runs a copy of this function's source, see HELPER). */
function runChunk(
  k: Kernels,
  op: number,
  a: ArrayLike<number>,
  nargs: number,
  i: number,
  n: number,
  work: number
): void {
  if (op === 1) {
    const M = a[2],
      r0 = bound(M, i, n, 4),
      r1 = bound(M, i + 1, n, 4),
      lda = a[6],
      ldc = a[11]
    if (r1 > r0)
      k.sgemm(
        a[0],
        a[1],
        r1 - r0,
        a[3],
        a[4],
        a[0] ? a[5] + r0 * 4 : a[5] + r0 * lda * 4,
        lda,
        a[7],
        a[8],
        a[9],
        a[10] + r0 * ldc * 4,
        ldc,
        work
      )
    return
  }
  if (op === 2) {
    const NP = (a[2] + 7) >> 3,
      p0 = bound(NP, i, n, PANEL_ALIGN),
      p1 = bound(NP, i + 1, n, PANEL_ALIGN)
    if (p1 > p0) k.sgemmPackedPanels(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], work, p0, p1)
    return
  }
  const B = a[1],
    r0 = bound(B, i, n, 4),
    r1 = bound(B, i + 1, n, 4)
  if (r1 <= r0) return
  const x = [a[0], a[1], a[2], r0, r1]
  for (let j = 3; j < nargs; j++) x.push(a[j])
  x.push(work)
  ;(k[SCANS[op - 3]] as (...v: number[]) => void)(...x)
}

const HELPER = `
const SPIN = ${SPIN}, FIN = ${FIN}, NEXT = ${NEXT}, NARGS = ${NARGS}, PANEL_ALIGN = ${PANEL_ALIGN};
const SCANS = ${JSON.stringify(SCANS)};
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, work, native } = workerData;
const wk = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel abort'); } } }).exports;
// the same kernel object as the calling thread's: the native addon's kernels (wasm/native.ts) over WebAssembly
const k = native ? Object.assign({}, wk) : wk;
if (native) {
  const addon = require(native.file);
  addon.init(new Uint8Array(memory.buffer), native.isa);
  for (const n of native.names) k[n] = addon[n];
}
const c = new Int32Array(memory.buffer, ctrl, 32), args = c.subarray(3);
// plain-source copies of bound / runChunk in pool.ts (bundlers rename identifiers inside function sources)
function bound(total, i, n, align) {
  if (i <= 0) return 0;
  if (i >= n) return total;
  return Math.min(total, Math.ceil(Math.floor((total * i) / n) / align) * align);
}
function runChunk(op, a, nargs, i, n) {
  if (op === 1) {
    const M = a[2], r0 = bound(M, i, n, 4), r1 = bound(M, i + 1, n, 4), lda = a[6], ldc = a[11];
    if (r1 > r0) k.sgemm(a[0], a[1], r1 - r0, a[3], a[4], a[0] ? a[5] + r0 * 4 : a[5] + r0 * lda * 4, lda, a[7], a[8], a[9], a[10] + r0 * ldc * 4, ldc, work);
    return;
  }
  if (op === 2) {
    const NP = (a[2] + 7) >> 3, p0 = bound(NP, i, n, PANEL_ALIGN), p1 = bound(NP, i + 1, n, PANEL_ALIGN);
    if (p1 > p0) k.sgemmPackedPanels(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], work, p0, p1);
    return;
  }
  const B = a[1], r0 = bound(B, i, n, 4), r1 = bound(B, i + 1, n, 4);
  if (r1 <= r0) return;
  const x = [a[0], a[1], a[2], r0, r1];
  for (let j = 3; j < nargs; j++) x.push(a[j]);
  x.push(work);
  k[SCANS[op - 3]](...x);
}
function claim() {
  for (;;) {
    const v = Atomics.load(c, NEXT);
    if ((v & 31) >= ((v >> 5) & 31)) return -1;
    if (Atomics.compareExchange(c, NEXT, v, v + 1) === v) return v;
  }
}
let seen = 0;
for (;;) {
  let s = Atomics.load(c, 0);
  for (let i = 0; i < SPIN && s === seen; i++) s = Atomics.load(c, 0);
  if (s === seen) { Atomics.wait(c, 0, seen); continue; }
  seen = s;
  // claim chunks until none is left; the arguments are read only after a successful claim (the caller writes
  // them before it opens the claim word, and keeps them until every chunk of the piece is finished)
  for (;;) {
    const v = claim();
    if (v < 0) break;
    runChunk(c[2], args, c[NARGS], v & 31, (v >> 5) & 31);
    Atomics.add(c, FIN, 1);
    Atomics.notify(c, FIN);
  }
}`

interface Helper {
  c: Int32Array
  seq: number
}
let helper: Helper | null = null
let started: Helper | null = null

function start(rt: WasmRuntime): Helper | null {
  if (started) return started
  try {
    const getBuiltin = (process as unknown as { getBuiltinModule?: (m: string) => unknown }).getBuiltinModule
    if (!getBuiltin) return null
    const wt = getBuiltin('node:worker_threads') as typeof import('node:worker_threads')
    const ctrl = allocBytes(128),
      work = allocBytes(rt.k.workBytes())
    const c = new Int32Array(rt.memory.buffer, ctrl, 32)
    c[NEXT] = 0 // no chunks: nothing to claim
    const native = rt.native && { file: rt.native.file, isa: rt.native.isa, names: rt.native.names }
    const w = new wt.Worker(HELPER, {
      eval: true,
      workerData: { module: rt.module, memory: rt.memory, ctrl, work, native }
    })
    w.unref()
    return (started = { c, seq: 0 })
  } catch (e) {
    console.warn(`rnn-workbench engine: no helper thread (${(e as Error).message}); everything runs on one thread`)
    return null
  }
}

/** Use 1 or 2 threads from now on (returns the number in effect). */
export function setGemmThreads(n: number): number {
  helper = wasm && n >= 2 ? start(wasm) : null
  return gemmThreads()
}

/** Number of threads in use. */
export function gemmThreads(): number {
  return helper ? 2 : 1
}

if (wasm && Number(env?.RNN_THREADS ?? '1') >= 2) setGemmThreads(2)

let helperOnly = false
/** Tests only: the calling thread claims no chunks of split pieces, so the helper runs all of them. */
export function setHelperOnly(on: boolean): void {
  helperOnly = on
}

let chunksAll = 0,
  chunksHelper = 0
/** Chunks of split pieces since the last call, and how many of them the helper ran (a late helper runs fewer). */
export function helperShare(): { chunks: number; helper: number } {
  const r = { chunks: chunksAll, helper: chunksHelper }
  chunksAll = 0
  chunksHelper = 0
  return r
}

/** Run a piece of n chunks on both threads; returns when every chunk is finished. */
function run(h: Helper, op: number, a: number[], n: number): void {
  const c = h.c,
    rt = wasm as WasmRuntime
  c[2] = op
  c[NARGS] = a.length
  for (let i = 0; i < a.length; i++) c[3 + i] = a[i]
  Atomics.store(c, FIN, 0)
  h.seq++
  Atomics.store(c, NEXT, ((h.seq & 0xfffff) << 10) | (n << 5)) // open: from here on the helper may claim
  Atomics.store(c, 0, h.seq)
  Atomics.notify(c, 0)
  let mine = 0
  for (;;) {
    if (helperOnly) break
    const v = Atomics.load(c, NEXT),
      i = v & 31
    if (i >= n) break
    if (Atomics.compareExchange(c, NEXT, v, v + 1) !== v) continue
    runChunk(rt.k, op, a, a.length, i, n, rt.work)
    mine++
    Atomics.add(c, FIN, 1)
  }
  // wait only for chunks the helper has claimed and not finished yet
  for (let spin = 0; spin < 200000 && Atomics.load(c, FIN) < n; spin++) {
    /* ≈ 1 ms */
  }
  for (let f = Atomics.load(c, FIN); f < n; f = Atomics.load(c, FIN)) Atomics.wait(c, FIN, f, 50)
  chunksAll += n
  chunksHelper += n - mine
}

/** k.sgemm, split over two threads by rows when big enough. */
export function mm(
  tA: number,
  tB: number,
  M: number,
  N: number,
  K: number,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  beta: number,
  c: number,
  ldc: number
): void {
  const rt = wasm as WasmRuntime,
    h = helper
  if (!h || M < 8 || M * N * K < MIN_SPLIT) {
    rt.k.sgemm(tA, tB, M, N, K, a, lda, b, ldb, beta, c, ldc, rt.work)
    return
  }
  run(h, 1, [tA, tB, M, N, K, a, lda, b, ldb, beta, c, ldc], 2)
}

/** k.sgemmPacked, split over two threads by columns (multiples of 32) when big enough. */
export function mmPacked(
  tA: number,
  M: number,
  N: number,
  K: number,
  a: number,
  lda: number,
  pb: number,
  beta: number,
  c: number,
  ldc: number
): void {
  const rt = wasm as WasmRuntime,
    h = helper,
    NP = (N + 7) >> 3
  if (!h || NP < 2 * PANEL_ALIGN || M * N * K < MIN_SPLIT) {
    rt.k.sgemmPacked(tA, M, N, K, a, lda, pb, beta, c, ldc, rt.work)
    return
  }
  run(h, 2, [tA, M, N, K, a, lda, pb, beta, c, ldc], 2)
}

/**
 * How a layer scan over B rows of H hidden units runs:
 *   'one'    one thread (no helper, or too small to pay for a hand-over);
 *   'batch'  chunks of whole-scan batch rows claimed by both threads;
 *   'step'   the per-step split of every recurrent product (RNN_SPLIT=step, kept for comparisons).
 * The rule: with a helper, split the batch when B ≥ 2·SCAN_ROWS and B·H ≥ SCAN_MIN (RNN_SCAN_MIN, default 1024),
 * into min(4, ⌊B / SCAN_ROWS⌋) chunks (RNN_SCAN_ROWS, default 8 rows at least).
 */
export function scanMode(B: number, H: number): 'one' | 'batch' | 'step' {
  if (!helper) return 'one'
  if (SPLIT_MODE === 'step') return 'step'
  return B >= 2 * SCAN_ROWS && B * H >= SCAN_MIN ? 'batch' : 'one'
}

/** Run scan kernel `name(T, B, H, b0, b1, ...rest, work)` over all B rows (split by rows when scanMode says 'batch'). */
export function scan(name: ScanKernel, T: number, B: number, H: number, rest: number[]): void {
  const rt = wasm as WasmRuntime,
    h = helper
  if (!h || scanMode(B, H) !== 'batch') {
    ;(rt.k[name] as (...a: number[]) => void)(T, B, H, 0, B, ...rest, rt.work)
    return
  }
  run(h, 3 + SCANS.indexOf(name), [T, B, H, ...rest], Math.min(4, Math.floor(B / SCAN_ROWS)))
}
