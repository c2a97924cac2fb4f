// Peers back to back with the workbench (a program, not a test): for each configuration of
// ../shared/BENCHMARKS.md it runs `scripts/bench.ts` at 1 and 2 threads (the app trains with 2 on a machine
// with two cores), PyTorch (../shared/peers/torch_bench.py: 1 thread; unless --quick also 1 thread with
// --blas-threads 2 and set_num_threads(2) with --blas-threads 2) and TensorFlow.js (peers/js/tfjs_bench.mjs,
// WASM backend) one after the other, prints every JSON line, then the table of ratios: each side's better
// thread count, ours / peer.
//
//   node scripts/bench-peers.mjs [CONFIG…] [--quick] [--no-tfjs] [--no-torch] [--no-peak] [--peers DIR]
//
// After the configurations it measures the machine's SGEMM limit (scripts/bench-peak.ts: OpenBLAS and the
// workbench's own GEMM, 4096³ on one and two cores) and prints each configuration's GFLOP/s as a share of the
// two-core OpenBLAS figure (--no-peak skips it).
//
// Needs /usr/bin/python3 with Debian's python3-torch and libopenblas0-pthread (installed with apt-get when
// missing and running as root), and `npm ci` in a writable copy of peers/js (made under $TMPDIR and reused).

import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CONFIGS = ['rnn-tiny', 'lstm-small', 'gru-small', 'lstm-char', 'lstm-large', 'lstm-2layer', 'seq2seq']
const args = process.argv.slice(2)
const cores = availableParallelism()
/** The line with the most sequences per second (each side's better thread count). */
const best = (lines) => lines.reduce((a, b) => (!a || (b.seq_per_s ?? 0) > (a.seq_per_s ?? 0) ? b : a), null)
const flag = (f) => args.includes(f)
const opt = (f, d) => {
  const i = args.indexOf(f)
  return i >= 0 ? args[i + 1] : d
}
const quick = flag('--quick')
const peersSrc = resolve(root, opt('--peers', '../shared/peers'))
const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--peers')
for (const n of names)
  if (!CONFIGS.includes(n)) {
    console.error(`unknown config ${n}; known: ${CONFIGS.join(', ')}`)
    process.exit(2)
  }
const configs = names.length ? names : CONFIGS
const PY = '/usr/bin/python3'

function log(msg) {
  process.stderr.write(`bench-peers: ${msg}\n`)
}

function jsonLines(out) {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l)
      } catch {
        return null
      }
    })
    .filter(Boolean)
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts })
  if (r.status !== 0)
    log(`${cmd} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`)
  const lines = jsonLines(r.stdout || '')
  for (const l of lines) console.log(JSON.stringify(l))
  return lines
}

// --- peers setup ------------------------------------------------------------------------------------------
let torchOk = !flag('--no-torch')
if (torchOk && spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
  if (process.getuid?.() === 0) {
    log('installing python3-torch libopenblas0-pthread with apt-get')
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
      execFileSync('apt-get', ['install', '-y', '-qq', 'python3-torch', 'libopenblas0-pthread', 'python3-numpy'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
      })
    } catch (e) {
      log(`apt-get failed: ${e.message}`)
    }
  }
  torchOk = spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0
  if (!torchOk) log(`no torch for ${PY}: apt-get install python3-torch libopenblas0-pthread (PyTorch columns skipped)`)
}
// Debian's torch calls the system's libblas.so.3, which is the slow reference BLAS unless OpenBLAS provides it:
// a comparison against that would flatter the workbench, so OpenBLAS is installed (as root) or the run says so.
function torchBlas() {
  const lib = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/libblas.so.3`
  try {
    return realpathSync(lib)
  } catch {
    return 'none'
  }
}
if (torchOk && !torchBlas().includes('openblas')) {
  if (process.getuid?.() === 0) {
    log(`PyTorch's BLAS is ${torchBlas()}: installing libopenblas0-pthread with apt-get`)
    try {
      execFileSync('apt-get', ['install', '-y', '-qq', 'libopenblas0-pthread'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
      })
    } catch (e) {
      log(`apt-get failed: ${e.message}`)
    }
  }
  if (!torchBlas().includes('openblas'))
    log(`WARNING: PyTorch runs on ${torchBlas()}, not OpenBLAS: its figures are far below what it can do`)
}
const work = join(tmpdir(), 'rnnwb-peers')
let tfjsOk = !flag('--no-tfjs')
if (!existsSync(join(work, 'js/node_modules/@tensorflow/tfjs-backend-wasm'))) {
  mkdirSync(work, { recursive: true })
  cpSync(peersSrc, work, { recursive: true }) // peers/ may be read-only: work on a copy
  if (tfjsOk) {
    log(`npm ci in ${join(work, 'js')}`)
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: join(work, 'js'),
      stdio: ['ignore', 'ignore', 'inherit']
    })
    if (r.status !== 0) {
      log('npm ci failed: TensorFlow.js columns skipped')
      tfjsOk = false
    }
  }
}

