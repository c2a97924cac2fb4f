// The training loop: a pure function over sample-major data, run in-process by tests and the CLI and inside
// the training worker. Mini-batches (seeded shuffle), full or truncated BPTT, global-norm clipping, the
// optimizer, LR schedules, early stopping, NaN/Inf guard, per-epoch diagnostics. Also `predict` for inference.

import { alloc, type Arr, type DType } from './engine/arr.js'
import { Rng } from './engine/rng.js'
import { Batch, Model, type Mapping, type ModelSpec, type Task } from './engine/model.js'
import { clipGradNorm, globalNorm, Optimizer } from './engine/optim.js'
import { exportTorch, importTorch } from './engine/params.js'
import { dhNormsOf, gateMeansOf, gateNames, paramNorms, probeOf, type Diagnostics } from './engine/diagnostics.js'
import type { CellKind } from './engine/cells/common.js'
import type { InitScheme } from './engine/init.js'
import { LrSchedule } from './engine/schedule.js'
import { gemmThreads, setGemmThreads } from './engine/wasm/pool.js'
import { ValidationMetrics, type UnitsMap } from './evaluation/metrics.js'
import { itemKeys, noveltyOf, sampleItems } from './evaluation/novelty.js'
import type { ValMetrics } from '../src-shared/metrics.js'
import { CheckpointLender, EarlyStopping, NanGuard } from './train-guards.js'

export type { CellKind } from './engine/cells/common.js'
export type { Diagnostics } from './engine/diagnostics.js'

export interface TrainConfig {
  model: {
    cell: CellKind
    hiddenSize: number
    numLayers: number
    dropout?: number
    bidirectional?: boolean
    forgetBias?: number // LSTM forget-gate bias at init (default 1; 0 = PyTorch's plain init)
    gruResetBefore?: boolean // GRU: reset gate before the hidden product (Cho et al.; Keras reset_after=False); default PyTorch's reset-after
  }
  /** Weight initialisation: 'default' (Xavier + orthogonal, LSTM forget bias 1) or PyTorch 1.13's defaults (init.ts). */
  init?: InitScheme
  optimizer: { kind: 'adam' | 'sgd' | 'momentum' | 'rmsprop'; lr: number; weightDecay?: number; momentum?: number }
  epochs: number
  batchSize: number
  seed: number
  clipNorm?: number // global-norm clipping; undefined/0 = off
  tbptt?: number // truncated BPTT length; undefined/0 = full BPTT
  earlyStopping?: { patience: number }
  schedule?: {
    kind: 'none' | 'step' | 'cosine' | 'plateau'
    stepSize?: number
    gamma?: number
    patience?: number
    factor?: number
  }
  nanPolicy?: 'fail' | 'revert'
  dtype?: DType // arithmetic storage type, default 'float32' ('float64' for checks)
  /**
   * Threads of the float32 WASM path for this run: 1, or 2 (a helper thread runs half of every big enough layer
   * scan and product; bit-identical results). Default: whatever is in effect (RNN_THREADS, else 1).
   */
  threads?: number
}

