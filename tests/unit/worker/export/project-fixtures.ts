// Runs of every mapping on the shipped samples, trained in float64 by the engine and written as PyTorch training
// projects (the pytorch-project export, in-process): what train.py must reproduce.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsv } from '../../../../src-worker/data/csv'
import { buildSequences, toTrainConfig, toTrainData } from '../../../../src-worker/tasks/build-data'
import { train, type CellKind } from '../../../../src-worker/trainer'
import { writeProject } from '../../../../src-worker/export/pytorch-project'
import { experimentConfig, type ExperimentConfigInput } from '../../../../src-shared/contract'
import type { SavedModel } from '../../../../src-worker/protocol'
import { SAMPLES } from '../../../helpers/workbench'

export const CELLS: CellKind[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu']

/** One data mapping per shipped sample, kept small (few epochs, small hidden sizes, big batches). */
export const MAPPINGS: Record<string, { file: string; config: Partial<ExperimentConfigInput> }> = {
  'many-to-one': { file: 'co2-monthly.csv', config: { mapping: 'many-to-one', target: 'CO2', window: 12 } },
  'many-to-many': {
    file: 'seattle-weather.csv',
    config: {
      mapping: 'many-to-many',
      target: 'weather',
      inputs: ['precipitation', 'temp_max', 'temp_min', 'wind'],
      window: 14
    }
  },
  'one-to-one': {
    file: 'seattle-weather.csv',
    config: { mapping: 'one-to-one', target: 'temp_max', inputs: ['precipitation', 'temp_min', 'wind'] }
  },
  'one-to-many': {
    file: 'first-names.csv',
    config: {
      mapping: 'one-to-many',
      target: 'name',
      condition: 'gender',
      tokens: 'char',
      task: 'generation',
      batchSize: 256
    }
  },
  seq2seq: {
    file: 'cmudict-pronunciations.csv',
    config: { mapping: 'seq2seq', text: 'word', target: 'pronunciation', tokens: 'char' }
  },
  'many-to-one differenced': {
    file: 'co2-monthly.csv',
    config: { mapping: 'many-to-one', target: 'CO2', window: 24, difference: 1, seasonalDifference: 12 }
  },
  'seq2seq series': {
    file: 'co2-monthly.csv',
    config: { mapping: 'seq2seq', target: 'CO2', window: 24, horizon: 6, difference: 1 }
  },
  'many-to-one text': {
    file: 'first-names.csv',
    config: { mapping: 'many-to-one', text: 'name', target: 'gender', tokens: 'char', batchSize: 256 }
  }
}

/** The training options vary with the cell, so the grid covers every optimiser, schedule, clipping and TBPTT. */
function training(k: number, mapping: string): Partial<ExperimentConfigInput> {
  const windowed = mapping === 'many-to-one' || mapping === 'many-to-many'
  return {
    model: { cell: CELLS[k], hiddenSize: [5, 4, 6, 3][k], numLayers: [1, 2, 1, 2][k] },
    optimizer: {
      kind: (['adam', 'momentum', 'rmsprop', 'sgd'] as const)[k],
      lr: [0.01, 0.05, 0.005, 0.1][k],
      weightDecay: [0, 1e-4, 0, 1e-3][k]
    },
    schedule: [
      { kind: 'none' as const },
      { kind: 'step' as const, stepSize: 1, gamma: 0.5 },
      { kind: 'cosine' as const },
      { kind: 'plateau' as const, patience: 1, factor: 0.5 }
    ][k],
    clipNorm: [1, 0, 0.5, 1][k],
    tbptt: windowed ? [0, 5, 0, 4][k] : 0,
    earlyStopping: [0, 0, 1, 0][k],
    batchSize: [64, 128, 96, 128][k],
    epochs: 3,
    seed: 11 + k
  }
}

export interface ProjectCase {
  name: string
  dir: string
  /** The engine's own per-epoch losses and validation metrics. */
  epochs: { trainLoss: number; valLoss: number; valMetrics: Record<string, number> | null }[]
  /** The engine's summary validation metrics. */
  valMetrics: Record<string, number> | null
}

/** Trains one case in float64 and writes its project into `dir`. */
export async function buildCase(mapping: string, k: number, dir: string, verify = false): Promise<ProjectCase> {
  const m = MAPPINGS[mapping]!
  const config = experimentConfig.parse({ ...training(k, m.config.mapping!), ...m.config, precision: 'float64' })
  const seqs = buildSequences(parseCsv(new Uint8Array(readFileSync(join(SAMPLES, m.file)))), config)
  const data = toTrainData(seqs)
  const tc = toTrainConfig(config)
  const r = train(tc, data)
  if (r.status !== 'completed') throw new Error(`${mapping} ${CELLS[k]}: ${r.status} ${r.error}`)
  const model: SavedModel = {
    weights: r.weights,
    trainConfig: tc,
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
    vocab: { classes: seqs.classes, inputVocab: seqs.inputVocab, targetVocab: seqs.targetVocab },
    experiment: config
  }
  const log = r.epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss }))
  const source = {
    experimentId: 1,
    name: `${mapping} ${CELLS[k]}`,
    datasetId: 1,
    datasetName: m.file,
    datasetSha256: ''
  }
  await writeProject({ model, config, data, source, log }, dir, { verify })
  const epochs = r.epochs.map((e, i) => ({ ...log[i]!, valMetrics: e.valMetrics }))
  return { name: `${mapping} / ${CELLS[k]}`, dir, epochs, valMetrics: r.valMetrics ?? null }
}
