// Training-throughput benchmark (a program, not a test): the 7 configurations of BENCHMARKS.md, float32,
// one training step = batch fill + forward + loss + full BPTT backward + grad norm + Adam(lr 1e-3), exactly
// the calls the trainer makes. Prints one JSON line per configuration:
//   {"impl":"rnn-workbench","config":"lstm-small","threads":1,"seq_per_s":1234.5,"gflops":3.21,"split":"one","load":0.4}
// `split` says how the layer scans ran (wasm/pool.ts scanMode: one thread, 'batch' rows per thread, or 'step');
// `load` is the 1-minute load average when the configuration started, `helper_share` (2 threads) the fraction of
// split work chunks the helper ran (≈ 0.5 on an idle machine, less when it was descheduled), `kernels` which
// kernels ran (the native addon's where it has them, else WebAssembly's variant; RNN_NATIVE=0 for WebAssembly only).
// Median of ≥ 5 timed repeats after a warm-up. Usage: npm run bench [-- lstm-small gru-small] [--repeats 7] [--seconds 1.5]
// [--threads 2] (same as RNN_THREADS=2) [--cpu-time] (time by this process's CPU time instead of the wall clock:
// steadier when the machine is shared; meaningless with 2 threads).

import { Batch, Model, type ModelSpec } from '../src-worker/engine/model.js'
import { globalNorm, Optimizer } from '../src-worker/engine/optim.js'
import { Rng } from '../src-worker/engine/rng.js'
import type { CellKind } from '../src-worker/engine/cells/common.js'
import { loadavg } from 'node:os'
import { gemmThreads, scanMode, setGemmThreads, helperShare } from '../src-worker/engine/wasm/pool.js'
import { wasm } from '../src-worker/engine/wasm/runtime.js'

/** Which kernels ran: 'native-avx512+relaxed-simd' (native where the addon has them), 'relaxed-simd', 'typescript'. */
function kernelsInUse(): string {
  if (!wasm) return 'typescript'
  return wasm.native?.names.length ? `native-${wasm.native.isa}+${wasm.variant}` : wasm.variant
}

interface BenchConfig {
  cell: 'rnn' | 'lstm' | 'gru'
  input: number
  hidden: number
  layers: number
  T: number
  batch: number
  mode: 'm2o' | 'm2m' | 's2s'
  out: number
  onehot?: boolean
  decInput?: number
  decT?: number
}

const CONFIGS: Record<string, BenchConfig> = {
  'rnn-tiny': { cell: 'rnn', input: 1, hidden: 32, layers: 1, T: 100, batch: 16, mode: 'm2o', out: 1 },
  'lstm-small': { cell: 'lstm', input: 8, hidden: 64, layers: 1, T: 50, batch: 32, mode: 'm2o', out: 1 },
  'gru-small': { cell: 'gru', input: 8, hidden: 64, layers: 1, T: 50, batch: 32, mode: 'm2o', out: 1 },
  'lstm-char': {
    cell: 'lstm',
    input: 65,
    hidden: 128,
    layers: 1,
    T: 64,
    batch: 32,
    mode: 'm2m',
    out: 65,
    onehot: true
  },
  'lstm-large': { cell: 'lstm', input: 32, hidden: 256, layers: 1, T: 100, batch: 64, mode: 'm2o', out: 1 },
  'lstm-2layer': { cell: 'lstm', input: 8, hidden: 128, layers: 2, T: 50, batch: 32, mode: 'm2o', out: 1 },
  seq2seq: {
    cell: 'lstm',
    input: 30,
    hidden: 128,
    layers: 1,
    T: 20,
    batch: 32,
    mode: 's2s',
    out: 40,
    onehot: true,
    decInput: 40,
    decT: 12
  }
}

/** The peers' FLOP model (shared/peers/flops.py): matrix products only, training = 3 × forward. */
function trainFlops(c: BenchConfig): number {
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1,
    B = c.batch,
    H = c.hidden
  let f = 0,
    inp = c.input
  for (let l = 0; l < c.layers; l++) {
    f += c.T * 2 * B * G * H * (inp + H)
    inp = H
  }
  if (c.mode === 'm2o') f += 2 * B * H * c.out
  else if (c.mode === 'm2m') f += c.T * 2 * B * H * c.out
  else {
    f += (c.decT as number) * 2 * B * G * H * ((c.decInput as number) + H)
    f += (c.decT as number) * 2 * B * H * c.out
  }
  return 3 * f
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y),
    n = s.length
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