/** Built by the main process; sample-major, already normalised. */
export interface TrainData {
  mapping: Mapping
  task: Task
  inputSize: number // I (for token inputs: vocabulary size, and x holds token ids)
  outputSize: number // O for regression, number of classes for classification
  tx: number
  ty: number // sequence lengths (many-to-one: ty = 1)
  train: SplitData
  val: SplitData
  tokens?: boolean // x holds token ids (n, tx); inferred from x's length when absent
  units?: UnitsMap // regression: the validation targets in their own units and the map back to them (valMetrics)
}
export interface SplitData {
  n: number // number of samples
  x: Float32Array // (n, tx, I) sample-major
  y: Float32Array // regression: (n, ty, O); classification: (n, ty) class ids stored as floats
  mask?: Float32Array // (n, ty) 1 = step counts, 0 = padding; absent = all count
}
export interface StepInfo {
  epoch: number
  step: number
  stepsPerEpoch: number
  loss: number
  gradNorm: number
  clipped: boolean
}
export interface EpochInfo {
  epoch: number
  trainLoss: number
  valLoss: number
  seconds: number
  lr: number
  diagnostics: Diagnostics
  /** Validation metrics in the user's units (src-worker/evaluation/metrics.ts); null without validation samples. */
  valMetrics: ValMetrics | null
  warning?: string
}
export interface TrainHooks {
  onStep?(s: StepInfo): void
  onEpoch?(e: EpochInfo): void
  /**
   * After every completed epoch: the whole training state, enough to resume bit-identically. Its arrays are the
   * trainer's own and are reused (no copy per epoch): they hold this state until the next epoch ends — or
   * train() returns — and must not be written or transferred. Copy what you keep longer.
   */
  onCheckpoint?(state: TrainState): void
  shouldStop?(): boolean // polled between steps; true => finish current step and return status 'stopped'
  /**
   * Whether epoch `epoch`'s diagnostics carry the probe heatmaps (G·T·H + T·H numbers; default: every epoch).
   * The app only sends the newest epoch of each batch, so it asks for them once a second, not every epoch.
   */
  wantProbe?(epoch: number): boolean
}
export interface TrainResult {
  status: 'completed' | 'stopped' | 'failed'
  error?: string
  epochs: EpochInfo[]
  trainLoss: number
  valLoss: number
  weights: Record<string, unknown> // PyTorch-layout nested arrays (exportTorch)
  stoppedEarly?: boolean // early stopping fired (weights are then those of the best epoch)
  bestEpoch?: number
  /** The final epoch's validation metrics (the best epoch's after early stopping); generators add novelty. */
  valMetrics?: ValMetrics | null
}

/**
 * Everything a run needs to continue after epoch `epoch` exactly as if it had never stopped: weights,
 * optimizer moments, the RNG (shuffling, dropout), the LR schedule, early-stopping and NaN-revert
 * bookkeeping. Plain data and typed arrays (structured-clone / v8.serialize friendly).
 */
export interface TrainState {
  version: 1
  epoch: number
  params: Arr
  opt: { m: Arr; v: Arr; t: number }
  lr: number
  rng: number[]
  /** The data order: each epoch shuffles the previous epoch's permutation. */
  order: Int32Array
  sched: number[]
  best: number
  bestEpoch: number
  bad: number
  bestParams: Arr | null
  good: { params: Arr; opt: { m: Arr; v: Arr; t: number } }
  reverts: number
}

/** Does x hold token ids? Explicit flag, else inferred from its length. */
export function usesTokens(d: { tokens?: boolean; inputSize: number; tx: number }, n: number, xLen: number): boolean {
  if (d.tokens !== undefined) return d.tokens
  return d.inputSize > 1 && xLen === n * d.tx && xLen !== n * d.tx * d.inputSize
}

export function modelSpecOf(
  config: TrainConfig,
  d: Pick<TrainData, 'mapping' | 'task' | 'inputSize' | 'outputSize' | 'tx' | 'ty'>,
  tokens: boolean
): ModelSpec {
  return {
    cell: config.model.cell,
    hiddenSize: config.model.hiddenSize,
    numLayers: config.model.numLayers,
    dropout: config.model.dropout ?? 0,
    bidirectional: config.model.bidirectional ?? false,
    mapping: d.mapping,
    task: d.task,
    inputSize: d.inputSize,
    outputSize: d.outputSize,
    tx: d.tx,
    ty: d.ty,
    tokens,
    gruResetBefore: config.model.gruResetBefore === true
  }
}

function checkSplit(name: string, s: SplitData, d: TrainData, tokens: boolean): void {
  const xw = tokens ? 1 : d.inputSize,
    yw = d.task === 'regression' ? d.outputSize : 1
  if (!Number.isInteger(s.n) || s.n < 0) throw new Error(`${name}.n must be a non-negative integer, got ${s.n}`)
  if (s.x.length !== s.n * d.tx * xw)
    throw new Error(
      `${name}.x has ${s.x.length} values, expected n·tx·${tokens ? '1 (token ids)' : 'I'} = ${s.n}·${d.tx}·${xw} = ${s.n * d.tx * xw}`
    )
  if (s.y.length !== s.n * d.ty * yw)
    throw new Error(`${name}.y has ${s.y.length} values, expected n·ty·${yw} = ${s.n * d.ty * yw}`)
  if (s.mask && s.mask.length !== s.n * d.ty)
    throw new Error(`${name}.mask has ${s.mask.length} values, expected n·ty = ${s.n * d.ty}`)
}

