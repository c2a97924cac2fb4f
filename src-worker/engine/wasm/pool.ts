// Optional second thread for big float32 products (RNN_THREADS=2 or setGemmThreads(2); default 1). A helper worker instantiates the
// same kernels on the same shared memory and computes one half of a product while the calling thread computes
// the other: `mm` splits rows at a multiple of 4 (the A sliver height), `mmPacked` splits 8-column panels.
// Either way every element of C is computed by the same instructions in the same order as with one thread,
// so results are bit-identical for any thread count. Products under MIN_SPLIT multiply-adds stay on one
// thread; between products the helper spins ~0.1 ms before sleeping (a futex wake costs tens of µs).
// Node worker_threads only; elsewhere one thread.

import { allocBytes, wasm, type WasmRuntime } from './runtime.js';

const MIN_SPLIT = Number((typeof process !== 'undefined' && process.env?.RNN_SPLIT_MIN) || 1 << 19);
const SPIN = 20000;

// Control block (Int32): [0] request sequence, [1] done sequence, [2] op, [3..] arguments
const HELPER = `
const SPIN = ${SPIN};
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, work } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel abort'); } } }).exports;
const c = new Int32Array(memory.buffer, ctrl, 32);
let seen = 0;
for (;;) {
  // spin ~0.1 ms for the next product of a training step (they come microseconds apart), then sleep
  let s = Atomics.load(c, 0);
  for (let i = 0; i < SPIN && s === seen; i++) s = Atomics.load(c, 0);
  if (s === seen) { Atomics.wait(c, 0, seen); continue; }
  seen = s;
  if (c[2] === 1) k.sgemm(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], work);
  else if (c[2] === 2) k.sgemmPackedPanels(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], work, c[13], c[14]);
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
    const w = new wt.Worker(HELPER, { eval: true, workerData: { module: rt.module, memory: rt.memory, ctrl, work } });
    w.unref();
    return (started = { c, seq: 0 });
  } catch (e) {
    console.warn(`rnn-workbench engine: no helper thread (${(e as Error).message}); products run on one thread`);
    return null;
  }
}

/** Use 1 or 2 threads for big products from now on (returns the number in effect). */
export function setGemmThreads(n: number): number {
  helper = wasm && n >= 2 ? start(wasm) : null;
  return gemmThreads();
}

/** Number of threads the big products use. */
export function gemmThreads(): number { return helper ? 2 : 1; }

if (wasm && typeof process !== 'undefined' && Number(process.env?.RNN_THREADS ?? '1') >= 2) setGemmThreads(2);

function post(h: Helper, op: number, a: number[]): void {
  const c = h.c;
  c[2] = op;
  for (let i = 0; i < a.length; i++) c[3 + i] = a[i];
  h.seq++;
  Atomics.store(c, 0, h.seq);
  Atomics.notify(c, 0);
}

function join(h: Helper): void {
  const c = h.c;
  for (let spin = 0; spin < 200000; spin++) if (Atomics.load(c, 1) === h.seq) return; // ≈ 1 ms
  while (Atomics.load(c, 1) !== h.seq) Atomics.wait(c, 1, Atomics.load(c, 1), 50);
}

/** k.sgemm, split over two threads by rows when big enough. */
export function mm(tA: number, tB: number, M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number,
  beta: number, c: number, ldc: number): void {
  const rt = wasm as WasmRuntime, h = helper;
  if (!h || M < 8 || M * N * K < MIN_SPLIT) { rt.k.sgemm(tA, tB, M, N, K, a, lda, b, ldb, beta, c, ldc, rt.work); return; }
  const m0 = ((M >> 1) + 3) & ~3;
  post(h, 1, [tA, tB, M - m0, N, K, tA ? a + m0 * 4 : a + m0 * lda * 4, lda, b, ldb, beta, c + m0 * ldc * 4, ldc]);
  rt.k.sgemm(tA, tB, m0, N, K, a, lda, b, ldb, beta, c, ldc, rt.work);
  join(h);
}

/** k.sgemmPacked, split over two threads by 8-column panels when big enough. */
export function mmPacked(tA: number, M: number, N: number, K: number, a: number, lda: number, pb: number, beta: number,
  c: number, ldc: number): void {
  const rt = wasm as WasmRuntime, h = helper, NP = (N + 7) >> 3;
  if (!h || NP < 2 || M * N * K < MIN_SPLIT) { rt.k.sgemmPacked(tA, M, N, K, a, lda, pb, beta, c, ldc, rt.work); return; }
  const p0 = NP >> 1;
  post(h, 2, [tA, M, N, K, a, lda, pb, beta, c, ldc, p0, NP]);
  rt.k.sgemmPackedPanels(tA, M, N, K, a, lda, pb, beta, c, ldc, rt.work, 0, p0);
  join(h);
}
