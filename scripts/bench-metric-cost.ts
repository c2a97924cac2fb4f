// The per-epoch cost of judging a run in the user's units (`npm run bench:app -- --metrics`): with and without the
// validation metrics, in CPU time of this process (the machine is shared, so wall time would measure the neighbours),
// median over --repeats (each a mean over calls filling 0.2 s after a warm-up), on the bench configurations' data
// at the default validation share (0.2).
//   val_pass_ms           the teacher-forced validation pass alone (what an epoch needs for valLoss)
//   val_pass_metrics_ms   the same pass feeding ValidationMetrics, plus its free-running pass (seq2seq decoders)
//                         and result() — what each epoch runs
//   metrics_ms            the difference: the metrics' own cost per epoch
//   epoch_ms              one whole training epoch of train() (training steps, validation with metrics, diagnostics)
//   metrics_share         metrics_ms / epoch_ms
//   baselines_ms          baselinesOf(): persistence, seasonal naive, class prior… once per run, not per epoch
import { Batch, Model } from '../src-worker/engine/model.js'
import { Rng } from '../src-worker/engine/rng.js'
import { parseCsv } from '../src-worker/data/csv'
import { buildSequences, toTrainConfig, toTrainData } from '../src-worker/tasks/build-data'
import { batchMax, evaluate, initModel, modelSpecOf, train, usesTokens } from '../src-worker/trainer'
import { ValidationMetrics } from '../src-worker/evaluation/metrics'
import { baselinesOf } from '../src-worker/evaluation/of-data'
import { experimentConfig } from '../src-shared/contract'
import type { AppCase } from './bench-app'

const cpuSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!
const ms = (v: number) => Math.round(v * 1e5) / 100

/** CPU seconds of one call of `f`: the mean over as many calls as fill `block` seconds (after 3 warm-up calls). */
function cpuOf(f: () => void, block = 0.2): number {
  let t = cpuSeconds()
  for (let i = 0; i < 3; i++) f()
  const once = Math.max(1e-4, (cpuSeconds() - t) / 3)
  const k = Math.max(1, Math.round(block / once))
  t = cpuSeconds()
  for (let i = 0; i < k; i++) f()
  return (cpuSeconds() - t) / k
}

export interface MetricCost {
  config: string
  n_train: number
  n_val: number
  val_pass_ms: number
  val_pass_metrics_ms: number
  metrics_ms: number
  epoch_ms: number
  metrics_share: number
  baselines_ms: number
  repeats: number
}

export function metricCost(name: string, ac: AppCase, repeats: number): MetricCost {
  const config = experimentConfig.parse({ ...ac.config, valFraction: 0.2, epochs: 3 })
  const seqs = buildSequences(parseCsv(new TextEncoder().encode(ac.csv)), config)
  const data = toTrainData(seqs),
    tc = toTrainConfig(config)
  const tokens = usesTokens(data, data.train.n, data.train.x.length)
  const model = new Model(modelSpecOf(tc, data, tokens), tc.dtype ?? 'float32', batchMax(tc, data))
  initModel(model, tc, new Rng(tc.seed))
  const batch = new Batch(model.spec, model.dtype, model.Bmax)
  const metrics = new ValidationMetrics(model.spec, data.val, data.units)
  const plain: number[] = [],
    judged: number[] = [],
    baselines: number[] = [],
    epochs: number[] = []
  for (let r = 0; r < repeats; r++) {
    plain.push(cpuOf(() => evaluate(model, batch, data.val, true)))
    judged.push(
      cpuOf(() => {
        metrics.reset()
        metrics.runFree(model, batch)
        evaluate(model, batch, data.val, true, (b, start) => metrics.addForward(model.logits, b, start))
        metrics.result()
      })
    )
    baselines.push(cpuOf(() => baselinesOf(seqs)))
    const marks: number[] = []
    train(tc, data, { onCheckpoint: () => void marks.push(cpuSeconds()) })
    for (let e = 1; e < marks.length; e++) epochs.push(marks[e]! - marks[e - 1]!)
  }
  const withM = median(judged),
    without = median(plain),
    epoch = median(epochs)
  return {
    config: name,
    n_train: data.train.n,
    n_val: data.val.n,
    val_pass_ms: ms(without),
    val_pass_metrics_ms: ms(withM),
    metrics_ms: ms(withM - without),
    epoch_ms: ms(epoch),
    metrics_share: Math.round(((withM - without) / epoch) * 1e4) / 1e4,
    baselines_ms: ms(median(baselines)),
    repeats
  }
}