function checkConfig(c: TrainConfig): void {
  if (!['lstm', 'gru', 'rnn_tanh', 'rnn_relu'].includes(c.model.cell))
    throw new Error(`model.cell: unknown cell ${c.model.cell}`)
  if (!Number.isInteger(c.model.hiddenSize) || c.model.hiddenSize < 1)
    throw new Error(`model.hiddenSize must be a positive integer, got ${c.model.hiddenSize}`)
  const p = c.model.dropout ?? 0
  if (!(p >= 0 && p < 1)) throw new Error(`model.dropout must be in [0, 1), got ${p}`)
  if (!Number.isInteger(c.epochs) || c.epochs < 0)
    throw new Error(`epochs must be a non-negative integer, got ${c.epochs}`)
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1)
    throw new Error(`batchSize must be a positive integer, got ${c.batchSize}`)
  if (!['adam', 'sgd', 'momentum', 'rmsprop'].includes(c.optimizer.kind))
    throw new Error(`optimizer.kind: unknown optimizer ${c.optimizer.kind}`)
  if (c.earlyStopping && !(c.earlyStopping.patience >= 1))
    throw new Error(`earlyStopping.patience must be ≥ 1, got ${c.earlyStopping.patience}`)
  if (c.tbptt !== undefined && !(Number.isInteger(c.tbptt) && c.tbptt >= 0))
    throw new Error(`tbptt must be a non-negative integer, got ${c.tbptt}`)
  if (c.clipNorm !== undefined && !(c.clipNorm >= 0)) throw new Error(`clipNorm must be ≥ 0, got ${c.clipNorm}`)
  if (c.init !== undefined && c.init !== 'default' && c.init !== 'pytorch')
    throw new Error(`init must be default or pytorch, got ${c.init}`)
  if (c.threads !== undefined && !(c.threads === 1 || c.threads === 2))
    throw new Error(`threads must be 1 or 2, got ${c.threads}`)
}

export function train(config: TrainConfig, data: TrainData, hooks: TrainHooks = {}, resume?: TrainState): TrainResult {
  let model: Model | null = null
  const epochs: EpochInfo[] = []
  const threadsBefore = gemmThreads()
  try {
    checkConfig(config)
    if (config.threads !== undefined) setGemmThreads(config.threads)
    const tokens = usesTokens(data, data.train.n, data.train.x.length)
    checkSplit('train', data.train, data, tokens)
    checkSplit('val', data.val, data, tokens)
    if (data.train.n < 1) throw new Error('train.n must be ≥ 1')
    model = new Model(modelSpecOf(config, data, tokens), config.dtype ?? 'float32', batchMax(config, data))
    const run = new TrainingRun(model, config, data, hooks, epochs)
    if (resume) run.restore(resume)
    return run.run()
  } catch (e) {
    const err = e as Error
    return {
      status: 'failed',
      error: err?.message ?? String(e),
      epochs,
      trainLoss: epochs.length ? epochs[epochs.length - 1].trainLoss : NaN,
      valLoss: epochs.length ? epochs[epochs.length - 1].valLoss : NaN,
      weights: model ? exportTorch(model.layout, model.params) : {}
    }
  } finally {
    setGemmThreads(threadsBefore)
  }
}

/** What one epoch's training steps add up to. */
interface EpochSums {
  lossSum: number
  denSum: number
  normSum: number
  updates: number
  clippedCount: number
  lastNorm: number
  dhNorm: number[]
  pNorms: Diagnostics['params']
  warning?: string
}

/** One call of train(): the model, the optimizer and their bookkeeping, run epoch by epoch. */
/** The mini-batch size of a run (and of its evaluation passes). */
export function batchMax(config: TrainConfig, data: Pick<TrainData, 'train' | 'val'>): number {
  return Math.min(config.batchSize, Math.max(data.train.n, data.val.n, 1))
}

/** A run's initial weights, drawn from its seeded Rng (which then goes on to shuffle the batches). */
export function initModel(model: Model, config: TrainConfig, rng: Rng): void {
  model.init(rng, config.model.forgetBias, config.init ?? 'default')
}

/**
 * What a run starts from: its initial weights (PyTorch layout, in the run's precision) and the state of its Rng
 * after drawing them — the state the first epoch's shuffle starts from.
 */
