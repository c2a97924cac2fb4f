// The native kernel library's float32 GEMM (native-kernels/, every instruction-set path this CPU runs) against
// the float64 reference on odd shapes, every transpose and accumulate flag, padded leading dimensions; packed
// products; splits by rows and by column ranges bit-identical to the whole product (what two threads rely on);
// two threads bit-identical to one; the loader's fallbacks (RNN_NATIVE=0, a missing or broken addon).
// Bound (docs/PERFORMANCE.md): |C − C_ref| ≤ 4·K·2⁻²⁴·(|op(A)|·|op(B)| + beta·|C₀|) element-wise.
// Needs the addon (`npm run build:native`, run by `npm install`): skipped, saying why, only when its build
// recorded a failure (native-kernels/build/status.json); a never-built addon fails the first test.

import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { gemmRef } from '../../../../src-worker/engine/gemm.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { allocBytes, allocF32, wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import { ADDON_REL, loadNative, type NativeKernels } from '../../../../src-worker/engine/wasm/native.js'
import { mm, mmPacked, setGemmThreads, setHelperOnly } from '../../../../src-worker/engine/wasm/pool.js'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const EPS32 = 2 ** -24

/** Why the native tests cannot run here (printed), or null when they must. */
function skipReason(): string | null {
  if (!wasm) return 'no WebAssembly runtime (the native kernels share its memory)'
  if (process.env.RNN_NATIVE === '0') return 'RNN_NATIVE=0'
  if (wasm.native || existsSync(join(ROOT, ADDON_REL))) return null
  const status = join(ROOT, 'native-kernels/build/status.json')
  if (!existsSync(status)) return null
  const st = JSON.parse(readFileSync(status, 'utf8')) as { ok?: boolean; reason?: string }
  return st.ok ? null : `the native build failed: ${st.reason}`
}
const reason = skipReason()
if (reason) console.warn(`native-gemm.test: skipped (${reason})`)

type Fn = (...a: number[]) => number
const addon = (): Record<string, Fn> => wasm!.native!.addon as unknown as Record<string, Fn>

function rand(rng: Rng, n: number): Float32Array {
  const a = allocF32(n)
  for (let i = 0; i < n; i++) a[i] = rng.normal()
  return a
}

interface Case {
  tA: number
  tB: number
  M: number
  N: number
  K: number
  lda: number
  ldb: number
  ldc: number
  beta: number
  A: Float32Array
  B: Float32Array
  C0: Float32Array
}

function makeCase(rng: Rng, M: number, N: number, K: number): Case {
  const tA = rng.uniform() < 0.5 ? 1 : 0,
    tB = rng.uniform() < 0.5 ? 1 : 0,
    pad = () => Math.floor(rng.uniform() * 3)
  const lda = (tA ? M : K) + pad(),
    ldb = (tB ? K : N) + pad(),
    ldc = N + pad()
  const A = rand(rng, (tA ? K : M) * lda),
    B = rand(rng, (tB ? N : K) * ldb),
    C0 = rand(rng, M * ldc)
  return { tA, tB, M, N, K, lda, ldb, ldc, beta: rng.uniform() < 0.5 ? 1 : 0, A, B, C0 }
}

/** Max over C of |C − ref| / bound; elements between rows (ldc > N) must be untouched. */
function worst(c: Case, C: Float32Array): number {
  const { tA, tB, M, N, K, lda, ldb, ldc, beta, A, B, C0 } = c
  const ref = Float64Array.from(C0),
    mag = new Float64Array(C0.length)
  gemmRef(!!tA, !!tB, M, N, K, A, 0, lda, B, 0, ldb, beta as 0 | 1, ref, 0, ldc)
  const absA = Float64Array.from(A, Math.abs),
    absB = Float64Array.from(B, Math.abs)
  gemmRef(!!tA, !!tB, M, N, K, absA, 0, lda, absB, 0, ldb, 0, mag, 0, ldc)
  let w = 0
  for (let i = 0; i < M; i++)
    for (let j = 0; j < ldc; j++) {
      const e = i * ldc + j
      if (j >= N) {
        if (C[e] !== C0[e]) return Infinity
        continue
      }
      const bound = 4 * Math.max(K, 1) * EPS32 * (mag[e] + (beta ? Math.abs(C0[e]) : 0)) + 1e-30
      w = Math.max(w, Math.abs(C[e] - ref[e]) / bound)
    }
  return w
}

