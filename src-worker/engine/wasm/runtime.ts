// The WebAssembly runtime of the float32 fast path: loads the kernels built from assembly/kernels.ts
// (relaxed SIMD → plain SIMD → none, feature-detected with WebAssembly.validate), owns their shared memory and
// hands out float32 buffers inside it, so kernels work on engine buffers in place (no copies in time loops).
// The native kernel library, when built, replaces the WebAssembly kernels it has on the same memory
// (wasm/native.ts): the engine calls native → relaxed SIMD → SIMD → TypeScript kernels, the first available.
//
// Falls back — and says so once on stderr — when the generated module is absent (run `npm run build:wasm`),
// when SharedArrayBuffer or SIMD is missing, or when RNN_WASM=0 is set (reference comparisons). Callers test
// `wasm !== null` and keep their TypeScript kernels otherwise.
//
// Memory: one shared WebAssembly.Memory (growing it never detaches existing views, unlike a plain one).
// Blocks are 64-byte aligned and recycled by exact size class; owners return them with `free` (the fast
// layers do it through a FinalizationRegistry when their Stack is collected).

import { checkBase, loadNative, mergeKernels, type NativeKernels } from './native.js'

export interface Kernels {
  packedSize(K: number, N: number): number
  workBytes(): number
  sgemm(
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
    ldc: number,
    work: number
  ): void
  packB(tB: number, K: number, N: number, b: number, ldb: number, dst: number): void
  sgemmPacked(
    tA: number,
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    pb: number,
    beta: number,
    c: number,
    ldc: number,
    work: number
  ): void
  sgemmPackedPanels(
    tA: number,
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    pb: number,
    beta: number,
    c: number,
    ldc: number,
    work: number,
    pFrom: number,
    pTo: number
  ): void
  addRows(out: number, bias: number, N: number, D: number): void
  colSum(out: number, a: number, N: number, D: number): void
  gatherRows(out: number, tok: number, wT: number, bias: number, N: number, D: number): void
  scatterRows(dwT: number, tok: number, a: number, N: number, D: number): void
  vexpTest(out: number, x: number, n: number): void
  lstmFwd(gates: number, cPrev: number, c: number, tc: number, h: number, B: number, H: number): void
  lstmBwd(
    da: number,
    dcNext: number,
    dhNext: number,
    dout: number,
    dhs: number,
    gates: number,
    tc: number,
    cPrev: number,
    B: number,
    H: number
  ): void
  rnnFwd(a: number, h: number, n: number, relu: number): void
  rnnBwd(da: number, dhNext: number, dout: number, dhs: number, h: number, n: number, relu: number): void
  gruFwd(gates: number, hh: number, hn: number, hPrev: number, h: number, B: number, H: number): void
  gruBwd(
    dgx: number,
    dgh: number,
    dhNext: number,
    dout: number,
    dhs: number,
    gates: number,
    hn: number,
    hPrev: number,
    B: number,
    H: number
  ): void
  // whole scans over batch rows [b0, b1) (the time loop inside WASM; see assembly/kernels.ts)
  lstmScanFwd(
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    gates: number,
    h0: number,
    c0: number,
    hs: number,
    cs: number,
    tcs: number,
    pk: number,
    work: number
  ): void
  lstmScanBwd(
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    da: number,
    dcNext: number,
    dhNext: number,
    dout: number,
    dhs: number,
    gates: number,
    tcs: number,
    cs: number,
    c0: number,
    pk: number,
    work: number
  ): void
  rnnScanFwd(
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    a: number,
    h0: number,
    hs: number,
    pk: number,
    relu: number,
    work: number
  ): void
  rnnScanBwd(
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    da: number,
    dhNext: number,
    dout: number,
    dhs: number,
    hs: number,
    pk: number,
    relu: number,
    work: number
  ): void
  gruScanFwd(
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    gates: number,
    hh: number,
    bhh: number,
    h0: number,
    hs: number,
    hns: number,
    pk: number,
    work: number
  ): void
  gruScanBwd(
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    dgx: number,
    dgh: number,
    dhNext: number,
    dout: number,
    dhs: number,
    gates: number,
    hns: number,
    h0: number,
    hs: number,
    pk: number,
    work: number
  ): void
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    stepSize: number,
    bc2: number,
    b1: number,
    b2: number,
    eps: number,
    wd: number
  ): void
  ceLossF32(dy: number, y: number, cls: number, mask: number, N: number, C: number, inv: number): number
}

export interface WasmRuntime {
  /** The kernels the engine calls: the native addon's where it has them (wasm/native.ts), else WebAssembly. */
  k: Kernels
  memory: WebAssembly.Memory
  module: WebAssembly.Module
  variant: 'relaxed-simd' | 'simd'
  /** The native kernel library in use, or null (WebAssembly only). */
  native: NativeKernels | null
  /** Scratch of k.workBytes() bytes for the GEMM kernels (packed panels of A and B). */
  work: number
}

const PAGE = 65536,
  ALIGN = 64,
  BASE = 1 << 20 // the module's own data stays below 1 MiB

function say(msg: string): void {
  if (typeof process !== 'undefined' && process.env?.RNN_WASM_QUIET === '1') return
  console.warn(`rnn-workbench engine: ${msg}`)
}

function decode(b64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(b64, 'base64'))
  const s = atob(b64),
    out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