// --- runs, config by config so each ratio is measured minutes apart at most -----------------------------
const rep = quick
  ? ['--repeats', '5', '--target-s', '1', '--warmup-s', '0.5']
  : ['--repeats', '5', '--target-s', '2', '--warmup-s', '1']
const rows = []
for (const cfg of configs) {
  log(`${cfg}: workbench`)
  const mine = []
  for (const threads of cores >= 2 ? ['1', '2'] : ['1']) {
    mine.push(
      ...run(
        process.execPath,
        [
          '--import',
          'tsx',
          join(root, 'scripts/bench.ts'),
          cfg,
          '--threads',
          threads,
          '--repeats',
          '5',
          '--seconds',
          quick ? '1' : '2'
        ],
        { cwd: root }
      )
    )
  }
  const torch = []
  if (torchOk) {
    log(`${cfg}: PyTorch`)
    torch.push(...run(PY, [join(work, 'torch_bench.py'), cfg, '--threads', '1', ...rep], { cwd: work }))
    if (!quick && cores >= 2) {
      torch.push(
        ...run(PY, [join(work, 'torch_bench.py'), cfg, '--threads', '1', '--blas-threads', '2', ...rep], { cwd: work })
      )
      torch.push(
        ...run(PY, [join(work, 'torch_bench.py'), cfg, '--threads', '2', '--blas-threads', '2', ...rep], { cwd: work })
      )
    }
  }
  let tf = null
  if (tfjsOk) {
    log(`${cfg}: TensorFlow.js wasm`)
    tf =
      run(process.execPath, [join(work, 'js/tfjs_bench.mjs'), cfg, '--backend', 'wasm', '--method', 'loop', ...rep], {
        cwd: join(work, 'js')
      })[0] ?? null
  }
  rows.push({ cfg, ours: best(mine), torch: best(torch), tf })
}

// --- the machine's SGEMM limit (scripts/bench-peak.ts): each configuration's GFLOP/s as a share of it -------
const peaks = flag('--no-peak')
  ? []
  : run(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench-peak.ts'), '--repeats', quick ? '2' : '3'], {
      cwd: root
    })
const limit = peaks.find((p) => p.impl === 'openblas' && p.threads === 2) ?? null

// --- table ------------------------------------------------------------------------------------------------
const f = (v, d = 0) =>
  v == null ? 'n/a' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : 'n/a')
console.log('')
const torchThr = (t) => (t ? `${t.threads}${t.blas_threads > 1 ? `+BLAS ${t.blas_threads}` : ''}` : '')
const share = (g) => (g && limit ? `${((100 * g) / limit.gflops).toFixed(0)} %` : 'n/a')
console.log(
  '| config | workbench seq/s (threads) | GFLOP/s | of 2-core peak | PyTorch seq/s (threads) | vs PyTorch | TF.js wasm seq/s | vs TF.js |'
)
console.log('|---|---|---|---|---|---|---|---|')
for (const r of rows) {
  const o = r.ours?.seq_per_s,
    t = r.torch?.seq_per_s,
    w = r.tf?.seq_per_s
  console.log(
    `| ${r.cfg} | ${f(o)} (${r.ours?.threads ?? ''}) | ${f(r.ours?.gflops, 1)} | ${share(r.ours?.gflops)} | ${f(t)} (${torchThr(r.torch)}) | ${ratio(o, t)} | ${f(w)} | ${ratio(o, w)} |`
  )
}
if (peaks.length) {
  const at = (impl, t) => peaks.find((p) => (p.kernels ?? p.impl) === impl && p.threads === t)?.gflops ?? 'n/a'
  const impls = [...new Set(peaks.map((p) => p.kernels ?? p.impl))]
  console.log(
    `\nSGEMM peak, ${peaks[0].n}³ float32 (GFLOP/s, 1 core / 2 cores): ` +
      impls.map((i) => `${i} ${at(i, 1)} / ${at(i, 2)}`).join('; ') +
      '; "of 2-core peak" = workbench GFLOP/s / two-core OpenBLAS'
  )
}
console.log(
  `\nloadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (the machine is shared: compare ratios, not absolute figures)`
)
