// The Workbench service: every capability of the app as one object, behind the contract.
// The Electron shell, the browser-mode server, the CLI and the tests all drive this same object.
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { Store, type OpenOptions } from '../store/index'
import {
  parseArgs,
  sourceOf,
  type Args,
  type ExperimentConfig,
  type ExportFormat,
  type ExportReport,
  type Inspection,
  type PredictResult,
  type SequencesSummary,
  type ParsedArgs,
  type RequestName,
  type Result,
  type EventName,
  type EventPayload
} from '../../src-shared/contract'
import { EventBus } from './events'
import { ConflictError, InputError, NotFoundError } from '../../src-shared/errors'
import { buildComparison } from './compare'
import { checkMemory, DEFAULT_MEMORY_BUDGET } from './memory'
import { runTask, newTaskId } from './tasks'
import { CONTROL_STOP } from '../../src-worker/protocol'
import { TrainingManager } from './training-manager'
import type { WorkerFactory } from './worker-factory'
import type { ImportedDataset, SavedModel } from '../../src-worker/protocol'
import { SAMPLES } from './samples'
import { parseDownloadRequest, readDownload, type DownloadFile } from './downloads'
import { loadNativeModel } from '../../src-worker/export/native'

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

/** Largest CSV accepted in one import (bytes). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024

export interface ImportRun {
  /** Chosen by the caller: names the progress events and lets it cancel the import. */
  importId?: string
  options?: { delimiter?: ',' | ';' | '\t' | '|'; decimalComma?: boolean }
}

type Handlers = { [K in RequestName]: (args: ParsedArgs<K>) => Promise<Result<K>> }

export class Workbench {
  readonly store: Store
  readonly bus = new EventBus()
  readonly training: TrainingManager
  /** Runs found `running` when the store was opened (left by a crash or a kill). */
  readonly interruptedAtStart: number[]
  private handlers: Handlers

  constructor(readonly opts: WorkbenchOptions) {
    this.store = Store.open(opts.dataDir, opts.store)
    this.interruptedAtStart = this.store.experiments.markInterrupted()
    this.training = new TrainingManager(this.store, this.bus, opts.workerFactory, opts.maxConcurrent)
    this.handlers = this.makeHandlers()
  }

  /** The one entry point the shells use: validate the raw payload, then run the handler. */
  async call<K extends RequestName>(method: K, raw: unknown): Promise<Result<K>> {
    const args = parseArgs(method, raw)
    return this.handlers[method](args)
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
    let size: number
    try {
      size = statSync(path).size
    } catch {
      throw new InputError(`cannot read "${path}": no such file`)
    }
    if (size > MAX_IMPORT_BYTES)
      throw new InputError(`"${basename(path)}" is ${size} bytes; the limit is ${MAX_IMPORT_BYTES}`)
    return this.importSource({ path: resolve(path) }, basename(path), name, opts)
  }

  /** Cancels an import in progress (between two chunks); nothing of it is stored. */
  cancelImport(importId: string): boolean {
    const control = this.imports.get(importId)
    if (!control) return false
    Atomics.store(control, 0, CONTROL_STOP)
    return true
  }

  private imports = new Map<string, Int32Array>()

  private async importSource(
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
          options: opts.options
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
    const id = this.store.datasets.insert({ name: name ?? fileName.replace(/\.[^.]+$/, ''), fileName, ...dataset })
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
    const model = this.store.experiments.checkpoint(id, 'final')?.state as SavedModel | undefined
    if (!model) throw new ConflictError(`experiment ${id} has no trained model yet (status ${e.status})`)
    return model
  }

