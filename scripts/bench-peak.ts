// The machine's float32 GEMM limit (a program, not a test): one N×N×N product (default 4096) on one and on two
// cores, by OpenBLAS (numpy in /usr/bin/python3, OPENBLAS_NUM_THREADS=1 and 2) and by the workbench's own
// kernels (the native addon when built, else WebAssembly; two threads split the product's rows as training
// does, wasm/pool.ts). Prints one JSON line per measurement, then a table:
//   {"impl":"openblas","threads":1,"n":4096,"gflops":98.1,"load":0.3,"lib":"…/libopenblasp-r0.3.21.so"}
//   {"impl":"rnn-workbench","kernels":"native-avx512","threads":2,"n":4096,"gflops":370.2,"load":0.3}
// Each figure is the median of --repeats timed products after one warm-up (wall clock). bench-peers.mjs runs
// this and reads each configuration's GFLOP/s as a share of the two-core OpenBLAS figure.
//
// numpy may be linked to Debian's reference BLAS (the libblas.so.3 alternative when libopenblas0-pthread is not
// installed): OpenBLAS is preloaded into the Python process (LD_PRELOAD) from OPENBLAS_LIB or its Debian
// locations, and the line names the library that ran. Without OpenBLAS its lines are skipped, saying why.
//
// Usage: npm run bench:peak [-- --size 4096 --repeats 3 --no-openblas]   (RNN_NATIVE=0: the WebAssembly GEMM instead)

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { allocF32, wasm } from '../src-worker/engine/wasm/runtime.js'
import { mm, setGemmThreads } from '../src-worker/engine/wasm/pool.js'

const args = process.argv.slice(2)
const opt = (f: string, d: number): number => {
  const i = args.indexOf(f)
  return i >= 0 ? Number(args[i + 1]) : d
}
const N = opt('--size', 4096),
  REPEATS = opt('--repeats', 3)
const PY = '/usr/bin/python3'

interface Peak {
  impl: string
  kernels?: string
  threads: number
  n: number
  gflops: number
  load: number
  lib?: string
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]
const load = (): number => Math.round(loadavg()[0] * 100) / 100

function emit(p: Peak): Peak {
  console.log(JSON.stringify(p))
  return p
}

function openblasLib(): string | null {
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu'
  const candidates = [
    process.env.OPENBLAS_LIB,
    `/usr/lib/${triplet}/openblas-pthread/libopenblas.so.0`,
    `/usr/lib/${triplet}/libopenblas.so.0`,
    '/usr/lib64/libopenblas.so.0'
  ]
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null
}

const PY_PRODUCT = `
import json, sys, time
import numpy as np
n, repeats = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
c = a @ b
times = []
for _ in range(repeats):
    t = time.perf_counter()
    np.matmul(a, b, out=c)
    times.append(time.perf_counter() - t)
times.sort()
libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.split()[-1]})
print(json.dumps({'gflops': 2 * n ** 3 / times[len(times) // 2] / 1e9, 'libs': libs}))
`

function openblas(threads: number, lib: string): Peak | null {
  const r = spawnSync(PY, ['-c', PY_PRODUCT, String(N), String(REPEATS)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), LD_PRELOAD: lib }
  })
  const line = (r.stdout || '').trim().split('\n').pop() ?? ''
  if (r.status !== 0 || !line.startsWith('{')) {
    console.error(`bench-peak: ${PY} numpy failed: ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`)
    return null
  }
  const { gflops, libs } = JSON.parse(line) as { gflops: number; libs: string[] }
  const used = libs.find((l) => l.includes('openblas'))
  if (!used) console.error(`bench-peak: numpy did not run OpenBLAS (${libs.join(', ')})`)
  return emit({ impl: 'openblas', threads, n: N, gflops: round(gflops), load: load(), lib: used ?? libs.join(',') })
}

const round = (x: number): number => Math.round(x * 10) / 10

function ours(threads: number): Peak | null {
  const rt = wasm
  if (!rt) return null
  if (setGemmThreads(threads) !== threads) {
    console.error(`bench-peak: no helper thread, skipping ${threads} threads`)
    return null
  }
  const a = allocF32(N * N),
    b = allocF32(N * N),
    c = allocF32(N * N)
  for (let i = 0; i < a.length; i++) {
    a[i] = Math.sin(i)
    b[i] = Math.cos(i)
  }
  const product = (): number => {
    const t = performance.now()
    mm(0, 0, N, N, N, a.byteOffset, N, b.byteOffset, N, 0, c.byteOffset, N)
    return (performance.now() - t) / 1e3
  }
  product()
  const times = Array.from({ length: REPEATS }, product)
  const kernels = rt.native?.names.includes('sgemm') ? `native-${rt.native.isa}` : `wasm-${rt.variant}`
  return emit({
    impl: 'rnn-workbench',
    kernels,
    threads,
    n: N,
    gflops: round((2 * N ** 3) / median(times) / 1e9),
    load: load()
  })
}

const peaks: Peak[] = []
if (!args.includes('--no-openblas')) {
  const lib = openblasLib()
  if (!lib)
    console.error(
      'bench-peak: OpenBLAS not found (apt-get install libopenblas0-pthread, or OPENBLAS_LIB=path): skipped'
    )
  else for (const t of [1, 2]) peaks.push(...[openblas(t, lib)].filter((p): p is Peak => p !== null))
}
for (const t of [1, 2]) peaks.push(...[ours(t)].filter((p): p is Peak => p !== null))
setGemmThreads(1)

console.log('')
console.log(`| ${N}³ float32 GEMM | 1 core GFLOP/s | 2 cores GFLOP/s |`)
console.log('|---|---|---|')
for (const impl of [...new Set(peaks.map((p) => p.kernels ?? p.impl))]) {
  const at = (t: number): string =>
    String(peaks.find((p) => (p.kernels ?? p.impl) === impl && p.threads === t)?.gflops ?? 'n/a')
  console.log(`| ${impl} | ${at(1)} | ${at(2)} |`)
}
console.log(`\nloadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