/** A training step closure built the way the trainer builds its model (float32, seeded). */
function makeStep(c: BenchConfig): () => void {
  const cell: CellKind = c.cell === 'rnn' ? 'rnn_tanh' : c.cell
  const mapping = c.mode === 'm2o' ? 'many-to-one' : c.mode === 'm2m' ? 'many-to-many' : 'seq2seq'
  const task = c.mode === 'm2o' ? 'regression' : 'classification'
  const tx = c.T,
    ty = c.mode === 'm2o' ? 1 : c.mode === 'm2m' ? c.T : (c.decT as number)
  const spec: ModelSpec = {
    cell,
    hiddenSize: c.hidden,
    numLayers: c.layers,
    dropout: 0,
    bidirectional: false,
    mapping,
    task,
    inputSize: c.input,
    outputSize: c.out,
    tx,
    ty,
    tokens: c.onehot === true
  }
  const rng = new Rng(1234),
    B = c.batch
  const model = new Model(spec, 'float32', B)
  model.init(rng)
  const opt = new Optimizer({ kind: 'adam', lr: 1e-3 }, 'float32', model.layout.size)
  const batch = new Batch(spec, 'float32', B)
  // sample-major data for 4 batches, N(0,1) or token ids; random targets
  const n = 4 * B
  const x = new Float32Array(n * tx * (spec.tokens ? 1 : c.input))
  for (let i = 0; i < x.length; i++) x[i] = spec.tokens ? rng.int(c.input) : rng.normal()
  const y = new Float32Array(n * ty * (task === 'regression' ? c.out : 1))
  for (let i = 0; i < y.length; i++) y[i] = task === 'regression' ? rng.normal() : rng.int(c.out)
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  let k = 0
  return () => {
    batch.fill(x, y, null, order, (k++ % 4) * B, B)
    model.grads.fill(0)
    model.lossGrad(batch, { grad: true, dropout: 'off', rng })
    globalNorm(model.grads)
    opt.step(model.params, model.grads)
  }
}

/** Seconds of wall-clock time, or of this process's CPU time with --cpu-time (steadier on a shared machine). */
let clock = (): number => performance.now() / 1000

function bench(name: string, c: BenchConfig, repeats: number, seconds: number): void {
  const load = loadavg()[0]
  const step = makeStep(c)
  // warm-up: ≥ 3 steps and ≥ `seconds`
  let n = 0
  const t0 = clock()
  while (n < 3 || clock() - t0 < seconds) {
    step()
    n++
  }
  const per = (clock() - t0) / n
  const steps = Math.max(1, Math.round(seconds / per))
  const rates: number[] = []
  helperShare() // count the timed repeats only
  for (let r = 0; r < repeats; r++) {
    const t1 = clock()
    for (let i = 0; i < steps; i++) step()
    rates.push(steps / (clock() - t1))
  }
  const share = helperShare()
  const sps = median(rates)
  const line: Record<string, unknown> = {
    impl: 'rnn-workbench',
    config: name,
    threads: gemmThreads(),
    seq_per_s: round(sps * c.batch, 1),
    gflops: round((sps * trainFlops(c)) / 1e9, 2),
    split: scanMode(c.batch, c.hidden),
    load: round(load, 2),
    kernels: kernelsInUse()
  }
  if (gemmThreads() > 1) line.helper_share = share.chunks ? round(share.helper / share.chunks, 3) : 0
  console.log(JSON.stringify(line))
}

function round(v: number, d: number): number {
  const f = 10 ** d
  return Math.round(v * f) / f
}

const args = process.argv.slice(2)
let repeats = 5,
  seconds = 1.5
const names: string[] = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--repeats') repeats = Math.max(5, Number(args[++i]))
  else if (args[i] === '--seconds') seconds = Number(args[++i])
  else if (args[i] === '--threads') setGemmThreads(Number(args[++i]))
  else if (args[i] === '--cpu-time')
    clock = () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1e6
    }
  else names.push(args[i])
}
for (const nm of names)
  if (!(nm in CONFIGS)) {
    console.error(`unknown config ${nm}; known: ${Object.keys(CONFIGS).join(', ')}`)
    process.exit(2)
  }
for (const nm of names.length ? names : Object.keys(CONFIGS)) bench(nm, CONFIGS[nm], repeats, seconds)
