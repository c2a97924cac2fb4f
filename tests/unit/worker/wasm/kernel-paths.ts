// The float32 kernel paths a test can run in this process: each instruction-set path of the native library
// that this CPU runs ('native-avx512', 'native-avx2', 'native-c'; 'native-neon' on arm64) and 'wasm' (the
// WebAssembly kernels alone, what RNN_NATIVE=0 runs). `usePath` makes the engine call a path's kernels (one
// thread: the pool's helper keeps the path it started with); `restorePath` puts the engine's own back.

import { wasm, type Kernels } from '../../../../src-worker/engine/wasm/runtime.js'
import { mergeKernels } from '../../../../src-worker/engine/wasm/native.js'

const rt = wasm,
  native = rt?.native ?? null
const home = rt && { k: rt.k, isa: native?.isa }

/** The WebAssembly kernels alone, on the engine's memory. */
const wasmK = rt
  ? (new WebAssembly.Instance(rt.module, {
      env: {
        memory: rt.memory,
        abort: () => {
          throw new Error('wasm kernel abort')
        }
      }
    }).exports as unknown as Kernels)
  : null

export const nativeLoaded = native !== null
export const KERNEL_PATHS: string[] = [
  ...(native ? native.addon.isas().map((i) => `native-${i}`) : []),
  ...(rt ? ['wasm'] : [])
]
export const wasmKernels = wasmK

export function usePath(path: string): void {
  const r = rt as NonNullable<typeof rt>,
    w = wasmK as Kernels
  if (path === 'wasm') {
    r.k = { ...w, workBytes: (home as { k: Kernels }).k.workBytes }
    return
  }
  const nat = native as NonNullable<typeof native>
  nat.addon.init(new Uint8Array(r.memory.buffer), path.slice('native-'.length))
  r.k = mergeKernels(w, nat)
}

export function restorePath(): void {
  if (!rt || !home) return
  if (native && home.isa) native.addon.init(new Uint8Array(rt.memory.buffer), home.isa)
  rt.k = home.k
}
