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
import { modelSpecOf, predict } from '../trainer'
import type { FromWorker, ToWorker } from '../protocol'
import { buildSequences, toTrainData } from './build-data'
import { generationView } from './inspect-generation'

const MAX_POINTS = 5000
const MAX_SAMPLES = 12

export function runInspect(msg: ToWorker & { type: 'inspect' }, post: (m: FromWorker) => void): void {
  const saved = msg.model
  const table = parseCsv(new Uint8Array(gunzipSync(msg.bytesGz)), csvOptions(msg.importOptions))
  const seqs = buildSequences(table, msg.config)
  const data = toTrainData(seqs)
  const split = data.val.n > 0 ? data.val : data.train
  const which = data.val.n > 0 ? 'validation' : 'training'
  const trainConfig = saved.trainConfig
  const { tx, ty, outputSize: O, task } = data
  const n = Math.min(split.n, MAX_POINTS)
  const xw = data.tokens ? 1 : data.inputSize
  const pred = predict(
    trainConfig,
    {
      mapping: data.mapping,
      task,
      inputSize: data.inputSize,
      outputSize: O,
      tx,
      ty,
      tokens: data.tokens,
      n,
      x: split.x.subarray(0, n * tx * xw)
    },
    saved.weights
  )

  const result: Inspection = {
    split: which,
    count: split.n,
    shown: n,
    kind: task === 'regression' ? 'regression' : 'classification',
    probe: null
  }
  const counts = (s: number, t: number) => !split.mask || split.mask[s * ty + t] > 0
  if (task === 'regression') {
    // one series point per sample: the first forecast step of the first target column, in the target's units
    const units = userUnitsOf(seqs, data.val.n > 0 ? seqs.val : seqs.train, n, split.y, pred.output)
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
    result.series = {
      column: msg.config.target,
      target,
      prediction,
      rmse: Math.sqrt(se / Math.max(1, n)),
      mae: ae / Math.max(1, n)
    }
  } else if (seqs.classes && !seqs.targetVocab) {
    const C = seqs.classes.length
    const matrix = Array.from({ length: C }, () => new Array<number>(C).fill(0))
    let right = 0,
      total = 0
    for (let s = 0; s < n; s++)
      for (let t = 0; t < ty; t++) {
        if (!counts(s, t)) continue
        const truth = split.y[s * ty + t],
          guess = pred.classes![s * ty + t]
        matrix[truth][guess]++
        total++
        if (truth === guess) right++
      }
    result.confusion = { classes: seqs.classes, matrix, accuracy: total ? right / total : 0 }
  } else {
    const vocab = seqs.targetVocab ?? []
    const decode = (ids: ArrayLike<number>, from: number, len: number, stopAtEos: boolean) => {
      let out = ''
      const word = targetTokensOf(msg.config) === 'word'
      for (let t = 0; t < len; t++) {
        const id = ids[from + t]
        if (id === 3 && stopAtEos) break
        if (id < 4) continue
        out += (word && out ? ' ' : '') + (vocab[id] ?? '?')
      }
      return out
    }
    const inVocab = seqs.inputVocab
    const samples: NonNullable<Inspection['samples']> = []
    let right = 0
    for (let s = 0; s < n; s++) {
      const target = decode(split.y, s * ty, ty, true)
      const output = decode(pred.classes!, s * ty, ty, true)
      if (target === output) right++
      if (samples.length < MAX_SAMPLES) {
        let input: string | undefined
        if (inVocab && data.tokens) {
          input = ''
          for (let t = 0; t < tx; t++) {
            const id = split.x[s * tx + t]
            if (id >= 4) input += (sourceTokensOf(msg.config) === 'word' && input ? ' ' : '') + inVocab[id]
          }
        } else if (seqs.conditions) {
          const k = Array.from(
            split.x.subarray(s * tx * data.inputSize, s * tx * data.inputSize + data.inputSize)
          ).indexOf(1)
          input = seqs.conditions[k]
        }
        samples.push({ input, target, output })
      }
    }
    result.kind = 'sequences'
    result.samples = samples
    result.exactMatch = n ? right / n : 0
    if (data.mapping === 'one-to-many') {
      const conditionOf = (x: Float32Array, row: number) =>
        seqs.conditions?.[Array.from(x.subarray(row * data.inputSize, (row + 1) * data.inputSize)).indexOf(1)]
      const view = generationView(
        saved.weights,
        trainConfig,
        data,
        split,
        msg.config.seed,
        (ids, from, len) => decode(ids, from, len, true),
        conditionOf,
        MAX_SAMPLES
      )
      Object.assign(result, view)
    }
  }

  // the probe: one sequence of the split, forward only, gates and hidden state of the top layer
  const index = Math.min(Math.max(0, msg.probe ?? 0), split.n - 1)
  if (index >= 0) {
    const model = new Model(modelSpecOf(trainConfig, data, !!data.tokens), 'float32', 1)
    importTorch(model.layout, model.params, saved.weights)
    const batch = new Batch(model.spec, 'float32', 1)
    batch.fill(split.x, split.y, split.mask, Int32Array.of(index), 0, 1)
    model.lossGrad(batch, { grad: false, dropout: 'off' })
    const p = probeOf(model.top, 0)
    result.probe = { index, gateNames: gateNames(model.spec.cell), gates: p.gates, hidden: p.hidden }
  }
  post({ type: 'inspected', taskId: msg.taskId, inspection: result })
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
