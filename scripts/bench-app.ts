// Training inside the app vs the engine alone (a program, not a test): the target is training inside the app
// (worker, progress messages, store writes) within 5 % of `npm run bench` for the same configuration.
//
// Per configuration of BENCHMARKS.md, interleaved repeat after repeat (the machine is shared), with a bench block
// before the first app run and after every one:
//  (a) bench — the engine alone, the step scripts/bench.ts times (batch fill + forward + loss + full BPTT +
//      grad norm + Adam, 4 batches of random data cycled), one timed block of --seconds per repeat;
//  (b) app — the same model, batch and optimizer trained through the real path: a Workbench on a temporary
//      store → TrainingManager → a worker thread (src-worker/index.ts through the tsx bootstrap, as tests
//      and the CLI run it from sources) with its progress messages, per-epoch validation pass, diagnostics,
//      checkpoints and store writes. The data is a generated CSV of the same shapes, imported (and turned
//      into sequences by the worker) outside the timed part.
//      app seq/s = training sequences of epochs W+1..E / main-side wall time between the `training.epoch`
//      events of epoch W and epoch E, where W is the first epoch to reach main at least --seconds/2 after
//      epoch 1 did: the same warm-up (JIT, caches) the bench side gets. Epochs reach main in batches (about
//      one a second), so W is always the last epoch of its batch. Everything the app does per epoch is inside.
//  (c) with --trainer: train() in this process on the same TrainData (validation, diagnostics and checkpoint
//      copies, but no worker, messages or store), to tell the trainer's own costs from the app's.
// Prints one JSON line per configuration, then a summary table:
//   {"config":"lstm-small","bench_seq_per_s":…,"app_seq_per_s":…,"ratio":…,"epochs":…,"load":[1m,5m,15m],…}
// ratio = app / bench by wall clock: the median over --repeats of each app run against the two bench blocks around
// it (their geometric mean; ratios lists them; ratio_of_medians is median app / median bench). That is the target's
// measure, but on a shared machine it also measures how much CPU each side got. Steadier, from the same runs
// (Linux, /proc/self/task/*/schedstat):
//   thread_ratio       sequences per CPU-second of the training thread: the app's worker vs the bench's thread;
//                      with one thread only (RNN_THREADS=1): at two, the app's side would count its helper thread
//                      and the bench's would not, so it is null
//   app_main_cpu_share the app's main thread (store writes, events) in CPU time, as a share of the worker's —
//                      it runs beside the worker, so it costs wall time only when no core is free
//   cpu_ratio          the same over the whole process (worker + main + V8's helper threads)
// Usage: npm run bench:app [-- lstm-small gru-small] [--repeats 5] [--seconds 3] [--steps 32] [--trainer] [--metrics]
//   --steps: training batches per epoch (the dataset holds steps × batch training sequences).
//   --metrics: instead, the per-epoch cost of the validation metrics, with and without (bench-metric-cost.ts).
//
// What "the same configuration" means here: cell, sizes, T, batch, Adam(lr 1e-3), float32, no dropout, full
// BPTT and no clipping (clipNorm 0: the bench computes the global norm but does not clip) are identical.
// The app always keeps a validation split (the contract's minimum valFraction is 0.05); the smallest one the
// mapping allows is used and its forward pass counts as app time (n_val in the JSON). Per-epoch diagnostics,
// checkpoints and progress are the app's defaults. lstm-char cannot be expressed exactly: the app has no
// aligned many-to-many mapping over token ids, so it reads 65 one-hot numeric columns (dense input
// projection instead of a row gather); (a) then times that same dense model and bench_exact_seq_per_s gives
// bench.ts's token model for reference. seq2seq is exact except that the app's targets carry a mask (all 1).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Batch, Model, type ModelSpec } from '../src-worker/engine/model.js'
import { globalNorm, Optimizer } from '../src-worker/engine/optim.js'
import { Rng } from '../src-worker/engine/rng.js'
import type { CellKind } from '../src-worker/engine/cells/common.js'
import { Workbench } from '../src-main/services/workbench'
import { workerFactoryFor } from '../src-main/services/worker-factory'
import type { ExperimentConfigInput } from '../src-shared/contract'
import { parseCsv } from '../src-worker/data/csv'
import { buildSequences, toTrainConfig, toTrainData } from '../src-worker/tasks/build-data'
import { train } from '../src-worker/trainer'
import { runThreads } from '../src-worker/tasks/train-task'
import { gemmThreads, setGemmThreads } from '../src-worker/engine/wasm/pool'
import { experimentConfig } from '../src-shared/contract'
import { metricCost } from './bench-metric-cost'

