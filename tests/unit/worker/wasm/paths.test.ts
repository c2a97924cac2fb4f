// Every float32 kernel path in this process — each instruction-set path of the native library that this CPU
// runs (AVX-512, AVX2+FMA, portable C; NEON on arm64) and the WebAssembly kernels — trains two steps of every
// case in path-cases.ts within the documented bound of the float64 TypeScript engine and of each other, and
// gives the same bits when run again. The TypeScript float32 kernels are checked the same way in
// paths-ts.test.ts (they need a process without WebAssembly kernels). Kernel by kernel, the native fused gate
// kernels, row helpers and Adam give exactly the WebAssembly kernels' bits (the same float operations in the
// same order), softmax cross-entropy agrees to 1e-6.

import { afterAll, describe, expect, it } from 'vitest'
import { allocF32, wasm, type Kernels } from '../../../../src-worker/engine/wasm/runtime.js'
import { PATH_BOUND, PATH_CASES, deviation, sameBits, step, type StepResult } from './path-cases.js'
import { KERNEL_PATHS as PATHS, nativeLoaded, restorePath, usePath as use, wasmKernels } from './kernel-paths.js'

const rt = wasm,
  native = rt?.native ?? null,
  wasmK = wasmKernels
if (rt && !nativeLoaded)
  console.warn('paths.test: the native kernel library is not loaded; only the WebAssembly path runs')

afterAll(restorePath)

describe.skipIf(!rt)('float32 kernel paths agree', () => {
  it('the paths present include the best native one when the library is loaded', () => {
    expect(PATHS).toContain('wasm')
    if (native) expect(PATHS[0]).toBe(`native-${native.addon.isas()[0]}`)
  })

  for (const c of PATH_CASES) {
    it(`${c.name}: every path within ${PATH_BOUND} of float64 and of each other, bit-identical on rerun`, () => {
      const ref = step(c, 'float64'),
        got: Record<string, StepResult> = {}
      for (const p of PATHS) {
        use(p)
        const a = step(c, 'float32'),
          b = step(c, 'float32')
        expect(sameBits(a, b), `${p} rerun`).toBe(true)
        expect(a.grads.some((g) => g !== 0)).toBe(true)
        expect(deviation(a, ref), `${p} vs float64`).toBeLessThanOrEqual(PATH_BOUND)
        got[p] = a
      }
      for (const p of PATHS) expect(deviation(got[p], got.wasm), `${p} vs wasm`).toBeLessThanOrEqual(PATH_BOUND)
    })
  }
})

/** Random float32 buffer in the engine's memory (a few floats of slack past the end, as the allocator gives). */
function rand(n: number, scale: number, seed: number): Float32Array {
  const v = allocF32(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    v[i] = scale * ((2 * s) / 2147483648 - 1)
  }
  return v
}

type Arg = number | Float32Array | null

/** Runs kernel `name` of `a` and of `b` on copies of the same arguments; returns both copies and results. */
function twice(name: string, args: Arg[], a: Kernels, b: Kernels): { x: Arg[]; y: Arg[]; rx: unknown; ry: unknown } {
  const copy = (): Arg[] =>
    args.map((v) => {
      if (!(v instanceof Float32Array)) return v
      const c = allocF32(v.length)
      c.set(v)
      return c
    })
  const x = copy(),
    y = copy()
  const addr = (v: Arg): number => (v instanceof Float32Array ? v.byteOffset : (v ?? 0))
  const call = (k: Kernels, v: Arg[]): unknown =>
    (k[name as keyof Kernels] as (...n: number[]) => unknown)(...v.map(addr))
  return { x, y, rx: call(a, x), ry: call(b, y) }
}

function bitsEqual(x: Arg[], y: Arg[]): boolean {
  return x.every((v, i) => {
    const w = y[i]
    return !(v instanceof Float32Array) || (w instanceof Float32Array && v.every((e, j) => Object.is(e, w[j])))
  })
}

