// Contract-shaped data for the renderer state tests, built through the contract's own schemas so that
// defaults and shapes are the ones the service sends.
import {
  experimentConfig,
  type ColumnInfo,
  type DatasetDetail,
  type ExperimentConfigInput,
  type ExperimentDetail,
  type ExperimentSummary,
  type EventPayload
} from '../../../src-shared/contract'

export const numeric = (name: string): ColumnInfo => ({ name, type: 'numeric', missing: 0, distinct: 100 })
export const categorical = (name: string): ColumnInfo => ({ name, type: 'categorical', missing: 0, distinct: 3 })
export const text = (name: string): ColumnInfo => ({ name, type: 'text', missing: 0, distinct: 90 })

export function dataset(id: number, columns: ColumnInfo[] = [numeric('x'), numeric('y')], rows = 100): DatasetDetail {
  return {
    id,
    name: `data ${id}`,
    fileName: `data-${id}.csv`,
    sha256: 'ab'.repeat(32),
    byteLength: 1000,
    rows,
    columnCount: columns.length,
    columns,
    warnings: [],
    createdAt: '2026-01-01T00:00:00Z',
    preview: []
  }
}

export function config(over: Partial<ExperimentConfigInput> = {}): ExperimentSummary['config'] {
  return experimentConfig.parse({
    target: 'y',
    inputs: ['x'],
    model: { hiddenSize: 8 },
    optimizer: { lr: 0.01 },
    epochs: 4,
    ...over
  })
}

export function experiment(id: number, over: Partial<ExperimentSummary> = {}): ExperimentSummary {
  return {
    id,
    name: `run ${id}`,
    datasetId: 1,
    datasetName: 'data 1',
    status: 'completed',
    config: config(),
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:01Z',
    finishedAt: '2026-01-01T00:01:00Z',
    epochsDone: 4,
    trainLoss: 0.5,
    valLoss: 0.6,
    error: null,
    notes: '',
    tags: [],
    groupId: null,
    trainSeconds: 10,
    bestValLoss: 0.55,
    seqPerSec: 100,
    valMetrics: null,
    baselines: null,
    verdict: null,
    ...over
  }
}

export function detail(id: number, over: Partial<ExperimentDetail> = {}): ExperimentDetail {
  return { ...experiment(id), epochs: [], steps: [], events: [], exports: [], ...over }
}

export function progress(
  experimentId: number,
  over: Partial<EventPayload<'training.progress'>> = {}
): EventPayload<'training.progress'> {
  return {
    experimentId,
    epoch: 1,
    epochs: 4,
    step: 5,
    stepsPerEpoch: 10,
    totalSteps: 40,
    elapsedSeconds: 1,
    etaSeconds: 7,
    seqPerSec: 50,
    steps: [],
    ...over
  }
}

export function epochEvent(
  experimentId: number,
  epoch: number,
  over: Partial<EventPayload<'training.epoch'>> = {}
): EventPayload<'training.epoch'> {
  return { experimentId, epoch, trainLoss: 1 / epoch, valLoss: 1.1 / epoch, seconds: 2, ...over }
}

/** One epoch's diagnostics as the trainer sends them (one layer of an LSTM, T = 2, H = 1). */
export function diagnostics(withProbe = true): Record<string, unknown> {
  return {
    gateNames: ['i', 'f', 'g', 'o'],
    gateMeans: [[0.5, 0.6, 0.1, 0.4]],
    probe: withProbe ? { gates: [[[0.1], [0.2]]], hidden: [[0.3], [0.4]] } : undefined,
    dhNorm: [0.2, 0.1],
    gradNorm: 1.5,
    meanGradNorm: 1.2,
    clippedFraction: 0
  }
}