export function initialState(
  config: TrainConfig,
  data: TrainData
): { weights: Record<string, unknown>; rng: number[]; batchMax: number } {
  const tokens = usesTokens(data, data.train.n, data.train.x.length)
  const Bmax = batchMax(config, data)
  const model = new Model(modelSpecOf(config, data, tokens), config.dtype ?? 'float32', Bmax)
  const rng = new Rng(config.seed)
  initModel(model, config, rng)
  return { weights: exportTorch(model.layout, model.params), rng: rng.getState(), batchMax: Bmax }
}

class TrainingRun {
  private readonly rng: Rng
  private readonly opt: Optimizer
  private readonly sched: LrSchedule
  private readonly batch: Batch
  private readonly order: Int32Array
  private readonly steps: number
  /** Truncated BPTT window length, and whether the sequences are cut into such windows. */
  private readonly k: number
  private readonly windowed: boolean
  /** (L·D, B, H) state carried between TBPTT windows */
  private readonly carryH: Arr
  private readonly carryC: Arr
  private readonly guard: NanGuard
  private readonly stopping: EarlyStopping
  private readonly lender: CheckpointLender
  private readonly metrics: ValidationMetrics | null
  private status: TrainResult['status'] = 'completed'
  private error: string | undefined
  private firstEpoch = 1

  constructor(
    private readonly model: Model,
    private readonly config: TrainConfig,
    private readonly data: TrainData,
    private readonly hooks: TrainHooks,
    private readonly epochs: EpochInfo[]
  ) {
    const spec = model.spec,
      dtype = model.dtype,
      nTrain = data.train.n
    this.rng = new Rng(config.seed)
    initModel(model, config, this.rng)
    this.opt = new Optimizer(config.optimizer, dtype, model.layout.size)
    this.sched = new LrSchedule(config.schedule ?? { kind: 'none' }, config.optimizer.lr, config.epochs)
    this.batch = new Batch(spec, dtype, model.Bmax)
    this.steps = Math.ceil(nTrain / model.Bmax)
    this.order = identity(nTrain)
    this.k = config.tbptt ?? 0
    // (bidirectional layers need the whole sequence, so they always use full BPTT)
    this.windowed =
      this.k > 0 &&
      this.k < spec.tx &&
      !spec.bidirectional &&
      (spec.mapping === 'many-to-many' || spec.mapping === 'many-to-one')
    const stateN = spec.numLayers * (spec.bidirectional ? 2 : 1) * model.Bmax * spec.hiddenSize
    this.carryH = alloc(dtype, stateN)
    this.carryC = alloc(dtype, stateN)
    this.guard = new NanGuard(config.nanPolicy ?? 'fail', model.params, this.opt)
    this.stopping = new EarlyStopping(config.earlyStopping?.patience)
    this.lender = new CheckpointLender(nTrain)
    this.metrics = data.val.n > 0 ? new ValidationMetrics(spec, data.val, data.units) : null
  }

  /** Continues from a checkpoint: everything as it was after its epoch. */
  restore(resume: TrainState): void {
    if (resume.params.length !== this.model.params.length)
      throw new Error(
        `resume: the checkpoint has ${resume.params.length} parameters, this model ${this.model.params.length}`
      )
    this.model.params.set(resume.params)
    this.opt.restore(resume.opt)
    this.opt.lr = resume.lr
    this.rng.setState(resume.rng)
    this.sched.setState(resume.sched)
    if (resume.order.length !== this.order.length)
      throw new Error(`resume: the checkpoint orders ${resume.order.length} samples, the data has ${this.order.length}`)
    this.order.set(resume.order)
    this.stopping.restore(resume)
    this.guard.restore(resume)
    this.firstEpoch = resume.epoch + 1
  }

  run(): TrainResult {
    for (let epoch = this.firstEpoch; epoch <= this.config.epochs; epoch++) if (!this.epoch(epoch)) break
    return this.result()
  }

