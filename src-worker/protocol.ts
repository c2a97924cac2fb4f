// Messages between the main process and a task worker (one worker thread per import or training run).
// Runtime: both sides (plain data and typed arrays only). Every message carries its task id.
import type { SavedModel } from './model/saved-model'
import type {
  ColumnInfo,
  DatasetImportOptions,
  ExperimentConfig,
  ExportFormat,
  ExportReport,
  Inspection,
  PredictResult,
  SequencesSummary,
  StepPoint,
  WireError
} from '../src-shared/contract'
import type { Baselines, ValMetrics } from '../src-shared/metrics'

import type { ProjectSource } from './export/project-source'
import type { EngineCalibration } from '../src-shared/estimate'

export type WorkerError = WireError & { line?: number; column?: string }

/** Control word shared with a training worker: index 0 = requested state. */
export const CONTROL_RUN = 0
export const CONTROL_STOP = 1
export const CONTROL_PAUSE = 2

export type ToWorker =
  | {
      type: 'import'
      taskId: number
      fileName: string
      /** Exactly one of: the bytes (from a renderer), or a local path (CLI, Electron's dialog). */
      bytes?: Uint8Array
      path?: string
      /** Index 0 = CONTROL_STOP cancels the import between chunks. */
      control?: SharedArrayBuffer
      options?: DatasetImportOptions
      /** bytes beyond this many are refused as they arrive */
      maxBytes?: number
    }
  | {
      type: 'sequences'
      taskId: number
      bytesGz: Uint8Array
      importOptions?: DatasetImportOptions
      config: ExperimentConfig
    }
  | {
      type: 'inspect'
      taskId: number
      bytesGz: Uint8Array
      importOptions?: DatasetImportOptions
      config: ExperimentConfig
      model: SavedModel
      probe?: number
    }
  | { type: 'export'; taskId: number; model: SavedModel; format: ExportFormat; outPath: string }
  | {
      type: 'exportProject'
      taskId: number
      model: SavedModel
      /** The run's dataset (gzip) and config: the project's tensors are rebuilt from them as training built them. */
      bytesGz: Uint8Array
      /** How the dataset's CSV is read (as stored with it), so the tensors are the ones training built. */
      importOptions?: DatasetImportOptions
      config: ExperimentConfig
      source: ProjectSource
      log: { epoch: number; trainLoss: number | null; valLoss: number | null }[]
      outPath: string
    }
  | {
      type: 'predict'
      taskId: number
      model: SavedModel
      csvPath?: string
      outPath: string
      /** the CSV's bytes, gzip-compressed (a stored dataset), instead of csvPath */
      bytesGz?: Uint8Array
      /** how to read the CSV (a stored dataset's options, or predict's flags) */
      importOptions?: DatasetImportOptions
      /** series: closed-loop forecast length; generation: items per condition */
      steps?: number
      temperature?: number
      seed?: number
    }
  | {
      type: 'train'
      taskId: number
      bytesGz: Uint8Array
      importOptions?: DatasetImportOptions
      config: ExperimentConfig
      control: SharedArrayBuffer
      /** A checkpoint's training state to continue from (resume after a stop or a crash). */
      resume?: unknown
      /** The engine's stored calibration: the run records its time estimate when it is of this engine path. */
      calibration?: EngineCalibration
    }
  | {
      type: 'calibrate'
      taskId: number
      /** The stored calibration: returned as it is when it is of this engine path and no refresh is asked. */
      known?: EngineCalibration
      refresh?: boolean
    }

export interface ImportedDataset {
  sha256: string
  byteLength: number
  bytesGz: Uint8Array
  rows: number
  columns: ColumnInfo[]
  preview: string[][]
  warnings: string[]
}

export interface ProgressMessage {
  type: 'progress'
  taskId: number
  epoch: number
  epochs: number
  step: number
  stepsPerEpoch: number
  totalSteps: number
  elapsedSeconds: number
  etaSeconds: number | null
  seqPerSec: number | null
  steps: StepPoint[]
}

export interface EpochMessage {
  type: 'epoch'
  taskId: number
  epoch: number
  trainLoss: number
  valLoss: number
  seconds: number
  lr: number
  diagnostics: unknown
  seqPerSec: number | null
  /** Validation metrics in the user's units (src-shared/metrics.ts); null without validation samples. */
  valMetrics?: ValMetrics | null
  /**
   * The full training state at the end of this epoch (weights, optimizer, RNG, data position): in a batch sent,
   * the bytes the store keeps (src-worker/model/checkpoint-bytes.ts), in a shared slot main releases once
   * stored, or of their own.
   */
  checkpoint?: unknown
  /** True when this epoch has the best validation loss so far. */
  best?: boolean
}

/** Checkpoint bytes in shared memory: `length` bytes at `offset`; main clears flag `slot` (Int32 at 4·slot) when stored. */
export interface SharedCheckpoint {
  shared: SharedArrayBuffer
  slot: number
  offset: number
  length: number
}

/**
 * Epochs recorded since the last message, oldest first (fast epochs travel together, ~10 messages a second).
 * The latest epoch with a checkpoint carries it, and so does the latest best epoch; older checkpoints of the
 * batch are dropped, since only 'last' and 'best' are stored.
 */
export interface EpochsMessage {
  type: 'epochs'
  taskId: number
  items: Omit<EpochMessage, 'type' | 'taskId'>[]
}

/** What is needed to use a trained model again: export, inference, re-import (model/saved-model.ts). */
export type { SavedModel }

export interface TrainedModel {
  status: 'completed' | 'stopped' | 'failed'
  error: string | null
  trainLoss: number | null
  valLoss: number | null
  /** What only the end of a run measures, merged into the last epoch's metrics (generators: novelty). */
  finalMetrics?: ValMetrics
  /** Absent when training failed before any weights existed. */
  model: SavedModel | null
}

export type FromWorker =
  | { type: 'imported'; taskId: number; dataset: ImportedDataset }
  | { type: 'importProgress'; taskId: number; bytes: number; totalBytes: number }
  | { type: 'sequences'; taskId: number; summary: SequencesSummary }
  | { type: 'inspected'; taskId: number; inspection: Inspection }
  | { type: 'exported'; taskId: number; report: ExportReport }
  | { type: 'predicted'; taskId: number; result: PredictResult }
  | { type: 'calibrated'; taskId: number; calibration: EngineCalibration }
  | ProgressMessage
  | EpochsMessage
  | { type: 'done'; taskId: number; result: TrainedModel }
  /** Sent once the run has built its data, before the first epoch: what simple rules score on its validation split. */
  | { type: 'baselines'; taskId: number; baselines: Baselines }
  | { type: 'paused' | 'resumed'; taskId: number }
  | { type: 'event'; taskId: number; kind: 'nan' | 'estimate'; detail: unknown }
  | { type: 'error'; taskId: number; error: WorkerError }