  /** Exports (and verifies) the trained model in a worker; the figure is kept with the experiment. */
  async exportModel(id: number, format: ExportFormat, outPath: string): Promise<ExportReport> {
    const model = this.savedModel(id)
    let report: ExportReport | undefined
    await runTask(
      this.opts.workerFactory,
      { type: 'export', taskId: newTaskId(), model, format, outPath: resolve(outPath) },
      (m) => {
        if (m.type === 'exported') report = m.report
      }
    ).done
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

  /** Runs a trained model (an experiment's, or a native JSON model file) on a new CSV; writes the predictions CSV. */
  async predictCsv(
    source: number | string,
    csvPath: string | undefined,
    outPath: string,
    opts: { steps?: number; temperature?: number; seed?: number } = {}
  ): Promise<PredictResult> {
    let model: SavedModel
    if (typeof source === 'number') model = this.savedModel(source)
    else {
      try {
        model = loadNativeModel(source)
      } catch (e) {
        throw new InputError(`${source}: ${(e as Error).message}`)
      }
    }
    if (csvPath !== undefined) {
      try {
        statSync(csvPath)
      } catch {
        throw new InputError(`cannot read "${csvPath}": no such file`)
      }
    }
    let result: PredictResult | undefined
    await runTask(
      this.opts.workerFactory,
      {
        type: 'predict',
        taskId: newTaskId(),
        model,
        csvPath: csvPath === undefined ? undefined : resolve(csvPath),
        outPath: resolve(outPath),
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
    const dir = join(this.opts.dataDir, 'exports', `experiment-${id}`)
    mkdirSync(dir, { recursive: true })
    const outPath = join(dir, datasetId === undefined ? 'generated.csv' : `predictions-dataset-${datasetId}.csv`)
    rmSync(outPath.replace(/\.csv$/, '.forecast.csv'), { force: true }) // a forecast belongs to the run that wrote it
    let result: PredictResult | undefined
    await runTask(
      this.opts.workerFactory,
      {
        type: 'predict',
        taskId: newTaskId(),
        model,
        bytesGz,
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
  private async sequences(datasetId: number, config: ExperimentConfig): Promise<SequencesSummary> {
    const dataset = this.store.datasets.get(datasetId)
    if (!dataset) throw new NotFoundError(`datasetId: dataset ${datasetId} does not exist`)
    checkColumns(dataset.columns, config)
    const bytesGz = new Uint8Array(this.store.datasets.bytesGz(datasetId)!)
    let summary: SequencesSummary | undefined
    await runTask(
      this.opts.workerFactory,
      { type: 'sequences', taskId: newTaskId(), bytesGz, config },
      (m) => {
        if (m.type === 'sequences') summary = m.summary
      },
      [bytesGz.buffer as ArrayBuffer]
    ).done
    return summary!
  }

  private mustGet(id: number) {
    const e = this.store.experiments.get(id)
    if (!e) throw new NotFoundError(`experiment ${id} does not exist`)
    return e
  }

  async close(): Promise<void> {
    await this.training.stopAll()
    this.store.close()
  }

  private makeHandlers(): Handlers {
    const store = this.store
    return {
      'app.info': async () => ({
        version: this.opts.version ?? '0.0.0',
        mode: this.opts.mode,
        dataDir: this.opts.dataDir,
        samples: SAMPLES.map(({ id, title, description, suggested }) => ({ id, title, description, suggested }))
      }),
      'datasets.import': async ({ name, source, importId, options }) => {
        if (source.kind === 'sample') {
          const sample = SAMPLES.find((s) => s.id === source.sample)
          if (!sample) throw new InputError(`source.sample: no sample named "${source.sample}"`)
          return this.importPath(join(this.opts.samplesDir, sample.file), name ?? sample.title, { importId, options })
        }
        const buf = Buffer.from(source.base64, 'base64')
        if (buf.byteLength > MAX_IMPORT_BYTES)
          throw new InputError(`source.base64: the file is larger than ${MAX_IMPORT_BYTES} bytes`)
        const bytes = new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
        return this.importSource({ bytes }, basename(source.fileName), name, { importId, options })
      },
      'datasets.cancelImport': async ({ importId }) => ({ ok: this.cancelImport(importId) }),
      'datasets.list': async () => store.datasets.list(),
      'datasets.get': async ({ id }) => {
        const d = store.datasets.get(id)
        if (!d) throw new NotFoundError(`dataset ${id} does not exist`)
        return d
      },
      'datasets.sequences': async ({ datasetId, config }) => this.sequences(datasetId, config),
      'experiments.start': async ({ datasetId, name, config }) => {
        const dataset = store.datasets.get(datasetId)
        if (!dataset) throw new NotFoundError(`datasetId: dataset ${datasetId} does not exist`)
        checkColumns(dataset.columns, config)
        checkMemory(config, dataset.rows, this.opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET)
        await this.sequences(datasetId, config) // refuses data the mapping cannot use, before a run exists
        const id = store.experiments.create(
          datasetId,
          name ?? `${config.model.cell.toUpperCase()} ${config.model.hiddenSize} on ${dataset.name}`,
          config
        )
        this.training.enqueue(id)
        return { experimentId: id }
      },
      'experiments.stop': async ({ id }) => {
        const e = this.mustGet(id)
        if (this.training.stop(id)) return { ok: true }
        if (store.experiments.isLive(id)) {
          store.experiments.requestControl(id, 'stop')
          return { ok: true }
        }
        if (e.status === 'interrupted' || e.status === 'draft') {
          store.experiments.finish(id, 'stopped', null)
          this.bus.emit('experiments.changed', { experimentId: id })
          return { ok: true }
        }
        return { ok: false }
      },
      'experiments.diagnostics': async ({ id }) => {
        this.mustGet(id)
        return store.experiments.diagnostics(id)
      },
      'experiments.inspect': async ({ id, probe }) => {
        const e = this.mustGet(id)
        const model = this.savedModel(id)
        const bytesGz = new Uint8Array(store.datasets.bytesGz(e.datasetId)!)
        let result: Inspection | undefined
        await runTask(
          this.opts.workerFactory,
          { type: 'inspect', taskId: newTaskId(), bytesGz, config: e.config, model, probe },
          (m) => {
            if (m.type === 'inspected') result = m.inspection
          },
          [bytesGz.buffer as ArrayBuffer]
        ).done
        return result!
      },
      'models.export': async ({ id, format }) => {
        const dir = join(this.opts.dataDir, 'exports', `experiment-${id}`)
        return this.exportModel(
          id,
          format,
          format === 'json'
            ? join(dir, 'model.json')
            : format === 'onnx'
              ? join(dir, 'onnx', 'model.onnx')
              : join(dir, format)
        )
      },
      'models.predict': async ({ id, datasetId, steps, temperature, seed }) =>
        this.predictDataset(id, datasetId, { steps, temperature, seed }),
      'experiments.pause': async ({ id }) => {
        this.mustGet(id)
        if (this.training.isRunning(id)) return { ok: this.training.pause(id) }
        if (store.experiments.isLive(id)) {
          store.experiments.requestControl(id, 'pause')
          return { ok: true }
        }
        return { ok: false }
      },
      'experiments.resume': async ({ id }) => {
        const e = this.mustGet(id)
        if (this.training.isRunning(id)) return { ok: this.training.unpause(id) }
        if (this.training.isQueued(id)) return { ok: false }
        if (store.experiments.isLive(id)) {
          store.experiments.requestControl(id, 'resume')
          return { ok: true }
        }
        if (e.status === 'completed')
          throw new ConflictError(`experiment ${id} has completed; duplicate it to train again`)
        this.training.enqueue(id, e.status !== 'draft')
        return { ok: true }
      },
      'experiments.delete': async ({ id }) => {
        this.mustGet(id)
        if (this.training.isRunning(id) || this.training.isQueued(id) || store.experiments.isLive(id)) {
          throw new ConflictError(`experiment ${id} is training; stop it before deleting it`)
        }
        const ok = store.experiments.delete(id)
        this.bus.emit('experiments.changed', { experimentId: id })
        return { ok }
      },
      'experiments.update': async ({ id, ...patch }) => {
        this.mustGet(id)
        store.experiments.update(id, patch)
        this.bus.emit('experiments.changed', { experimentId: id })
        return this.mustGet(id)
      },
      'experiments.duplicate': async ({ id, name, config, start }) => {
        const e = this.mustGet(id)
        const dataset = store.datasets.get(e.datasetId)!
        const cfg = config ?? e.config
        checkColumns(dataset.columns, cfg)
        checkMemory(cfg, dataset.rows, this.opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET)
        const newId = store.experiments.create(e.datasetId, name ?? `${e.name} (copy)`, cfg, { tags: e.tags })
        store.experiments.addEvent(newId, 'duplicated', { from: id })
        if (start) this.training.enqueue(newId)
        else this.bus.emit('experiments.changed', { experimentId: newId })
        return { experimentId: newId }
      },
      'experiments.repeat': async ({ id, seeds }) => {
        const e = this.mustGet(id)
        const groupId = e.groupId ?? e.id
        if (e.groupId == null) store.db.prepare('UPDATE experiments SET group_id = ? WHERE id = ?').run(groupId, id)
        const ids: number[] = []
        for (const seed of seeds) {
          const newId = store.experiments.create(
            e.datasetId,
            `${e.name} (seed ${seed})`,
            { ...e.config, seed },
            { groupId, tags: e.tags }
          )
          store.experiments.addEvent(newId, 'repeated', { from: id, seed })
          ids.push(newId)
          this.training.enqueue(newId)
        }
        return { experimentIds: ids }
      },
      'experiments.compare': async ({ ids }) => {
        if (new Set(ids).size !== ids.length) throw new InputError('ids: the same experiment is listed twice')
        return buildComparison(
          ids.map((i) => {
            const d = store.experiments.detail(i)
            if (!d) throw new NotFoundError(`ids: experiment ${i} does not exist`)
            return { summary: d, epochs: d.epochs, steps: d.steps, diagnostics: store.experiments.diagnostics(i) }
          })
        )
      },
      'experiments.list': async () => store.experiments.list(),
      'experiments.get': async ({ id }) => {
        const e = store.experiments.detail(id)
        if (!e) throw new NotFoundError(`experiment ${id} does not exist`)
        return e
      }
    }
  }
}

/** Every column the config names must exist, with a type its role accepts; the message names the field. */
function checkColumns(columns: { name: string; type: string }[], config: ExperimentConfig): void {
  const byName = new Map(columns.map((c) => [c.name, c]))
  const source = sourceOf(config)
  const get = (path: string, name: string) => {
    const c = byName.get(name)
    if (!c)
      throw new InputError(
        `config.${path}: the dataset has no column "${name}" (columns: ${columns.map((x) => x.name).join(', ')})`
      )
    return c
  }
  const t = get('target', config.target)
  if (source !== 'text' && t.type !== 'numeric' && t.type !== 'categorical') {
    throw new InputError(
      `config.target: column "${config.target}" is ${t.type}, not numeric (regression) or categorical (classification)`
    )
  }
  if (config.task === 'regression' && t.type !== 'numeric')
    throw new InputError(`config.target: column "${config.target}" is ${t.type}, not numeric`)
  for (const [i, name] of config.inputs.entries()) {
    const c = get(`inputs.${i}`, name)
    if (c.type !== 'numeric') throw new InputError(`config.inputs.${i}: column "${name}" is ${c.type}, not numeric`)
  }
  if (config.groupBy) get('groupBy', config.groupBy)
  if (config.orderBy) get('orderBy', config.orderBy)
  if (config.text) get('text', config.text)
  if (config.condition) get('condition', config.condition)
}