  /** Trains, evaluates and reports one epoch; false when the run ends with it. */
  private epoch(epoch: number): boolean {
    const t0 = performance.now()
    this.opt.lr = this.sched.lr
    this.rng.shuffle(this.order)
    const sums = this.trainSteps(epoch)
    if (this.status === 'failed') return false
    const warning = sums.warning
    if (warning) this.sched.scaleBase(0.5)
    const trainLoss = sums.denSum > 0 ? sums.lossSum / sums.denSum : NaN
    const valLoss = this.validate()
    const info: EpochInfo = {
      epoch,
      trainLoss,
      valLoss,
      seconds: (performance.now() - t0) / 1000,
      lr: this.opt.lr,
      diagnostics: this.diagnostics(sums, epoch),
      valMetrics: this.metrics?.result() ?? null
    }
    if (warning) info.warning = warning
    this.epochs.push(info)
    this.hooks.onEpoch?.(info)
    if (this.status === 'stopped') return false
    if (!warning) this.guard.refresh()
    const metric = Number.isFinite(valLoss) ? valLoss : trainLoss
    this.sched.endEpoch(epoch, metric)
    const stopNow = this.stopping.update(metric, epoch, this.model.params)
    if (this.hooks.onCheckpoint) {
      const w = { params: this.model.params, opt: this.opt, rng: this.rng, order: this.order, sched: this.sched }
      this.hooks.onCheckpoint(this.lender.lend(epoch, !!warning, w, this.guard, this.stopping))
    }
    return !stopNow
  }

  /** The epoch's mini-batches, until the data ends, a step goes non-finite, or the run is stopped. */
  private trainSteps(epoch: number): EpochSums {
    const sums: EpochSums = {
      lossSum: 0,
      denSum: 0,
      normSum: 0,
      updates: 0,
      clippedCount: 0,
      lastNorm: 0,
      dhNorm: [],
      pNorms: []
    }
    const nTrain = this.data.train.n,
      Bmax = this.model.Bmax
    for (let s = 0; s < this.steps; s++) {
      const start = s * Bmax,
        B = Math.min(Bmax, nTrain - start)
      this.batch.fill(this.data.train.x, this.data.train.y, this.data.train.mask, this.order, start, B)
      const r = this.step(sums, s === this.steps - 1, B)
      if (r.bad) {
        const outcome = this.guard.onBad(`${r.bad} at epoch ${epoch}, step ${s + 1}`, epoch)
        if ('fail' in outcome) {
          this.status = 'failed'
          this.error = outcome.fail
        } else sums.warning = outcome.warning
        break // end this epoch early
      }
      sums.lastNorm = r.norm
      sums.lossSum += r.loss
      sums.denSum += r.den
      const loss = r.den > 0 ? r.loss / r.den : NaN
      this.hooks.onStep?.({ epoch, step: s + 1, stepsPerEpoch: this.steps, loss, gradNorm: r.norm, clipped: r.clipped })
      if (this.hooks.shouldStop?.()) this.status = 'stopped'
      if (this.status === 'stopped') break
    }
    return sums
  }

  /**
   * One mini-batch (already in `batch`): a gradient and an update per TBPTT window. Returns the loss summed over
   * its counted steps, their count, the last gradient norm, and `bad` when a loss or norm was not finite.
   */
  private step(sums: EpochSums, last: boolean, B: number) {
    const model = this.model,
      spec = model.spec,
      k = this.k,
      windowed = this.windowed,
      clip = this.config.clipNorm ?? 0
    let loss = 0,
      den = 0,
      clipped = false,
      norm = 0,
      bad = ''
    const nW = windowed ? Math.ceil(spec.tx / k) : 1
    for (let w = 0; w < nW; w++) {
      model.grads.fill(0)
      const ta = w * k,
        tb = windowed ? Math.min(spec.tx, ta + k) : spec.tx
      const r = model.lossGrad(this.batch, {
        grad: true,
        dropout: 'sample',
        rng: this.rng,
        t0: ta,
        t1: tb,
        h0: windowed && w > 0 ? this.carryH : null,
        c0: windowed && w > 0 ? this.carryC : null
      })
      if (windowed) {
        this.carryH.set(model.enc.hN.subarray(0, this.carryH.length))
        this.carryC.set(model.enc.cN.subarray(0, this.carryC.length))
      }
      if (r.den === 0) continue
      if (last) {
        sums.dhNorm = dhNormsOf(model.top, model.top.lastT, B)
        sums.pNorms = paramNorms(model)
      }
      let n: number
      if (clip > 0) {
        const c = clipGradNorm(model.grads, clip)
        n = c.norm
        if (c.clipped) {
          clipped = true
          sums.clippedCount++
        }
      } else n = globalNorm(model.grads)
      if (!Number.isFinite(r.loss) || !Number.isFinite(n)) {
        bad = `non-finite ${Number.isFinite(r.loss) ? 'gradient norm' : 'loss'} (${Number.isFinite(r.loss) ? n : r.loss})`
        break
      }
      this.opt.step(model.params, model.grads)
      loss += r.loss * r.den
      den += r.den
      norm = n
      sums.normSum += n
      sums.updates++
    }
    return { loss, den, clipped, norm, bad }
  }