// ---------------------------------------------------------------------------------------------------------
// (a) the engine alone: scripts/bench.ts's configurations and step, with one addition (`dense`: one-hot
// values instead of token ids, for the lstm-char variant the app can express)

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

export const BENCH: Record<string, BenchConfig> = {
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

/** bench.ts's makeStep; `dense` feeds one-hot vectors where bench.ts feeds token ids. */
export function makeStep(c: BenchConfig, dense = false): () => void {
  const cell: CellKind = c.cell === 'rnn' ? 'rnn_tanh' : c.cell
  const mapping = c.mode === 'm2o' ? 'many-to-one' : c.mode === 'm2m' ? 'many-to-many' : 'seq2seq'
  const task = c.mode === 'm2o' ? 'regression' : 'classification'
  const tx = c.T,
    ty = c.mode === 'm2o' ? 1 : c.mode === 'm2m' ? c.T : (c.decT as number)
  const tokens = c.onehot === true && !dense
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
    tokens
  }
  const rng = new Rng(1234),
    B = c.batch
  const model = new Model(spec, 'float32', B)
  model.init(rng)
  const opt = new Optimizer({ kind: 'adam', lr: 1e-3 }, 'float32', model.layout.size)
  const batch = new Batch(spec, 'float32', B)
  const n = 4 * B
  const x = new Float32Array(n * tx * (tokens ? 1 : c.input))
  if (tokens) for (let i = 0; i < x.length; i++) x[i] = rng.int(c.input)
  else if (c.onehot) for (let i = 0; i < n * tx; i++) x[i * c.input + rng.int(c.input)] = 1
  else for (let i = 0; i < x.length; i++) x[i] = rng.normal()
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

/** A step closure with its block length fixed by a warm-up of ≥ 3 steps and ≥ `seconds`/2. */
/** CPU seconds of this process, every thread (the app's worker and main thread both count). */
const cpuSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
/** CPU seconds of one thread of this process (Linux: nanoseconds on a CPU from schedstat), NaN where unknown. */
function threadSeconds(tid: number): number {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9
  } catch {
    return NaN
  }
}
const threadIds = (): number[] => {
  try {
    return readdirSync('/proc/self/task').map(Number)
  } catch {
    return []
  }
}
const MAIN_TID = process.pid

/** Sequences per second of wall time, of process CPU time, and of the training thread's own CPU time. */
interface Rate {
  wall: number
  cpu: number
  thread: number
}

