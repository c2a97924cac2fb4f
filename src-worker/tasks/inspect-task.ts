// Inspect task: runs a trained model over its validation split (rebuilt exactly as in training) and
// returns what the UI shows: predictions against targets (series), a confusion matrix (classes),
// decoded sequences (text), and the gates and hidden states of one probe sequence the user picks.
import { gunzipSync } from 'node:zlib'
import { csvOptions, parseCsv } from '../data/csv'
import { anchorsOf, seriesTargets, targetTransformOf, toUserUnits } from '../data/target-transform'
import type { SequenceData, SequenceSplit } from '../data/sequences'
import { sourceTokensOf, targetTokensOf, type Inspection } from '../../src-shared/contract'
import { Batch, Model } from '../engine/model'
import { importTorch } from '../engine/params'
import { gateNames, probeOf } from '../engine/diagnostics'
import { modelSpecOf, predict, type SplitData, type TrainData } from '../trainer'
import type { FromWorker, ToWorker } from '../protocol'
import { buildSequences, toTrainData } from './build-data'
import { generationView } from './inspect-generation'

const MAX_POINTS = 5000
const MAX_SAMPLES = 12

export function runInspect(msg: ToWorker & { type: 'inspect' }, post: (m: FromWorker) => void): void {
  const c = inspectContext(msg)
  const result: Inspection = {
    split: c.which,
    count: c.split.n,
    shown: c.n,
    kind: c.data.task === 'regression' ? 'regression' : 'classification',
    probe: null
  }
  if (c.data.task === 'regression') result.series = seriesView(c)
  else if (c.seqs.classes && !c.seqs.targetVocab) result.confusion = confusionView(c, c.seqs.classes)
  else Object.assign(result, sequencesView(c))
  result.probe = probeView(c)
  post({ type: 'inspected', taskId: msg.taskId, inspection: result })
}

/** The run's data rebuilt as in training, the split shown, and the model's predictions on its first n samples. */
interface InspectContext {
  msg: ToWorker & { type: 'inspect' }
  seqs: SequenceData
  data: TrainData
  split: SplitData
  which: Inspection['split']
  /** The split's samples in SequenceData terms (for the target's units). */
  seqSplit: SequenceSplit
  n: number
  pred: ReturnType<typeof predict>
}

function inspectContext(msg: ToWorker & { type: 'inspect' }): InspectContext {
  const table = parseCsv(new Uint8Array(gunzipSync(msg.bytesGz)), csvOptions(msg.importOptions))
  const seqs = buildSequences(table, msg.config)
  const data = toTrainData(seqs)
  const hasVal = data.val.n > 0
  const split = hasVal ? data.val : data.train
  const { tx, ty, outputSize, task } = data
  const n = Math.min(split.n, MAX_POINTS)
  const xw = data.tokens ? 1 : data.inputSize
  const pred = predict(
    msg.model.trainConfig,
    {
      mapping: data.mapping,
      task,
      inputSize: data.inputSize,
      outputSize,
      tx,
      ty,
      tokens: data.tokens,
      n,
      x: split.x.subarray(0, n * tx * xw)
    },
    msg.model.weights
  )
  const which = hasVal ? 'validation' : 'training'
  return { msg, seqs, data, split, which, seqSplit: hasVal ? seqs.val : seqs.train, n, pred }
}

/** One series point per sample: the first forecast step of the first target column, in the target's units. */
function seriesView({ msg, seqs, data, split, seqSplit, n, pred }: InspectContext): Inspection['series'] {
  const { ty, outputSize: O } = data
  const units = userUnitsOf(seqs, seqSplit, n, split.y, pred.output)
  const target: number[] = [],
    prediction: number[] = []
  for (let s = 0; s < n; s++) {
    target.push(units.truth[s * ty * O])
    prediction.push(units.prediction[s * ty * O])
  }
  let se = 0,
    ae = 0
  for (let i = 0; i < n; i++) {
    se += (target[i] - prediction[i]) ** 2
    ae += Math.abs(target[i] - prediction[i])
  }
  return {
    column: msg.config.target,
    target,
    prediction,
    rmse: Math.sqrt(se / Math.max(1, n)),
    mae: ae / Math.max(1, n)
  }
}