  /**
   * The validation loss, leaving a probe batch's forward in the model's caches for the diagnostics: the first Bmax
   * validation samples — the validation pass runs that batch last — else the first training samples
   * (teacher-forced, no dropout).
   */
  private validate(): number {
    const data = this.data,
      metrics = this.metrics,
      model = this.model
    if (metrics) {
      metrics.reset()
      metrics.runFree(model, this.batch) // (before the validation pass, whose first batch the probe reads)
      return evaluate(model, this.batch, data.val, true, (b, start) => metrics.addForward(model.logits, b, start))
    }
    const pn = Math.min(this.model.Bmax, data.train.n)
    this.batch.fill(data.train.x, data.train.y, data.train.mask, identity(pn), 0, pn)
    this.model.lossGrad(this.batch, { grad: false, dropout: 'off' })
    return NaN
  }

  private diagnostics(sums: EpochSums, epoch: number): Diagnostics {
    const model = this.model
    const stacks = model.dec ? [model.enc, model.dec] : [model.enc]
    const diagnostics: Diagnostics = {
      gateNames: gateNames(model.spec.cell),
      gateMeans: stacks.flatMap((st) => gateMeansOf(st)),
      dhNorm: sums.dhNorm,
      gradNorm: sums.lastNorm,
      meanGradNorm: sums.updates ? sums.normSum / sums.updates : 0,
      clippedFraction: sums.updates ? sums.clippedCount / sums.updates : 0,
      params: sums.pNorms
    }
    if (this.hooks.wantProbe?.(epoch) ?? true) diagnostics.probe = probeOf(model.top, 0)
    return diagnostics
  }

  /** The run's result: with early stopping, the best epoch's weights and losses. */
  private result(): TrainResult {
    const epochs = this.epochs,
      p = this.model.params,
      stopping = this.stopping
    if (stopping.stopped && stopping.bestParams) p.set(stopping.bestParams)
    const lastE = epochs[epochs.length - 1]
    const res: TrainResult = {
      status: this.status,
      epochs,
      trainLoss: lastE ? lastE.trainLoss : NaN,
      valLoss: lastE ? lastE.valLoss : NaN,
      weights: exportTorch(this.model.layout, p)
    }
    if (this.error) res.error = this.error
    if (this.config.earlyStopping) {
      res.stoppedEarly = stopping.stopped
      res.bestEpoch = stopping.bestEpoch
    }
    const be = epochs.find((e) => e.epoch === stopping.bestEpoch) // (a resumed run lists only its own epochs)
    res.valMetrics = lastE ? lastE.valMetrics : null
    if (stopping.stopped && be) {
      res.trainLoss = be.trainLoss
      res.valLoss = be.valLoss
      res.valMetrics = be.valMetrics
    }
    if (this.status !== 'failed' && lastE && this.metrics?.kind === 'generation')
      res.valMetrics = { ...res.valMetrics, novelty: this.novelty() }
    return res
  }

  /** Share of seeded samples (temperature 0.8) that are not items of the training set. */
  private novelty(): number {
    const d = this.data,
      from = d.val.n > 0 ? d.val : d.train
    const known = itemKeys(d.train.y, d.train.n, d.ty, d.train.mask)
    return noveltyOf(sampleItems(this.model, from.x, from.n, known, { seed: this.config.seed }))
  }
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n)
  for (let i = 0; i < n; i++) a[i] = i
  return a
}

/**
 * Mean loss over a split (teacher-forced, no dropout), in batches of the model's Bmax, summed in sample order.
 * `firstLast`: run the first batch last (the sum keeps the sample order, so the result is the same bits),
 * leaving its forward in the model's caches. `onBatch` sees every batch after its forward (model.logits holds
 * the head's outputs of samples [start, start + batch.B)).
 */