async function load(): Promise<WasmRuntime | null> {
  const env = typeof process !== 'undefined' ? process.env : undefined
  if (env?.RNN_WASM === '0') {
    say('WebAssembly kernels off (RNN_WASM=0): float32 uses the TypeScript kernels')
    return null
  }
  let gen: { SIMD_WASM: string; RELAXED_WASM: string }
  try {
    // eslint-disable-next-line @typescript-eslint/ban-ts-comment -- the file may or may not exist when type-checked
    // @ts-ignore -- generated by scripts/build-wasm.mjs (git-ignored); absent until `npm run build:wasm`
    gen = await import('./kernels.generated.js')
  } catch {
    say('WebAssembly kernels not built (run `npm run build:wasm`): float32 uses the TypeScript kernels')
    return null
  }
  if (typeof WebAssembly === 'undefined' || typeof SharedArrayBuffer === 'undefined') {
    say('no WebAssembly or SharedArrayBuffer here: float32 uses the TypeScript kernels')
    return null
  }
  const wantRelaxed = env?.RNN_WASM !== 'simd'
  if (wantRelaxed && typeof process !== 'undefined' && process.versions?.node) {
    // Node 20 (V8 11.3) ships relaxed SIMD behind a flag; it must be set before compiling. Later V8s ignore it.
    try {
      ;(await import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd')
    } catch {
      /* not Node */
    }
  }
  let memory: WebAssembly.Memory
  try {
    memory = new WebAssembly.Memory({ initial: BASE / PAGE + 16, maximum: 65536, shared: true })
  } catch (e) {
    say(`cannot create a shared WebAssembly memory (${(e as Error).message}): float32 uses the TypeScript kernels`)
    return null
  }
  const variants: ['relaxed-simd' | 'simd', string][] = wantRelaxed
    ? [
        ['relaxed-simd', gen.RELAXED_WASM],
        ['simd', gen.SIMD_WASM]
      ]
    : [['simd', gen.SIMD_WASM]]
  for (const [variant, b64] of variants) {
    const bytes = decode(b64)
    if (!WebAssembly.validate(bytes as BufferSource)) continue
    try {
      const module = new WebAssembly.Module(bytes as BufferSource)
      const inst = new WebAssembly.Instance(module, {
        env: {
          memory,
          abort: () => {
            throw new Error('wasm kernel abort')
          }
        }
      })
      const wasmK = inst.exports as unknown as Kernels,
        native = loadNative(memory, say)
      const k = native ? mergeKernels(wasmK, native) : wasmK
      const rt: WasmRuntime = { k, memory, module, variant, native, work: 0 }
      runtime = rt
      rt.work = allocBytes(k.workBytes())
      return rt
    } catch (e) {
      say(`WebAssembly ${variant} kernels failed to instantiate (${(e as Error).message})`)
    }
  }
  say('this runtime validates neither the relaxed-SIMD nor the SIMD kernels: float32 uses the TypeScript kernels')
  return null
}

let runtime: WasmRuntime | null = null
let top = BASE
const freeLists = new Map<number, number[]>()
const buffers = new Set<ArrayBufferLike>()
let current: ArrayBufferLike | null = null

function sizeClass(bytes: number): number {
  // exact multiples of 64 B up to 64 KiB, then steps of 1/8 of the power of two (≤ 12.5 % waste)
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN)
  if (b <= 65536) return b
  const p = 2 ** Math.floor(Math.log2(b)),
    step = p / 8
  return Math.ceil(b / step) * step
}

/** A 64-byte aligned block of at least `bytes` bytes; returns its byte address. */
export function allocBytes(bytes: number): number {
  const rt = runtime as WasmRuntime,
    size = sizeClass(bytes)
  const list = freeLists.get(size)
  if (list && list.length) return list.pop() as number
  const addr = top,
    end = addr + size + ALIGN // one spare line: kernels may read a vector past a row end
  const have = rt.memory.buffer.byteLength
  if (end > have) {
    rt.memory.grow(Math.ceil((end - have) / PAGE))
    if (rt.native) checkBase(rt.native, rt.memory)
  }
  top = end
  blockSize.set(addr, size)
  return addr
}
const blockSize = new Map<number, number>()

/** Return a block from allocBytes / allocF32. */
export function free(addr: number): void {
  const size = blockSize.get(addr)
  if (size === undefined) throw new Error(`wasm free: ${addr} is not a block`)
  let list = freeLists.get(size)
  if (!list) freeLists.set(size, (list = []))
  list.push(addr)
}

function buf(): ArrayBufferLike {
  const b = (runtime as WasmRuntime).memory.buffer
  if (b !== current) {
    current = b
    buffers.add(b)
  }
  return b
}

/** Zero-filled float32 view of n elements inside the WASM memory (a new block). */
export function allocF32(n: number): Float32Array {
  const addr = allocBytes(Math.max(1, n) * 4),
    v = new Float32Array(buf(), addr, n)
  v.fill(0)
  return v
}

const owned =
  typeof FinalizationRegistry !== 'undefined' ? new FinalizationRegistry<number>((addr) => free(addr)) : null

/**
 * A zero-filled float32 array of n elements for `owner` (parameter / gradient / optimizer slabs): a view of the
 * WASM memory, returned to the allocator when the owner is collected, so kernels use it in place. Falls back to
 * an ordinary Float32Array without the kernels or when the memory cannot grow.
 */
export function allocOwnedF32(owner: object, n: number): Float32Array {
  if (!runtime || n === 0) return new Float32Array(n)
  try {
    const v = allocF32(n)
    owned?.register(owner, v.byteOffset)
    return v
  } catch {
    return new Float32Array(n)
  }
}

/** A view of an existing block (float32 or int32). */
export function viewF32(addr: number, n: number): Float32Array {
  return new Float32Array(buf(), addr, n)
}
export function viewI32(addr: number, n: number): Int32Array {
  return new Int32Array(buf(), addr, n)
}

/** True when `a` is a view of the WASM memory (so kernels can address it as `a.byteOffset`). */
export function inWasm(a: ArrayBufferView): boolean {
  return buffers.has(a.buffer)
}

export const wasm: WasmRuntime | null = await load()
