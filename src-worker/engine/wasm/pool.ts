// Optional second thread for the float32 WASM path (RNN_THREADS=2 or setGemmThreads(2); default 1). A helper
// worker instantiates the same kernels on the same shared memory and takes over one part of a piece of work
// while the calling thread does the other:
//   · `scan` (the main use): each thread runs a whole layer scan — every time step, forward or backward — over
//     its own rows of the batch, so there is no synchronisation inside the time loop (scanMode 'batch');
//   · `mm` splits a product's rows at a multiple of 4 (the A sliver height), `mmPacked` its 8-column panels
//     (the input projections and weight-gradient products over all T·B rows, and the old per-step split).
// Every element is computed by the same instructions in the same order as with one thread (rows of a scan never
// mix; a GEMM row or panel does not depend on where the split falls), so results are bit-identical for any
// thread count, and no per-thread gradient slabs or reductions are needed.
//
// Hand-over: the caller posts the helper's part, does its own, then tries to claim the helper's part back
// (compare-and-exchange on a claim word). If the helper has not started it — descheduled on a busy machine —
// the caller runs it itself instead of waiting, so a late helper costs little more than one thread would.
// Between pieces the helper spins ~0.1 ms before sleeping (a futex wake costs tens of µs).
// The helper allocates nothing: every buffer comes from the calling thread, and it has its own GEMM scratch.
// Node worker_threads only; elsewhere one thread.

import { allocBytes, wasm, type Kernels, type WasmRuntime } from './runtime.js';

const env = typeof process !== 'undefined' ? process.env : undefined;
const MIN_SPLIT = Number(env?.RNN_SPLIT_MIN || 1 << 19);
/** Batch-split scans when B·H reaches this (docs/PERFORMANCE.md, "Two threads"). */
const SCAN_MIN = Number(env?.RNN_SCAN_MIN || 1024);
/** 'batch' (default) or 'step' (the per-step product split, kept for comparisons). */
const SPLIT_MODE = env?.RNN_SPLIT === 'step' ? 'step' : 'batch';
const SPIN = 20000;

const SCANS = ['lstmScanFwd', 'lstmScanBwd', 'rnnScanFwd', 'rnnScanBwd', 'gruScanFwd', 'gruScanBwd'] as const;
export type ScanKernel = typeof SCANS[number];

// Control block (Int32): [0] request sequence, [1] done sequence, [2] op, [3..30) arguments,
// [30] claim (0 = open, 1 = helper runs it, 2 = the caller took it back), [31] argument count.
// op 1 = sgemm, 2 = sgemmPackedPanels, 3 + i = SCANS[i]; the helper's GEMM scratch is appended as the last argument.
const CLAIM = 30, NARGS = 31;

function runOp(k: Kernels, op: number, c: ArrayLike<number>, n: number, work: number): void {
  if (op === 1) { k.sgemm(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], work); return; }
  if (op === 2) { k.sgemmPackedPanels(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], work, c[10], c[11]); return; }
  const a = new Array<number>(n + 1);
  for (let i = 0; i < n; i++) a[i] = c[i];
  a[n] = work;
  (k[SCANS[op - 3]] as (...x: number[]) => void)(...a);
}

const HELPER = `
const SPIN = ${SPIN}, CLAIM = ${CLAIM}, NARGS = ${NARGS};
const SCANS = ${JSON.stringify(SCANS)};
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, work } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel abort'); } } }).exports;
const c = new Int32Array(memory.buffer, ctrl, 32);
function runOp(k, op, c, n, work) { // the same as runOp below (kept as plain source: bundlers rename identifiers)
  if (op === 1) { k.sgemm(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], work); return; }
  if (op === 2) { k.sgemmPackedPanels(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], work, c[10], c[11]); return; }
  const a = new Array(n + 1);
  for (let i = 0; i < n; i++) a[i] = c[i];
  a[n] = work;
  k[SCANS[op - 3]](...a);
}
let seen = 0;
for (;;) {
  let s = Atomics.load(c, 0);
  for (let i = 0; i < SPIN && s === seen; i++) s = Atomics.load(c, 0);
  if (s === seen) { Atomics.wait(c, 0, seen); continue; }
  seen = s;
  // run it unless the caller already took it back (the arguments are read only after a successful claim)
  if (Atomics.compareExchange(c, CLAIM, 0, 1) === 0) runOp(k, c[2], c.subarray(3), c[NARGS], work);
  Atomics.store(c, 1, seen);
  Atomics.notify(c, 1);
}`;

interface Helper { c: Int32Array; seq: number }
let helper: Helper | null = null;
let started: Helper | null = null;

function start(rt: WasmRuntime): Helper | null {
  if (started) return started;
  try {
    const getBuiltin = (process as unknown as { getBuiltinModule?: (m: string) => unknown }).getBuiltinModule;
    if (!getBuiltin) return null;
    const wt = getBuiltin('node:worker_threads') as typeof import('node:worker_threads');
    const ctrl = allocBytes(128), work = allocBytes(rt.k.workBytes());
    const c = new Int32Array(rt.memory.buffer, ctrl, 32);
    c[CLAIM] = 2; // nothing open to claim
    const w = new wt.Worker(HELPER, { eval: true, workerData: { module: rt.module, memory: rt.memory, ctrl, work } });
    w.unref();
    return (started = { c, seq: 0 });
  } catch (e) {
    console.warn(`rnn-workbench engine: no helper thread (${(e as Error).message}); everything runs on one thread`);
    return null;
  }
}