function benchRunner(c: BenchConfig, seconds: number, dense = false): { perStep: number; block: () => Rate } {
  const step = makeStep(c, dense)
  let n = 0
  const t0 = performance.now(),
    m0 = threadSeconds(MAIN_TID)
  while (n < 3 || performance.now() - t0 < seconds * 500) {
    step()
    n++
  }
  // a step's CPU time (its wall time is stretched by whatever else the machine runs)
  const used = threadSeconds(MAIN_TID) - m0
  const perStep = (Number.isFinite(used) ? used : (performance.now() - t0) / 1000) / n
  const steps = Math.max(3, Math.round(seconds / perStep))
  return {
    perStep,
    block: () => {
      const t1 = performance.now(),
        u1 = cpuSeconds(),
        m1 = threadSeconds(MAIN_TID)
      for (let i = 0; i < steps; i++) step()
      const seqs = steps * c.batch
      return {
        wall: seqs / ((performance.now() - t1) / 1000),
        cpu: seqs / (cpuSeconds() - u1),
        thread: seqs / (threadSeconds(MAIN_TID) - m1)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// (b) the app: generated CSVs and the experiment configs that express each configuration

type BaseConfig = Omit<ExperimentConfigInput, 'epochs'>
export interface AppCase {
  csv: string
  config: BaseConfig
  nTrain: number
  nVal: number
}

const VAL_MIN = 0.05 // the contract's minimum valFraction
const common = (c: BenchConfig) => ({
  model: {
    cell: (c.cell === 'rnn' ? 'rnn_tanh' : c.cell) as CellKind,
    hiddenSize: c.hidden,
    numLayers: c.layers,
    dropout: 0
  },
  optimizer: { kind: 'adam' as const, lr: 1e-3 },
  batchSize: c.batch,
  seed: 1234,
  clipNorm: 0,
  tbptt: 0
})

/**
 * One long series (sliding windows, stride 1, chronological split): the row count and valFraction that give
 * exactly `nTrain` training windows and the smallest validation part the contract and the mapping allow.
 */
function seriesRows(nTrain: number, span: number): { rows: number; valFraction: number; nVal: number } {
  const trainRows = nTrain + span - 1
  for (let v = span; ; v++) {
    const rows = trainRows + v
    const valFraction = (v - 0.5) / rows // floor(rows·(1 − vf)) = trainRows exactly
    if (valFraction >= VAL_MIN && valFraction <= 0.5 && Math.floor(rows * (1 - valFraction)) === trainRows) {
      return { rows, valFraction, nVal: v - span + 1 }
    }
  }
}

const fmt = (v: number) => v.toFixed(4)

function seriesCase(c: BenchConfig, nTrain: number, rng: Rng): AppCase {
  const m2m = c.mode === 'm2m'
  const span = m2m ? c.T : c.T + 1 // many-to-one: the window and the next value; many-to-many (classes): the window
  const { rows, valFraction, nVal } = seriesRows(nTrain, span)
  // rnn-tiny's single input is the series itself (inputs: [] = the target); others have their own columns
  const I = c.input,
    ownInputs = !(I === 1 && !m2m)
  const inputs = ownInputs ? Array.from({ length: I }, (_, i) => `x${i}`) : []
  const header = [m2m ? 'ch' : 'y', ...inputs]
  const lines = [header.join(',')]
  for (let r = 0; r < rows; r++) {
    const cells: string[] = []
    if (m2m) {
      // lstm-char: a random character class per row and its one-hot input columns
      cells.push(`k${String(rng.int(c.out)).padStart(2, '0')}`)
      const hot = rng.int(I)
      for (let i = 0; i < I; i++) cells.push(i === hot ? '1' : '0')
    } else {
      cells.push(fmt(rng.normal()))
      for (let i = 0; i < inputs.length; i++) cells.push(fmt(rng.normal()))
    }
    lines.push(cells.join(','))
  }
  return {
    csv: lines.join('\n') + '\n',
    nTrain,
    nVal,
    config: {
      ...common(c),
      mapping: m2m ? 'many-to-many' : 'many-to-one',
      source: 'series',
      task: m2m ? 'classification' : 'regression',
      target: header[0],
      inputs,
      window: c.T,
      normalize: m2m ? 'none' : 'zscore',
      valFraction
    }
  }
}

/** seq2seq: a source text of T characters over input − 4 letters, a target of decT − 1 over out − 4 symbols. */
function textCase(c: BenchConfig, nTrain: number, rng: Rng): AppCase {
  let rows = nTrain
  while (rows - Math.max(1, Math.round(rows * VAL_MIN)) < nTrain) rows++
  const srcAlpha = 'abcdefghijklmnopqrstuvwxyz0123456789'.slice(0, c.input - 4)
  const tgtAlpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.slice(0, c.out - 4)
  const word = (alpha: string, len: number, r: number) => {
    // every symbol appears in the first rows, so both vocabularies are complete
    let s = ''
    for (let t = 0; t < len; t++) s += alpha[r < alpha.length && t === 0 ? r : rng.int(alpha.length)]
    return s
  }
  const lines = ['src,tgt']
  for (let r = 0; r < rows; r++) lines.push(`${word(srcAlpha, c.T, r)},${word(tgtAlpha, (c.decT as number) - 1, r)}`)
  return {
    csv: lines.join('\n') + '\n',
    nTrain,
    nVal: rows - nTrain,
    config: {
      ...common(c),
      mapping: 'seq2seq',
      source: 'text',
      text: 'src',
      target: 'tgt',
      tokens: 'char',
      valFraction: VAL_MIN
    }
  }
}

export function appCase(name: string, c: BenchConfig, steps: number): AppCase {
  const rng = new Rng(99),
    n = steps * c.batch
  return name === 'seq2seq' ? textCase(c, n, rng) : seriesCase(c, n, rng)
}

interface AppRun extends Rate {
  mainShare: number
  epochSeqPerSec: number
  progressPerSec: number
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y),
    n = s.length
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

interface Mark {
  t: number
  cpu: number
  main: number
  threads: Map<number, number>
}

async function appRun(wb: Workbench, datasetId: number, ac: AppCase, epochs: number, warm: number): Promise<AppRun> {
  let id = -1
  const before = new Set(threadIds())
  // the threads started by this run (its sequences check and its training worker) and their CPU time
  const mark = (): Mark => ({
    t: performance.now(),
    cpu: cpuSeconds(),
    main: threadSeconds(MAIN_TID),
    threads: new Map(
      threadIds()
        .filter((t) => !before.has(t))
        .map((t) => [t, threadSeconds(t)])
    )
  })
  // Epochs reach main in batches (up to a second of epochs at once): one mark per batch, after its last epoch
  const marks: { epoch: number; m: Mark }[] = [],
    progress: number[] = []
  let burst = 0
  const offE = wb.on('training.epoch', (p) => {
    if (p.experimentId !== id) return
    if (!burst)
      setImmediate(() => {
        marks.push({ epoch: burst, m: mark() })
        burst = 0
      })
    burst = Math.max(burst, p.epoch)
  })
  const offP = wb.on('training.progress', (p) => {
    if (p.experimentId === id) progress.push(performance.now())
  })
  try {
    id = (await wb.request('experiments.start', { datasetId, config: { ...ac.config, epochs } })).experimentId
    await wb.waitForRun(id)
    await new Promise((r) => setImmediate(r))
  } finally {
    offE()
    offP()
  }
  const e = await wb.request('experiments.get', { id })
  if (e.status !== 'completed') throw new Error(`app run ${id} ended ${e.status}: ${e.error}`)
  // the timed window starts at the first batch that ends after the same warm-up the bench side gets (JIT, caches)
  const start = marks[0]?.m.t ?? 0 // epoch 1 (sent at once): training has begun
  const first = marks.find((k) => k.m.t - start >= warm * 1000 && k.epoch < epochs) ?? marks[0],
    last = marks.at(-1)
  if (!first || !last || last.epoch !== epochs || first === last)
    throw new Error(`app run ${id}: missing training.epoch events (${marks.map((k) => k.epoch)})`)
  const m1 = first.m,
    mE = last.m
  // what the app must still do, checked so a faster path cannot drop it unnoticed
  if (!wb.store.experiments.checkpoint(id, 'last')) throw new Error(`app run ${id}: no checkpoint written`)
  const diags = await wb.request('experiments.diagnostics', { id })
  if (diags.length !== epochs)
    throw new Error(`app run ${id}: ${diags.length} epochs of diagnostics, expected ${epochs}`)
  const later = e.epochs.filter((p) => p.epoch > first.epoch)
  const seconds = (mE.t - m1.t) / 1000,
    seqs = (epochs - first.epoch) * ac.nTrain
  let worker = 0 // CPU of the run's own threads over the window (the training worker; the sequences check has ended)
  for (const [t, v] of mE.threads) {
    const v1 = m1.threads.get(t)
    if (v1 !== undefined) worker += v - v1
  }
  return {
    wall: seqs / seconds,
    cpu: seqs / (mE.cpu - m1.cpu),
    thread: seqs / worker,
    mainShare: (mE.main - m1.main) / worker,
    epochSeqPerSec: ac.nTrain / median(later.map((p) => p.seconds)),
    progressPerSec: progress.filter((t) => t > m1.t && t <= mE.t).length / seconds
  }
}

/** (c) train() in this process on the worker's own TrainData: trainer costs without worker, messages, store. */
function trainerRun(ac: AppCase, epochs: number): Rate {
  const config = experimentConfig.parse({ ...ac.config, epochs })
  const seqs = buildSequences(parseCsv(new TextEncoder().encode(ac.csv)), config)
  const marks: { t: number; cpu: number; main: number }[] = []
  const r = train(toTrainConfig(config), toTrainData(seqs), {
    onCheckpoint: () => {
      marks.push({ t: performance.now(), cpu: cpuSeconds(), main: threadSeconds(MAIN_TID) })
    }
  })
  if (r.status !== 'completed') throw new Error(`trainer run ended ${r.status}: ${r.error}`)
  const n = (epochs - 1) * ac.nTrain,
    a = marks[0],
    b = marks[epochs - 1]
  return { wall: n / ((b.t - a.t) / 1000), cpu: n / (b.cpu - a.cpu), thread: n / (b.main - a.main) }
}

// ---------------------------------------------------------------------------------------------------------

const round = (v: number, d: number) => {
  const f = 10 ** d
  return Math.round(v * f) / f
}

interface Line {
  config: string
  bench_seq_per_s: number
  app_seq_per_s: number
  ratio: number
  epochs: number
  load: number[]
  [k: string]: unknown
}

async function benchConfig(
  name: string,
  repeats: number,
  seconds: number,
  steps: number,
  withTrainer: boolean
): Promise<Line> {
  const c = BENCH[name]
  const variant = name === 'lstm-char' // the app reads one-hot columns: dense input, not token ids
  const ac = appCase(name, c, steps)
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-bench-app-'))
  const wb = new Workbench({
    dataDir: join(dir, 'store'),
    mode: 'cli',
    workerFactory: workerFactoryFor(import.meta.url),
    samplesDir: resolve(import.meta.dirname, '..', 'resources', 'samples'),
    maxConcurrent: 1
  })
  try {
    const csvPath = join(dir, `${name}.csv`)
    writeFileSync(csvPath, ac.csv)
    const datasetId = (await wb.importPath(csvPath, name)).id
    const a = benchRunner(c, seconds, variant)
    const exact = variant ? benchRunner(c, seconds) : null
    // epochs: after a warm-up as long as the bench side's (seconds / 2), the timed epochs last about `seconds` at the bench's pace
    const epochSeconds = (ac.nTrain / c.batch) * a.perStep,
      warm = seconds / 2
    const epochs = Math.max(4, Math.min(5000, Math.round((warm + seconds) / epochSeconds) + 1))
    const bench: Rate[] = [],
      benchExact: Rate[] = [],
      app: AppRun[] = [],
      trainer: Rate[] = []
    // bench, app, bench, app, …, bench: every app run sits between two bench blocks
    const runA = () => {
      bench.push(a.block())
      if (exact) benchExact.push(exact.block())
    }
    runA()
    for (let r = 0; r < repeats; r++) {
      app.push(await appRun(wb, datasetId, ac, epochs, warm))
      if (withTrainer) trainer.push(trainerRun(ac, epochs))
      runA()
    }
    const med = (xs: Rate[], k: keyof Rate) => median(xs.map((x) => x[k]))
    const b = med(bench, 'wall'),
      ap = med(app, 'wall')
    // each app run against the geometric mean of the bench blocks right before and after it: the machine's speed
    // drifts over a minute (other tenants), and a steady drift cancels in that pair, not in a ratio of medians
    // taken over the whole minute, nor in a pair with one neighbour only
    const around = (r: number) => Math.sqrt(bench[r].wall * bench[r + 1].wall)
    const paired = median(app.map((x, r) => x.wall / around(r)))
    const line: Line = {
      config: name,
      bench_seq_per_s: round(b, 1),
      app_seq_per_s: round(ap, 1),
      ratio: round(paired, 3),
      ratio_of_medians: round(ap / b, 3),
      ratios: app.map((x, r) => round(x.wall / around(r), 3)),
      epochs,
      load: loadavg().map((v) => round(v, 2)),
      // load-robust: sequences per CPU-second of the training thread (bench: this thread; app: its worker)
      thread_ratio: gemmThreads() === 1 ? round(med(app, 'thread') / med(bench, 'thread'), 3) : null,
      bench_thread_seq_per_s: round(med(bench, 'thread'), 1),
      app_thread_seq_per_s: round(med(app, 'thread'), 1),
      // the app's main thread (store writes, events) in CPU time, as a share of the worker's
      app_main_cpu_share: round(median(app.map((x) => x.mainShare)), 3),
      // whole process: training + main thread + V8 helper threads
      cpu_ratio: round(med(app, 'cpu') / med(bench, 'cpu'), 3),
      steps_per_epoch: ac.nTrain / c.batch,
      n_train: ac.nTrain,
      n_val: ac.nVal,
      repeats,
      app_epoch_seq_per_s: round(median(app.map((x) => x.epochSeqPerSec)), 1),
      progress_per_s: round(median(app.map((x) => x.progressPerSec)), 1)
    }
    if (withTrainer) {
      line.trainer_seq_per_s = round(med(trainer, 'wall'), 1)
      line.trainer_thread_seq_per_s = round(med(trainer, 'thread'), 1)
    }
    if (variant) {
      line.variant = 'dense one-hot inputs (65 numeric columns), not token ids'
      line.bench_exact_seq_per_s = round(med(benchExact, 'wall'), 1)
    }
    return line
  } finally {
    await wb.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  let repeats = 5,
    seconds = 3,
    steps = 32,
    withTrainer = false,
    metricsOnly = false
  const names: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--repeats') repeats = Math.max(1, Number(args[++i]))
    else if (args[i] === '--seconds') seconds = Number(args[++i])
    else if (args[i] === '--steps') steps = Math.max(1, Number(args[++i]))
    else if (args[i] === '--trainer') withTrainer = true
    else if (args[i] === '--metrics') metricsOnly = true
    else names.push(args[i])
  }
  for (const nm of names)
    if (!(nm in BENCH)) {
      console.error(`unknown config ${nm}; known: ${Object.keys(BENCH).join(', ')}`)
      process.exit(2)
    }
  // the bench side uses the thread count the app's training worker picks (runThreads: 2 on a multi-core machine
  // unless RNN_THREADS says otherwise), so both sides compare like with like
  setGemmThreads(runThreads())
  console.error(`bench:app: ${gemmThreads()} thread(s) on both sides (RNN_THREADS=1 or 2 to choose)`)
  if (metricsOnly) return metricCosts(names.length ? names : Object.keys(BENCH), repeats, steps)
  const lines: Line[] = []
  for (const nm of names.length ? names : Object.keys(BENCH)) {
    const line = await benchConfig(nm, repeats, seconds, steps, withTrainer)
    console.log(JSON.stringify(line))
    lines.push(line)
  }
  const pct = (v: unknown) => `${((v as number) * 100).toFixed(1)} %`
  const rows = lines.map((l) => [
    l.config,
    String(l.bench_seq_per_s),
    String(l.app_seq_per_s),
    pct(l.ratio),
    pct(l.ratio_of_medians),
    l.thread_ratio === null ? '—' : pct(l.thread_ratio),
    pct(l.app_main_cpu_share),
    pct(l.cpu_ratio),
    ...(withTrainer ? [String(l.trainer_seq_per_s)] : []),
    `${l.epochs} × ${l.steps_per_epoch}`,
    String(l.progress_per_s),
    l.load.join(' ')
  ])
  const head = [
    'config',
    'bench seq/s',
    'app seq/s',
    'app/bench (wall, paired)',
    'median app / median bench',
    'app/bench (training thread CPU)',
    'app main thread CPU / worker CPU',
    'app/bench (process CPU)',
    ...(withTrainer ? ['trainer seq/s'] : []),
    'epochs × steps',
    'progress/s',
    'load 1/5/15'
  ]
  console.log('\n| ' + head.join(' | ') + ' |\n|' + head.map(() => '---').join('|') + '|')
  for (const r of rows) console.log('| ' + r.join(' | ') + ' |')
}

/** --metrics: one JSON line per configuration, then a table. */
function metricCosts(names: string[], repeats: number, steps: number): void {
  const lines = names.map((nm) => {
    const line = metricCost(nm, appCase(nm, BENCH[nm], steps), repeats)
    console.log(JSON.stringify(line))
    return line
  })
  const head = ['config', 'n_val', 'val pass ms', 'with metrics ms', 'metrics ms', 'epoch ms', 'share', 'baselines ms']
  console.log('\n| ' + head.join(' | ') + ' |\n|' + head.map(() => '---').join('|') + '|')
  for (const l of lines)
    console.log(
      `| ${[l.config, l.n_val, l.val_pass_ms, l.val_pass_metrics_ms, l.metrics_ms, l.epoch_ms, `${(l.metrics_share * 100).toFixed(1)} %`, l.baselines_ms].join(' | ')} |`
    )
}

// run as a program (tsx scripts/bench-app.ts); importing it (for a one-off profile) runs nothing
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main()
