// The Workbench service: every capability of the app as one object, behind the contract.
// The Electron shell, the browser-mode server, the CLI and the tests all drive this same object.
import { rmSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { Store, type OpenOptions } from '../store/index'
import {
  parseArgs,
  type Args,
  type DatasetImportOptions,
  type ExperimentConfig,
  type ExportFormat,
  type ExportReport,
  type PredictResult,
  type SequencesSummary,
  type RequestName,
  type Result,
  type EventName,
  type EventPayload
} from '../../src-shared/contract'
import { EventBus } from './events'
import { boundedFile, readModelFile } from './bounded-input'
import { ConflictError, InputError, NotFoundError } from '../../src-shared/errors'
import { checkColumns, importLimit } from './dataset-checks'
import { runTask, newTaskId } from './tasks'
import { CONTROL_STOP, type ToWorker } from '../../src-worker/protocol'
import { TrainingManager } from './training-manager'
import { Calibrator } from './calibration'
import type { WorkerFactory } from './worker-factory'
import type { ImportedDataset, SavedModel } from '../../src-worker/protocol'
import { exportsDir, parseDownloadRequest, readDownload, type DownloadFile } from './downloads'
import { FileJobs } from './file-jobs'
import { checkNoSymlinks } from '../out-path'
import { makeDir } from '../../src-worker/export/write-file'
import { parseSavedModel } from '../../src-worker/model/saved-model'
import type { Handlers } from './handlers/types'
import { appHandlers } from './handlers/app'
import { datasetHandlers } from './handlers/datasets'
import { runHandlers } from './handlers/runs'
import { experimentHandlers } from './handlers/experiments'
import { modelHandlers } from './handlers/models'

export interface WorkbenchOptions {
  dataDir: string
  mode: 'electron' | 'browser' | 'cli'
  workerFactory: WorkerFactory
  /** Folder of the shipped sample CSVs (resources/samples). */
  samplesDir: string
  version?: string
  store?: OpenOptions
  /** Runs training at once (default: cores − 1, at least 1). */
  maxConcurrent?: number
  /** Tensor memory one run may use (default 2 GiB); bigger configs are refused before they start. */
  memoryBudgetBytes?: number
}

export interface ImportRun {
  /** Chosen by the caller: names the progress events and lets it cancel the import. */
  importId?: string
  options?: DatasetImportOptions
  /** The file's own name when `path` is a copy of it (a browser-mode upload). */
  fileName?: string
  /** The same bytes read with the same options under the same name already stored: give back that dataset. */
  reuse?: boolean
  /** The dataset this one is a re-read of: removed once this one is stored, unless an experiment uses it. */
  replaces?: number
}

/** Every request's handler, grouped by area (handlers/*.ts); the type checks that none is missing. */
const HANDLERS: Handlers = {
  ...appHandlers,
  ...datasetHandlers,
  ...runHandlers,
  ...experimentHandlers,
  ...modelHandlers
}

export class Workbench {
  readonly store: Store
  readonly bus = new EventBus()
  readonly training: TrainingManager
  readonly calibrator: Calibrator
  /** Runs found `running` when the store was opened (left by a crash or a kill). */
  readonly interruptedAtStart: number[]

  constructor(readonly opts: WorkbenchOptions) {
    this.store = Store.open(opts.dataDir, opts.store)
    this.interruptedAtStart = opts.store?.readonly ? [] : this.store.experiments.markInterrupted()
    this.calibrator = new Calibrator(this.store, opts.workerFactory)
    this.training = new TrainingManager(this.store, this.bus, opts.workerFactory, opts.maxConcurrent, () =>
      this.calibrator.stored()
    )
  }

  /** The one entry point the shells use: validate the raw payload, then run the handler. */
  async call<K extends RequestName>(method: K, raw: unknown): Promise<Result<K>> {
    const args = parseArgs(method, raw)
    return HANDLERS[method](this, args)
  }

  /** Typed convenience for in-process callers (CLI, tests); still validated. */
  request<K extends RequestName>(method: K, args: Args<K>): Promise<Result<K>> {
    return this.call(method, args)
  }

  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void {
    return this.bus.on(event, cb)
  }

  /** Import a CSV file from a local path (CLI, Electron's native dialog; never from a renderer). */
  async importPath(path: string, name?: string, opts: ImportRun = {}): Promise<Result<'datasets.import'>> {
    const input = await boundedFile(path)
    try {
      return await this.importSource({ path: input.path }, opts.fileName ?? basename(path), name, opts)
    } finally {
      input.cleanup()
    }
  }

  /** Cancels an import in progress (between two chunks); nothing of it is stored. */
  cancelImport(importId: string): boolean {
    const control = this.imports.get(importId)
    if (!control) return false
    Atomics.store(control, 0, CONTROL_STOP)
    return true
  }

  private imports = new Map<string, Int32Array>()
  /** Exports and predictions writing an experiment's files now: deleting it meanwhile is refused. */
  readonly fileJobs = new FileJobs()

  /** Imports a CSV (bytes or a path) in a worker and stores it as a dataset. */
  async importSource(
    src: { bytes?: Uint8Array; path?: string },
    fileName: string,
    name: string | undefined,
    opts: ImportRun
  ): Promise<Result<'datasets.import'>> {
    let dataset: ImportedDataset | undefined
    const control = new Int32Array(new SharedArrayBuffer(4))
    const importId = opts.importId
    if (importId) {
      if (this.imports.has(importId))
        throw new InputError(`importId: an import with id "${importId}" is already running`)
      this.imports.set(importId, control)
    }
    try {
      await runTask(
        this.opts.workerFactory,
        {
          type: 'import',
          taskId: newTaskId(),
          fileName,
          ...src,
          control: control.buffer as SharedArrayBuffer,
          options: opts.options,
          maxBytes: importLimit()
        },
        (m) => {
          if (m.type === 'imported') dataset = m.dataset
          else if (m.type === 'importProgress' && importId) {
            this.bus.emit('datasets.importProgress', { importId, fileName, bytes: m.bytes, totalBytes: m.totalBytes })
          }
        },
        src.bytes ? [src.bytes.buffer as ArrayBuffer] : []
      ).done
    } finally {
      if (importId) this.imports.delete(importId)
    }
    if (!dataset) throw new Error('the import worker ended without a result')
    // a cancel that arrived after the last chunk still wins: nothing is stored
    if (Atomics.load(control, 0) === CONTROL_STOP) throw new InputError('the import was cancelled; nothing was stored')
    const id = this.store.datasets.store(
      { name: name ?? fileName.replace(/\.[^.]+$/, ''), fileName, ...dataset, importOptions: opts.options },
      opts
    )
    this.bus.emit('datasets.changed', { datasetId: id })
    return this.store.datasets.get(id)!
  }

  /** An export or predictions file for the user to take away (validated like a request; see downloads.ts). */
  download(raw: unknown): DownloadFile {
    return readDownload(this.store, this.opts.dataDir, parseDownloadRequest(raw))
  }

  /** Resolves when the experiment's run (queued or training) has ended. */
  waitForRun(id: number): Promise<void> {
    return this.training.whenDone(id)
  }

  /** The trained model of an experiment, or a ConflictError saying why there is none. */
  savedModel(id: number): SavedModel {
    const e = this.mustGet(id)
    const state = this.store.experiments.checkpoint(id, 'final')?.state
    if (!state) throw new ConflictError(`experiment ${id} has no trained model yet (status ${e.status})`)
    return parseSavedModel(state, `experiment ${id}'s model`)
  }

  /** Exports (and verifies) the trained model in a worker; the figure is kept with the experiment. */
  async exportModel(id: number, format: ExportFormat, outPath: string): Promise<ExportReport> {
    const model = this.savedModel(id)
    let report: ExportReport | undefined
    const task = format === 'pytorch-project' ? this.projectTask(id, model, outPath) : null
    await this.fileJobs.run(
      id,
      () =>
        runTask(
          this.opts.workerFactory,
          task?.msg ?? { type: 'export', taskId: newTaskId(), model, format, outPath: resolve(outPath) },
          (m) => {
            if (m.type === 'exported') report = m.report
          },
          task?.transfer
        ).done
    )
    const r = report!
    this.store.experiments.addEvent(id, 'exported', {
      format,
      verified: r.verified,
      maxAbsDiff: r.maxAbsDiff,
      runtime: r.runtime,
      files: r.files
    })
    this.bus.emit('experiments.changed', { experimentId: id })
    return r
  }

  /** The worker task that writes an experiment's PyTorch training project: its model, dataset, config and curve. */
  private projectTask(id: number, model: SavedModel, outPath: string): { msg: ToWorker; transfer: ArrayBuffer[] } {
    const e = this.store.experiments.detail(id)!
    const ds = this.store.datasets.get(e.datasetId)!
    const bytesGz = new Uint8Array(this.store.datasets.bytesGz(e.datasetId)!)
    const msg: ToWorker = {
      type: 'exportProject',
      taskId: newTaskId(),
      model,
      bytesGz,
      importOptions: this.store.datasets.importOptions(e.datasetId),
      config: model.experiment ?? e.config,
      source: {
        experimentId: id,
        name: e.name,
        datasetId: e.datasetId,
        datasetName: ds.name,
        datasetSha256: ds.sha256
      },
      log: e.epochs.map((p) => ({ epoch: p.epoch, trainLoss: p.trainLoss, valLoss: p.valLoss })),
      outPath: resolve(outPath)
    }
    return { msg, transfer: [bytesGz.buffer as ArrayBuffer] }
  }

  /** Runs a trained model (an experiment's, or a native JSON model file) on a new CSV; writes the predictions CSV. */
  async predictCsv(
    source: number | string,
    csvPath: string | undefined,
    outPath: string,
    opts: { steps?: number; temperature?: number; seed?: number; importOptions?: DatasetImportOptions } = {}
  ): Promise<PredictResult> {
    let model: SavedModel
    if (typeof source === 'number') model = this.savedModel(source)
    else model = await readModelFile(source)
    const input = csvPath === undefined ? undefined : await boundedFile(csvPath)
    try {
      return await this.runPredict(model, input?.path, outPath, opts)
    } finally {
      input?.cleanup()
    }
  }

  private async runPredict(
    model: SavedModel,
    csvPath: string | undefined,
    outPath: string,
    opts: { steps?: number; temperature?: number; seed?: number; importOptions?: DatasetImportOptions }
  ): Promise<PredictResult> {
    let result: PredictResult | undefined
    await runTask(
      this.opts.workerFactory,
      {
        type: 'predict',
        taskId: newTaskId(),
        model,
        csvPath: csvPath === undefined ? undefined : resolve(csvPath),
        outPath: resolve(outPath),
        importOptions: opts.importOptions,
        steps: opts.steps,
        temperature: opts.temperature,
        seed: opts.seed
      },
      (m) => {
        if (m.type === 'predicted') result = m.result
      }
    ).done
    return result!
  }

  /**
   * Runs an experiment's trained model on an imported dataset (its stored bytes, with the experiment's mapping) in a
   * worker; writes `exports/experiment-<id>/predictions-dataset-<datasetId>.csv` (or `generated.csv` for a generator
   * without data) under the data directory and records the run with the experiment.
   */
  async predictDataset(
    id: number,
    datasetId: number | undefined,
    opts: { steps?: number; temperature?: number; seed?: number } = {}
  ): Promise<PredictResult> {
    const model = this.savedModel(id)
    let bytesGz: Uint8Array | undefined
    if (datasetId !== undefined) {
      if (!this.store.datasets.get(datasetId)) throw new NotFoundError(`datasetId: dataset ${datasetId} does not exist`)
      bytesGz = new Uint8Array(this.store.datasets.bytesGz(datasetId)!)
    } else if (model.data.mapping !== 'one-to-many') {
      throw new InputError('datasetId: this model predicts from data; pick an imported dataset with its input columns')
    }
    const dir = exportsDir(this.opts.dataDir, id)
    checkNoSymlinks(this.opts.dataDir, dir)
    makeDir(dir)
    const outPath = join(dir, datasetId === undefined ? 'generated.csv' : `predictions-dataset-${datasetId}.csv`)
    rmSync(outPath.replace(/\.csv$/, '.forecast.csv'), { force: true }) // a forecast belongs to the run that wrote it
    let result: PredictResult | undefined
    await this.fileJobs.run(
      id,
      () =>
        runTask(
          this.opts.workerFactory,
          {
            type: 'predict',
            taskId: newTaskId(),
            model,
            bytesGz,
            importOptions: datasetId === undefined ? undefined : this.store.datasets.importOptions(datasetId),
            outPath,
            steps: opts.steps,
            temperature: opts.temperature,
            seed: opts.seed
          },
          (m) => {
            if (m.type === 'predicted') result = m.result
          },
          bytesGz ? [bytesGz.buffer as ArrayBuffer] : []
        ).done
    )
    this.store.experiments.addEvent(id, 'predicted', {
      datasetId: datasetId ?? null,
      rows: result!.rows,
      outPath,
      score: result!.score ?? null
    })
    this.bus.emit('experiments.changed', { experimentId: id })
    return result!
  }

  /** What `config` makes of a dataset, computed in a worker; refuses (InputError) what it cannot use. */
  async sequences(datasetId: number, config: ExperimentConfig): Promise<SequencesSummary> {
    const dataset = this.store.datasets.get(datasetId)
    if (!dataset) throw new NotFoundError(`datasetId: dataset ${datasetId} does not exist`)
    checkColumns(dataset.columns, config)
    const bytesGz = new Uint8Array(this.store.datasets.bytesGz(datasetId)!)
    let summary: SequencesSummary | undefined
    await runTask(
      this.opts.workerFactory,
      {
        type: 'sequences',
        taskId: newTaskId(),
        bytesGz,
        importOptions: this.store.datasets.importOptions(datasetId),
        config
      },
      (m) => {
        if (m.type === 'sequences') summary = m.summary
      },
      [bytesGz.buffer as ArrayBuffer]
    ).done
    return summary!
  }

  /** The experiment, or a NotFoundError. */
  mustGet(id: number) {
    const e = this.store.experiments.get(id)
    if (!e) throw new NotFoundError(`experiment ${id} does not exist`)
    return e
  }

  async close(): Promise<void> {
    await this.training.stopAll()
    this.store.close()
  }
}
