// Messages between the main process and a task worker (one worker thread per import or training run).
// Runtime: both sides (plain data and typed arrays only). Every message carries its task id.
import type { ColumnInfo, ExperimentConfig, StepPoint, WireError } from '../src-shared/contract'

export type WorkerError = WireError & { line?: number; column?: string }

/** Control word shared with a training worker: index 0 = requested state. */
export const CONTROL_RUN = 0
export const CONTROL_STOP = 1

export type ToWorker =
  | { type: 'import'; taskId: number; bytes: Uint8Array; fileName: string }
  | { type: 'train'; taskId: number; bytesGz: Uint8Array; config: ExperimentConfig; control: SharedArrayBuffer }

export interface ImportedDataset {
  sha256: string; byteLength: number; bytesGz: Uint8Array
  rows: number; columns: ColumnInfo[]; preview: string[][]; warnings: string[]
}

export interface ProgressMessage {
  type: 'progress'; taskId: number
  epoch: number; epochs: number; step: number; stepsPerEpoch: number; totalSteps: number
  elapsedSeconds: number; etaSeconds: number | null; seqPerSec: number | null
  steps: StepPoint[]
}

export interface EpochMessage {
  type: 'epoch'; taskId: number
  epoch: number; trainLoss: number; valLoss: number; seconds: number; lr: number; diagnostics: unknown
  /** Steps not yet reported, so that the epoch and its steps land in one transaction. */
  steps: StepPoint[]
}

export interface TrainedModel {
  status: 'completed' | 'stopped' | 'failed'
  error: string | null
  trainLoss: number | null
  valLoss: number | null
  weights: unknown
  normalization: unknown
}

export type FromWorker =
  | { type: 'imported'; taskId: number; dataset: ImportedDataset }
  | ProgressMessage
  | EpochMessage
  | { type: 'done'; taskId: number; result: TrainedModel }
  | { type: 'error'; taskId: number; error: WorkerError }