/** Use 1 or 2 threads from now on (returns the number in effect). */
export function setGemmThreads(n: number): number {
  helper = wasm && n >= 2 ? start(wasm) : null;
  return gemmThreads();
}

/** Number of threads in use. */
export function gemmThreads(): number { return helper ? 2 : 1; }

if (wasm && Number(env?.RNN_THREADS ?? '1') >= 2) setGemmThreads(2);

function post(h: Helper, op: number, a: number[]): void {
  const c = h.c;
  c[2] = op; c[NARGS] = a.length;
  for (let i = 0; i < a.length; i++) c[3 + i] = a[i];
  Atomics.store(c, CLAIM, 0);
  h.seq++;
  Atomics.store(c, 0, h.seq);
  Atomics.notify(c, 0);
}

/** After the caller's own part: take the helper's part back if it has not started, else wait for it. */
function finish(h: Helper, op: number, a: number[]): void {
  const c = h.c, rt = wasm as WasmRuntime;
  if (Atomics.compareExchange(c, CLAIM, 0, 2) === 0) { stolen++; runOp(rt.k, op, a, a.length, rt.work); return; }
  for (let spin = 0; spin < 200000; spin++) if (Atomics.load(c, 1) === h.seq) return; // ≈ 1 ms
  while (Atomics.load(c, 1) !== h.seq) Atomics.wait(c, 1, Atomics.load(c, 1), 50);
}

let stolen = 0;
/** How many hand-overs the calling thread took back since the last call (a measure of a late helper). */
export function takenBack(): number { const s = stolen; stolen = 0; return s; }

/** k.sgemm, split over two threads by rows when big enough. */
export function mm(tA: number, tB: number, M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number,
  beta: number, c: number, ldc: number): void {
  const rt = wasm as WasmRuntime, h = helper;
  if (!h || M < 8 || M * N * K < MIN_SPLIT) { rt.k.sgemm(tA, tB, M, N, K, a, lda, b, ldb, beta, c, ldc, rt.work); return; }
  const m0 = ((M >> 1) + 3) & ~3;
  const args = [tA, tB, M - m0, N, K, tA ? a + m0 * 4 : a + m0 * lda * 4, lda, b, ldb, beta, c + m0 * ldc * 4, ldc];
  post(h, 1, args);
  rt.k.sgemm(tA, tB, m0, N, K, a, lda, b, ldb, beta, c, ldc, rt.work);
  finish(h, 1, args);
}

/** k.sgemmPacked, split over two threads by 8-column panels when big enough. */
export function mmPacked(tA: number, M: number, N: number, K: number, a: number, lda: number, pb: number, beta: number,
  c: number, ldc: number): void {
  const rt = wasm as WasmRuntime, h = helper, NP = (N + 7) >> 3;
  if (!h || NP < 2 || M * N * K < MIN_SPLIT) { rt.k.sgemmPacked(tA, M, N, K, a, lda, pb, beta, c, ldc, rt.work); return; }
  const p0 = NP >> 1, args = [tA, M, N, K, a, lda, pb, beta, c, ldc, p0, NP];
  post(h, 2, args);
  rt.k.sgemmPackedPanels(tA, M, N, K, a, lda, pb, beta, c, ldc, rt.work, 0, p0);
  finish(h, 2, args);
}

/**
 * How a layer scan over B rows of H hidden units runs:
 *   'one'    one thread (no helper, or too small to pay for a hand-over);
 *   'batch'  each thread runs the whole scan on its own rows of the batch;
 *   'step'   the per-step split of every recurrent product (RNN_SPLIT=step, kept for comparisons).
 * The rule: with a helper, split the batch when B ≥ 8 and B·H ≥ SCAN_MIN (RNN_SCAN_MIN, default 1024).
 */
export function scanMode(B: number, H: number): 'one' | 'batch' | 'step' {
  if (!helper) return 'one';
  if (SPLIT_MODE === 'step') return 'step';
  return B >= 8 && B * H >= SCAN_MIN ? 'batch' : 'one';
}

/**
 * Run scan kernel `name(T, B, H, b0, b1, ...rest, work)` over all B rows: on this thread alone, or (scanMode
 * 'batch') rows [0, mid) here and [mid, B) on the helper, mid a multiple of 4 near B/2.
 */
export function scan(name: ScanKernel, T: number, B: number, H: number, rest: number[]): void {
  const rt = wasm as WasmRuntime, h = helper, fn = rt.k[name] as (...a: number[]) => void;
  const mid = h && scanMode(B, H) === 'batch' ? ((B >> 1) + 3) & ~3 : 0;
  if (!h || mid <= 0 || mid >= B) { fn(T, B, H, 0, B, ...rest, rt.work); return; }
  const op = 3 + SCANS.indexOf(name), args = [T, B, H, mid, B, ...rest];
  post(h, op, args);
  fn(T, B, H, 0, mid, ...rest, rt.work);
  finish(h, op, args);
}