function confusionView({ data, split, n, pred }: InspectContext, classes: string[]): Inspection['confusion'] {
  const ty = data.ty,
    C = classes.length
  const matrix = Array.from({ length: C }, () => new Array<number>(C).fill(0))
  let right = 0,
    total = 0
  for (let s = 0; s < n; s++)
    for (let t = 0; t < ty; t++) {
      if (split.mask && !(split.mask[s * ty + t] > 0)) continue
      const truth = split.y[s * ty + t],
        guess = pred.classes![s * ty + t]
      matrix[truth][guess]++
      total++
      if (truth === guess) right++
    }
  return { classes, matrix, accuracy: total ? right / total : 0 }
}

type Decode = (ids: ArrayLike<number>, from: number, len: number) => string

/** Token ids from[from .. from+len) as text up to the first EOS (id 3), skipping the other special ids (< 4). */
function decoderOf(vocab: string[], word: boolean): Decode {
  return (ids, from, len) => {
    let out = ''
    for (let t = 0; t < len; t++) {
      const id = ids[from + t]
      if (id === 3) break
      if (id < 4) continue
      out += (word && out ? ' ' : '') + (vocab[id] ?? '?')
    }
    return out
  }
}

/** Decoded targets and outputs of the first samples, the exact-match share, and a generator's samples. */
function sequencesView(c: InspectContext): Partial<Inspection> {
  const { msg, seqs, data, split, n, pred } = c
  const ty = data.ty
  const decode = decoderOf(seqs.targetVocab ?? [], targetTokensOf(msg.config) === 'word')
  const samples: NonNullable<Inspection['samples']> = []
  let right = 0
  for (let s = 0; s < n; s++) {
    const target = decode(split.y, s * ty, ty)
    const output = decode(pred.classes!, s * ty, ty)
    if (target === output) right++
    if (samples.length < MAX_SAMPLES) samples.push({ input: sampleInput(c, s), target, output })
  }
  const view: Partial<Inspection> = { kind: 'sequences', samples, exactMatch: n ? right / n : 0 }
  if (data.mapping !== 'one-to-many') return view
  const conditionOf = (x: Float32Array, row: number) =>
    seqs.conditions?.[Array.from(x.subarray(row * data.inputSize, (row + 1) * data.inputSize)).indexOf(1)]
  const generation = generationView(
    msg.model.weights,
    msg.model.trainConfig,
    data,
    split,
    msg.config.seed,
    decode,
    conditionOf,
    MAX_SAMPLES
  )
  return { ...view, ...generation }
}

/** Sample s's input as text: its source tokens, or the condition a generator was given. */
function sampleInput({ msg, seqs, data, split }: InspectContext, s: number): string | undefined {
  const { tx, inputSize } = data
  if (seqs.inputVocab && data.tokens) {
    let input = ''
    for (let t = 0; t < tx; t++) {
      const id = split.x[s * tx + t]
      if (id >= 4) input += (sourceTokensOf(msg.config) === 'word' && input ? ' ' : '') + seqs.inputVocab[id]
    }
    return input
  }
  if (seqs.conditions) {
    const k = Array.from(split.x.subarray(s * tx * inputSize, s * tx * inputSize + inputSize)).indexOf(1)
    return seqs.conditions[k]
  }
  return undefined
}

/** The probe: one sequence of the split, forward only, gates and hidden state of the top layer. */
function probeView({ msg, data, split }: InspectContext): Inspection['probe'] {
  const index = Math.min(Math.max(0, msg.probe ?? 0), split.n - 1)
  if (index < 0) return null
  const model = new Model(modelSpecOf(msg.model.trainConfig, data, !!data.tokens), 'float32', 1)
  importTorch(model.layout, model.params, msg.model.weights)
  const batch = new Batch(model.spec, 'float32', 1)
  batch.fill(split.x, split.y, split.mask, Int32Array.of(index), 0, 1)
  model.lossGrad(batch, { grad: false, dropout: 'off' })
  const p = probeOf(model.top, 0)
  return { index, gateNames: gateNames(model.spec.cell), gates: p.gates, hidden: p.hidden }
}

/** The first n samples' targets and predictions in the target's units (differenced series read from the file). */
function userUnitsOf(seqs: SequenceData, split: SequenceSplit, n: number, y: Float32Array, out: Float32Array) {
  const size = n * seqs.ty * seqs.outputSize
  const t = targetTransformOf(seqs),
    all = anchorsOf(seqs, split)
  const anchors = all ? { ...all, starts: Array.from(all.starts).slice(0, n) } : undefined
  const prediction = toUserUnits(t, out.subarray(0, size), new Float64Array(size), anchors)
  const truth =
    anchors && t.lags.length ? seriesTargets(anchors) : toUserUnits(t, y.subarray(0, size), new Float64Array(size))
  return { truth, prediction }
}