const SIZES = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 47, 64, 65, 100, 257, 300]

describe.skipIf(reason !== null)('native GEMM', () => {
  const work = wasm ? allocBytes(wasm.k.workBytes()) : 0
  const paths = reason ? [] : wasm!.native!.addon.isas()
  const inUse = wasm?.native?.isa ?? ''
  afterAll(() => {
    if (!reason) wasm!.native!.addon.init(new Uint8Array(wasm!.memory.buffer), inUse)
  })
  /** Switches this thread's addon to path `isa` (the helper thread keeps the engine's). */
  const use = (isa: string): void => {
    expect(wasm!.native!.addon.init(new Uint8Array(wasm!.memory.buffer), isa)).toBe(isa)
  }

  it('keeps its memory base when the shared memory grows', () => {
    const view = (): Uint8Array => new Uint8Array(wasm!.memory.buffer)
    const before = wasm!.memory.buffer.byteLength
    wasm!.memory.grow(256) // 16 MiB
    expect(wasm!.memory.buffer.byteLength).toBe(before + 256 * 65536)
    expect(wasm!.native!.addon.sameBase(view())).toBe(true)
    expect(wasm!.native!.addon.sameBase(new Uint8Array(new SharedArrayBuffer(64)))).toBe(false)
  })

  it('is the engine’s GEMM, on the best path of this CPU', () => {
    expect(wasm!.native).not.toBeNull()
    expect(inUse).toBe(paths[0])
    expect(wasm!.native!.names).toContain('sgemm')
    if (process.arch === 'x64') expect(paths).toContain('c')
  })

  for (const isa of ['avx512', 'avx2', 'neon', 'c'])
    it(`${isa}: sgemm, packed and panel products match the float64 reference`, (ctx) => {
      if (!paths.includes(isa)) return ctx.skip(`no ${isa} path on this CPU`)
      use(isa)
      const k = addon(),
        rng = new Rng(11)
      let w = 0
      for (let t = 0; t < 40; t++) {
        const pick = () => SIZES[Math.floor(rng.uniform() * SIZES.length)]
        const c = makeCase(rng, pick(), pick(), t === 0 ? 0 : pick())
        const C = allocF32(c.C0.length)
        C.set(c.C0)
        k.sgemm(
          c.tA,
          c.tB,
          c.M,
          c.N,
          c.K,
          c.A.byteOffset,
          c.lda,
          c.B.byteOffset,
          c.ldb,
          c.beta,
          C.byteOffset,
          c.ldc,
          work
        )
        w = Math.max(w, worst(c, C))
        const pk = allocF32(Math.max(1, k.packedSize(c.K, c.N)))
        k.packB(c.tB, c.K, c.N, c.B.byteOffset, c.ldb, pk.byteOffset)
        const P = allocF32(c.C0.length)
        P.set(c.C0)
        const cols = (c.N + 7) >> 3,
          cut = Math.floor(rng.uniform() * (cols + 1))
        for (const [p0, p1] of [
          [0, cut],
          [cut, cols]
        ])
          k.sgemmPackedPanels(
            c.tA,
            c.M,
            c.N,
            c.K,
            c.A.byteOffset,
            c.lda,
            pk.byteOffset,
            c.beta,
            P.byteOffset,
            c.ldc,
            work,
            p0,
            p1
          )
        // a split product gives the unpacked product's bits
        expect(
          Buffer.from(P.buffer, P.byteOffset, P.byteLength).equals(Buffer.from(C.buffer, C.byteOffset, C.byteLength))
        ).toBe(true)
      }
      expect(w).toBeLessThanOrEqual(1)
    })

  it('row splits and the FMA paths give the same bits', () => {
    const rng = new Rng(3),
      M = 45,
      N = 70,
      K = 300
    const c = makeCase(rng, M, N, K)
    const run = (isa: string, rows: number[]): Float32Array => {
      use(isa)
      const C = allocF32(c.C0.length)
      C.set(c.C0)
      for (let i = 0; i + 1 < rows.length; i++) {
        const r0 = rows[i],
          a = c.A.byteOffset + 4 * (c.tA ? r0 : r0 * c.lda)
        addon().sgemm(
          c.tA,
          c.tB,
          rows[i + 1] - r0,
          N,
          K,
          a,
          c.lda,
          c.B.byteOffset,
          c.ldb,
          c.beta,
          C.byteOffset + 4 * r0 * c.ldc,
          c.ldc,
          work
        )
      }
      return C
    }
    const fma = paths.filter((p) => p !== 'c')
    for (const isa of paths) expect(run(isa, [0, 12, 28, M])).toEqual(run(isa, [0, M]))
    for (const isa of fma.slice(1)) expect(run(isa, [0, M])).toEqual(run(fma[0], [0, M]))
  })

  it('two threads give one thread’s bits (rows of sgemm, columns of packed products)', () => {
    use(inUse)
    const rng = new Rng(9),
      M = 160,
      N = 300,
      K = 257
    const A = rand(rng, M * K),
      B = rand(rng, K * N),
      pk = allocF32(addon().packedSize(K, N))
    addon().packB(0, K, N, B.byteOffset, N, pk.byteOffset)
    const products = (): Float32Array[] => {
      const C1 = allocF32(M * N),
        C2 = allocF32(M * N)
      mm(0, 0, M, N, K, A.byteOffset, K, B.byteOffset, N, 0, C1.byteOffset, N)
      mmPacked(0, M, N, K, A.byteOffset, K, pk.byteOffset, 0, C2.byteOffset, N)
      return [C1, C2]
    }
    setGemmThreads(1)
    const one = products()
    expect(setGemmThreads(2)).toBe(2)
    setHelperOnly(true) // the helper thread runs every chunk: its kernels must be the caller's
    try {
      const two = products()
      expect(two[0]).toEqual(one[0])
      expect(two[1]).toEqual(one[1])
    } finally {
      setHelperOnly(false)
      setGemmThreads(1)
    }
  })
})