export function evaluate(
  model: Model,
  batch: Batch,
  s: SplitData,
  firstLast = false,
  onBatch?: (batch: Batch, start: number) => void
): number {
  const idx = identity(s.n),
    chunks = Math.ceil(s.n / model.Bmax)
  const loss = new Float64Array(chunks),
    dens = new Float64Array(chunks)
  for (let i = 0; i < chunks; i++) {
    const c = firstLast ? (i + 1) % chunks : i,
      start = c * model.Bmax
    batch.fill(s.x, s.y, s.mask, idx, start, Math.min(model.Bmax, s.n - start))
    const r = model.lossGrad(batch, { grad: false, dropout: 'off' })
    onBatch?.(batch, start)
    loss[c] = r.loss
    dens[c] = r.den
  }
  let sum = 0,
    den = 0
  for (let c = 0; c < chunks; c++) {
    sum += loss[c] * dens[c]
    den += dens[c]
  }
  return den > 0 ? sum / den : NaN
}

/** What `predict` needs to know about the data: TrainData's shape fields plus the inputs. */
export interface PredictInput {
  mapping: Mapping
  task: Task
  inputSize: number
  outputSize: number
  tx: number
  ty: number
  tokens?: boolean
  n: number
  x: Float32Array // (n, tx, I) sample-major, or (n, tx) token ids
}
export interface PredictResult {
  output: Float32Array // (n, ty, O): regression values, or class probabilities (softmax)
  classes?: Int32Array // (n, ty) argmax class (classification)
}

/**
 * Inference with PyTorch-layout weights (as returned in TrainResult.weights). one-to-many and seq2seq run
 * free: each step is fed the previous prediction (classification: its argmax class).
 */
export function predict(
  config: TrainConfig,
  input: PredictInput,
  weights: Record<string, unknown>,
  opts: { temperature?: number; seed?: number } = {}
): PredictResult {
  const tokens = usesTokens(input, input.n, input.x.length)
  const xw = tokens ? 1 : input.inputSize
  if (input.x.length !== input.n * input.tx * xw)
    throw new Error(`x has ${input.x.length} values, expected n·tx·${xw} = ${input.n * input.tx * xw}`)
  if (opts.temperature !== undefined && !(opts.temperature > 0 && Number.isFinite(opts.temperature)))
    throw new Error(`temperature must be a positive number, got ${opts.temperature}`)
  const Bmax = Math.max(1, Math.min(input.n, Math.max(config.batchSize ?? 64, 1)))
  const model = new Model(modelSpecOf(config, input, tokens), config.dtype ?? 'float32', Bmax)
  importTorch(model.layout, model.params, weights)
  const batch = new Batch(model.spec, model.dtype, Bmax)
  const O = input.outputSize,
    ty = input.ty,
    n = input.n
  const free = input.mapping === 'one-to-many' || input.mapping === 'seq2seq'
  const sampling =
    opts.temperature !== undefined && free && input.task === 'classification'
      ? { temperature: opts.temperature, rng: new Rng(opts.seed ?? 1) }
      : null
  const output = new Float32Array(n * ty * O),
    buf = alloc(model.dtype, ty * Bmax * O),
    idx = identity(n)
  const chosen = new Int32Array(ty * Bmax),
    fed = free && input.task === 'classification' ? new Int32Array(n * ty) : null
  for (let start = 0; start < n; start += Bmax) {
    const B = Math.min(Bmax, n - start)
    batch.fill(input.x, null, null, idx, start, B)
    model.predict(batch, buf, sampling, chosen)
    for (let t = 0; t < ty; t++)
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < O; k++) output[((start + b) * ty + t) * O + k] = buf[(t * B + b) * O + k]
        if (fed) fed[(start + b) * ty + t] = chosen[t * B + b]
      }
  }
  const res: PredictResult = { output }
  if (input.task === 'classification') {
    // free-running decoders report the classes they fed on (greedy or sampled); others the argmax
    const classes = fed ?? new Int32Array(n * ty)
    if (!fed)
      for (let r = 0; r < n * ty; r++) {
        let best = 0
        for (let k = 1; k < O; k++) if (output[r * O + k] > output[r * O + best]) best = k
        classes[r] = best
      }
    res.classes = classes
  }
  return res
}
