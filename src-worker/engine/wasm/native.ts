// The native kernel library (native-kernels/, C through Node-API, built from source at `npm install`): loaded
// when present, initialised on the engine's shared WebAssembly.Memory (kernels take the same byte offsets as
// the WebAssembly ones and work on the engine's buffers in place), and merged into the kernel object the
// engine calls: a kernel the addon exports replaces its WebAssembly namesake, every other stays WebAssembly.
// The kernels that share the packed-B layout (packedSize, packB, sgemmPacked*, the whole scans, which read
// a packed W_hh) switch together, only when the addon has all of them.
//
// RNN_NATIVE=0 keeps the WebAssembly kernels; RNN_NATIVE=avx512|avx2|neon|c picks a path below the best
// (comparisons, tests). Without the addon (no compiler at install, another CPU, not Node) the WebAssembly
// kernels run and the reason is said once on stderr.

import type { Kernels } from './runtime.js'

/** What the addon exports besides kernels (native-kernels/src/addon.c). */
export interface Addon {
  init(view: Uint8Array, isa?: string): string
  isas(): string[]
  sameBase(view: Uint8Array): boolean
  [kernel: string]: unknown
}

export interface NativeKernels {
  addon: Addon
  /** Absolute path of the .node file (the pool's helper thread loads the same file). */
  file: string
  /** Instruction-set path in use: 'avx512' | 'avx2' | 'neon' | 'c'. */
  isa: string
  /** Kernel names taken from the addon in the merged kernel object. */
  names: string[]
}

export const ADDON_REL = 'native-kernels/build/Release/rnn_kernels.node'
const STATUS_REL = 'native-kernels/build/status.json'
const PATHS = ['avx512', 'avx2', 'neon', 'c']
const SCANS = ['lstmScanFwd', 'lstmScanBwd', 'rnnScanFwd', 'rnnScanBwd', 'gruScanFwd', 'gruScanBwd']
/** Kernels that read or write the packed-B layout, which belongs to one implementation. */
export const PACKED_GROUP = ['packedSize', 'packB', 'sgemmPacked', 'sgemmPackedPanels', ...SCANS]

type Builtin = (m: string) => unknown
type Say = (msg: string) => void

function builtin(): Builtin | null {
  if (typeof process === 'undefined' || !process.versions?.node) return null
  return (process as unknown as { getBuiltinModule?: Builtin }).getBuiltinModule ?? null
}

/**
 * The addon file in the first of `from` (default: this module's directory) and its ancestors that has one; else
 * the reason its build recorded (status.json), if any.
 */
function findAddon(get: Builtin, from?: string): { file: string | null; status: string | null } {
  const fs = get('node:fs') as typeof import('node:fs'),
    path = get('node:path') as typeof import('node:path'),
    url = get('node:url') as typeof import('node:url')
  let dir = from ?? path.dirname(url.fileURLToPath(import.meta.url)),
    status: string | null = null
  for (let up = 0; up < 6; up++, dir = path.dirname(dir)) {
    // a packaged app: the file is unpacked beside the asar; load it from there (no asar redirection needed,
    // in the training worker and in the pool's helper thread alike)
    if (path.basename(dir) === 'app.asar') {
      const unpacked = path.join(`${dir}.unpacked`, ADDON_REL)
      if (fs.existsSync(unpacked)) return { file: unpacked, status }
    }
    const file = path.join(dir, ADDON_REL)
    if (fs.existsSync(file)) return { file, status }
    const st = path.join(dir, STATUS_REL)
    if (status === null && fs.existsSync(st)) {
      try {
        status = String((JSON.parse(fs.readFileSync(st, 'utf8')) as { reason?: unknown }).reason ?? '')
      } catch {
        status = ''
      }
    }
  }
  return { file: null, status }
}

/** Loads and initialises the addon on `memory`, or says why not and returns null (`from`: see findAddon). */
export function loadNative(memory: WebAssembly.Memory, say: Say, from?: string): NativeKernels | null {
  const want = typeof process !== 'undefined' ? (process.env?.RNN_NATIVE ?? '') : ''
  if (want === '0') {
    say('native kernels off (RNN_NATIVE=0): float32 uses the WebAssembly kernels')
    return null
  }
  const get = builtin()
  if (!get) return null // a browser: WebAssembly is the only path, nothing to explain
  const { file, status } = findAddon(get, from)
  if (!file) {
    const why = status ? `its build failed: ${status}` : 'run `npm run build:native`'
    say(`native kernels not built (${why}): float32 uses the WebAssembly kernels`)
    return null
  }
  try {
    const mod = get('node:module') as typeof import('node:module')
    const addon = mod.createRequire(import.meta.url)(file) as Addon
    const isa = addon.init(new Uint8Array(memory.buffer), PATHS.includes(want) ? want : undefined)
    return { addon, file, isa, names: [] }
  } catch (e) {
    say(`native kernels failed to load (${(e as Error).message}): float32 uses the WebAssembly kernels`)
    return null
  }
}

/** The kernel object the engine calls: the addon's kernels over the WebAssembly ones (see the header). */
export function mergeKernels(wasmK: Kernels, nat: NativeKernels): Kernels {
  const a = nat.addon,
    has = (n: string): boolean => typeof a[n] === 'function',
    packed = PACKED_GROUP.every(has)
  const k: Record<string, unknown> = { ...wasmK }
  nat.names = Object.keys(wasmK).filter((n) => has(n) && n !== 'workBytes' && (packed || !PACKED_GROUP.includes(n)))
  for (const n of nat.names) k[n] = a[n]
  const nativeWork = has('workBytes') ? (a.workBytes as () => number)() : 0
  k.workBytes = () => Math.max(wasmK.workBytes(), nativeWork)
  return k as unknown as Kernels
}

/** Throws when the memory's base moved (it cannot for a shared memory; the kernels would write elsewhere). */
export function checkBase(nat: NativeKernels, memory: WebAssembly.Memory): void {
  if (!nat.addon.sameBase(new Uint8Array(memory.buffer)))
    throw new Error('rnn-workbench engine: the shared memory moved when it grew; native kernels cannot follow it')
}