describe.skipIf(!native)('native kernels against the WebAssembly kernels', () => {
  const shapes = [
    [1, 1],
    [3, 5],
    [2, 16],
    [4, 37],
    [5, 64]
  ]
  for (const p of PATHS.filter((q) => q !== 'wasm'))
    it(`${p}: gate kernels, row helpers and Adam give the WebAssembly bits; softmax-CE within 1e-6`, () => {
      use(p)
      const k = (rt as NonNullable<typeof rt>).k,
        w = wasmK as Kernels
      let seed = 1
      // every seventh element a special value: signed zeros, NaN, infinities, huge, exp's clamps, a subnormal
      const special = [-0, 0, NaN, Infinity, -Infinity, 1e30, -1e30, 88.5, -88, 1e-40]
      const r = (n: number, sc = 1): Float32Array => {
        const v = rand(n, sc, seed++)
        for (let i = 3; i < n; i += 7) v[i] = special[(i + seed) % special.length]
        return v
      }
      for (const [B, H] of shapes) {
        const n = B * H,
          tb = allocF32(B)
        new Int32Array(tb.buffer, tb.byteOffset, B).set(Int32Array.from({ length: B }, (_, i) => (i * 7) % 3))
        const tok = tb.byteOffset // token ids are only read: both kernels get the same block
        const cases: [string, Arg[]][] = [
          ['vexpTest', [r(n), r(n, 90), n]],
          ['lstmFwd', [r(4 * n, 4), r(n), r(n), r(n), r(n), B, H]],
          ['gruFwd', [r(3 * n, 3), r(3 * n, 3), r(n), r(n), r(n), B, H]],
          ['addRows', [r(n), r(H), B, H]],
          ['colSum', [r(H), r(n), B, H]],
          ['gatherRows', [r(n), tok, r(3 * H), r(H), B, H]],
          ['scatterRows', [r(3 * H), tok, r(n), B, H]],
          ['adamStep', [r(n), r(n), r(n), r(n, 1).map(Math.abs), n, 0.01, 0.9, 0.9, 0.999, 1e-8, 0.01]]
        ]
        for (const relu of [0, 1]) cases.push(['rnnFwd', [r(n, 3), r(n), n, relu]])
        for (const d of [null, r(n)]) {
          cases.push(['lstmBwd', [r(4 * n), r(n), r(n), d, r(n), r(4 * n), r(n), r(n), B, H]])
          cases.push(['gruBwd', [r(3 * n), r(3 * n), r(n), d, r(n), r(3 * n), r(n), r(n), B, H]])
          for (const relu of [0, 1]) cases.push(['rnnBwd', [r(n), r(n), d, r(n), r(n), n, relu]])
        }
        for (const [name, args] of cases) {
          const t = twice(name, args, k, w)
          expect(bitsEqual(t.x, t.y), `${p} ${name} B=${B} H=${H}`).toBe(true)
        }
        const C = H,
          cls = Int32Array.from({ length: B }, (_, i) => (i * 5) % C),
          clsW = allocF32(B)
        new Int32Array(clsW.buffer, clsW.byteOffset, B).set(cls)
        const mask = r(B).map((_, i) => (i % 3 === 1 ? 0 : 1))
        for (const m of [null, mask])
          for (const dy of [null, rand(B * C, 1, seed++)]) {
            const t = twice('ceLossF32', [dy, rand(B * C, 5, seed++), clsW.byteOffset, m, B, C, 0.25], k, w)
            expect(Math.abs((t.rx as number) - (t.ry as number))).toBeLessThanOrEqual(1e-6 * Math.abs(t.ry as number))
            if (dy) {
              const a = t.x[0] as Float32Array,
                b = t.y[0] as Float32Array
              expect(a.every((v, i) => Math.abs(v - b[i]) <= 1e-6)).toBe(true)
            }
          }
      }
    })
})
