// Small models trained the way the training task trains them (buildSequences → train → SavedModel with the
// stored mapping), and the engine's own predictions on the builder's samples, for the predict-* tests.
import { parseCsv, type ParsedTable } from '../../../../src-worker/data/csv'
import type { SequenceData, SequenceSplit } from '../../../../src-worker/data/sequences'
import { experimentConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../../../src-shared/contract'
import { buildSequences, toTrainConfig, toTrainData } from '../../../../src-worker/tasks/build-data'
import { predict, train, type PredictResult, type TrainConfig } from '../../../../src-worker/trainer'
import type { SavedModel } from '../../../../src-worker/protocol'
import type { PredictionTable } from '../../../../src-worker/inference/predict-table'

export const csvTable = (text: string): ParsedTable => parseCsv(new TextEncoder().encode(text))

export interface Trained {
  model: SavedModel
  table: ParsedTable
  seqs: SequenceData
  config: ExperimentConfig
}

/** Train on CSV text for a few epochs; the SavedModel holds what the training task stores. */
export function trainOn(csv: string, input: Partial<ExperimentConfigInput>, epochs = 3): Trained {
  const table = csvTable(csv)
  const config = experimentConfig.parse({
    model: { cell: 'lstm', hiddenSize: 8 },
    optimizer: { kind: 'adam', lr: 0.02 },
    epochs,
    batchSize: 16,
    seed: 5,
    ...input
  })
  const seqs = buildSequences(table, config)
  const data = toTrainData(seqs)
  const trainConfig = toTrainConfig(config)
  const res = train(trainConfig, data)
  if (res.status !== 'completed') throw new Error(`training failed: ${res.error}`)
  const model: SavedModel = {
    weights: res.weights,
    trainConfig,
    data: {
      mapping: data.mapping,
      task: data.task,
      inputSize: data.inputSize,
      outputSize: data.outputSize,
      tx: data.tx,
      ty: data.ty,
      tokens: !!data.tokens
    },
    inputs: seqs.inputNorm.columns,
    target: config.target,
    normalization: { input: seqs.inputNorm, target: seqs.targetNorm },
    vocab: {
      classes: seqs.classes,
      inputVocab: seqs.inputVocab,
      targetVocab: seqs.targetVocab,
      conditions: seqs.conditions
    },
    experiment: config
  }
  return { model, table, seqs, config }
}

/** The engine's predictions on one of the builder's splits (the inputs exactly as training built them). */
export function enginePredict(model: SavedModel, split: SequenceSplit): PredictResult {
  const d = model.data
  return predict(
    model.trainConfig as TrainConfig,
    {
      mapping: d.mapping as never,
      task: d.task as never,
      inputSize: d.inputSize,
      outputSize: d.outputSize,
      tx: d.tx,
      ty: d.ty,
      tokens: d.tokens,
      n: split.n,
      x: split.x
    },
    model.weights
  )
}

/** One column of a prediction table by header name. */
export function column(p: PredictionTable, name: string): unknown[] {
  const k = p.header.indexOf(name)
  if (k < 0) throw new Error(`no column "${name}" in ${p.header.join(', ')}`)
  return p.rows.map((r) => r[k])
}

/** Seeded uniform [0, 1) numbers (mulberry32), for generated data sets. */
export function uniform(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