describe.skipIf(!wasm)('native loader fallbacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-native-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const load = (from: string): { nat: unknown; said: string[] } => {
    const said: string[] = []
    return { nat: loadNative(wasm!.memory, (m) => said.push(m), from), said }
  }

  it('a missing addon: WebAssembly, saying why (and the build’s recorded reason)', () => {
    const none = load(dir)
    expect(none.nat).toBeNull()
    expect(none.said.join()).toMatch(/native kernels not built \(run `npm run build:native`\)/)
    mkdirSync(join(dir, 'native-kernels/build'), { recursive: true })
    writeFileSync(join(dir, 'native-kernels/build/status.json'), '{"ok":false,"reason":"no C compiler"}')
    expect(load(join(dir, 'native-kernels')).said.join()).toMatch(/its build failed: no C compiler/)
  })

  it('a packaged app: the addon unpacked beside app.asar', (ctx) => {
    if (!existsSync(join(ROOT, ADDON_REL))) return ctx.skip('the native addon is not built here')
    const unpacked = join(dir, 'resources/app.asar.unpacked', ADDON_REL)
    mkdirSync(dirname(unpacked), { recursive: true })
    copyFileSync(join(ROOT, ADDON_REL), unpacked)
    const found = load(join(dir, 'resources/app.asar/out/main'))
    expect(found.said).toEqual([])
    expect((found.nat as NativeKernels).file).toBe(unpacked)
  })

  it('a broken addon file: WebAssembly, saying why', () => {
    mkdirSync(join(dir, 'native-kernels/build/Release'), { recursive: true })
    writeFileSync(join(dir, ADDON_REL), 'not a shared object')
    const bad = load(dir)
    expect(bad.nat).toBeNull()
    expect(bad.said.join()).toMatch(/native kernels failed to load/)
  })

  it('RNN_NATIVE=0: the engine runs the WebAssembly kernels and says so', () => {
    const code =
      "const { wasm } = await import('./src-worker/engine/wasm/runtime.ts');" +
      'console.log(JSON.stringify({ native: wasm.native && wasm.native.isa, variant: wasm.variant }))'
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, RNN_NATIVE: '0', RNN_WASM_QUIET: '' }
    })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ native: null })
    expect(r.stderr).toMatch(/native kernels off \(RNN_NATIVE=0\): float32 uses the WebAssembly kernels/)
  })
})
