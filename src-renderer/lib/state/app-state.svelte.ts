// The window's state: the service's data sets and experiments, the dataset on screen, the training
// form, the live run and the curve on the chart. One instance, created by App.svelte; it owns the
// event subscriptions and talks to the service only through lib/api.
import { call, messageOf, on, onConnection, type Connection, importCsvFile } from '../api'
import { Inspection } from './inspection.svelte'
import { Internals } from './internals.svelte'
import { LiveRun } from './live-run.svelte'
import { LossSeries } from './loss-series.svelte'
import { ModelConfig } from './model-config.svelte'
import type { CopySource } from './copy-note'
import type { AppInfo, DatasetDetail, DatasetSummary, EventPayload, ExperimentSummary } from './types'

/** The service's import limit (src-main/services/dataset-checks.ts MAX_IMPORT_BYTES), checked before reading the file. */
const MAX_IMPORT_BYTES = 512 * 1024 * 1024

type Pending =
  | { kind: 'progress'; p: EventPayload<'training.progress'> }
  | { kind: 'epoch'; p: EventPayload<'training.epoch'> }
  | { kind: 'finished'; p: EventPayload<'training.finished'> }

export class AppState {
  info = $state.raw<AppInfo | null>(null)
  /** Set when the service cannot be reached at all. */
  fatal = $state<string | null>(null)
  ready = $state(false)
  /** The event stream (browser mode): 'retrying' or 'closed' means the screen may be out of date. */
  connection = $state<Connection>('open')

  datasets = $state.raw<DatasetSummary[]>([])
  dataset = $state.raw<DatasetDetail | null>(null)
  /** File name or sample title being imported, or null. */
  importing = $state<string | null>(null)
  importError = $state<string | null>(null)

  experiments = $state.raw<ExperimentSummary[]>([])
  /** The experiment whose curve is on the chart. */
  viewedId = $state<number | null>(null)
  viewError = $state<string | null>(null)

  readonly config = new ModelConfig()
  readonly live = new LiveRun()
  readonly series = new LossSeries()
  /** Gates, gradients and predictions of the run on screen. */
  readonly internals = new Internals()
  readonly inspection = new Inspection()

  /** The screen: the training workbench, the experiments table or the comparison. */
  tab = $state<'train' | 'experiments' | 'compare'>('train')
  /** "Duplicate & edit": the run the form was copied from, until the copy is trained (or the note dismissed). */
  copyOf = $state.raw<CopySource | null>(null)
  /** Experiments ticked for Compare (2–10). */
  selection = $state<number[]>([])
  /** An error from Pause/Resume, shown next to those buttons. */
  controlError = $state<string | null>(null)

  viewed = $derived(this.experiments.find((e) => e.id === this.viewedId) ?? null)

  private unsubscribers: (() => void)[] = []
  /** Events that arrived while `experiments.start` had not answered yet. */
  private early: Pending[] = []
  /** Training events received since the last batch (see `enqueue`). */
  private batch: Pending[] = []
  private batchTimer: ReturnType<typeof setTimeout> | null = null
  private ownImports = 0

  async init(): Promise<void> {
    this.subscribe()
    try {
      this.info = await call('app.info', {})
      await Promise.all([this.refreshDatasets(), this.refreshExperiments()])
      if (!this.dataset && this.datasets.length) {
        // the newest dataset, unless the user opened one (a sample, a file) in the meantime
        const d = await call('datasets.get', { id: this.datasets[0]!.id })
        if (!this.dataset) this.setDataset(d)
      }
      const running = this.experiments.find(
        (e) => e.status === 'running' || e.status === 'queued' || e.status === 'paused'
      )
      if (running) {
        this.live.follow(running.id, running.epochsDone, running.config.epochs)
        await this.view(running.id)
      } else if (this.experiments.length) {
        await this.view(this.experiments[0]!.id)
      }
    } catch (e) {
      this.fatal = messageOf(e)
    } finally {
      this.ready = true
    }
  }

  destroy(): void {
    for (const u of this.unsubscribers) u()
    this.unsubscribers = []
    if (this.batchTimer) clearTimeout(this.batchTimer)
    this.batchTimer = null
    this.batch = []
  }

  // ---- data ----------------------------------------------------------------------------------

  async importFile(file: File): Promise<void> {
    if (file.size > MAX_IMPORT_BYTES) {
      this.importError = `"${file.name}" is ${(file.size / 2 ** 20).toFixed(0)} MB; the largest CSV the workbench imports is ${MAX_IMPORT_BYTES / 2 ** 20} MB`
      return
    }
    await this.runImport(file.name, () => importCsvFile(file, {}))
  }

  async importSample(id: string): Promise<void> {
    const title = this.info?.samples.find((s) => s.id === id)?.title ?? id
    await this.runImport(title, () => call('datasets.import', { source: { kind: 'sample', sample: id } }))
  }

  async openDataset(id: number): Promise<void> {
    try {
      this.setDataset(await call('datasets.get', { id }))
    } catch (e) {
      this.importError = messageOf(e)
    }
  }

  async refreshDatasets(): Promise<void> {
    this.datasets = await call('datasets.list', {})
  }

  private async runImport(label: string, send: () => Promise<DatasetDetail>): Promise<void> {
    if (this.importing) return
    this.importing = label
    this.importError = null
    this.ownImports++
    try {
      const d = await send()
      this.setDataset(d)
      await this.refreshDatasets()
    } catch (e) {
      this.importError = messageOf(e)
    } finally {
      this.ownImports--
      this.importing = null
    }
  }

  /** Opens a dataset; another file (not the same one, by bytes, file name and name, read with other options) resets
   * the settings made for the file's own columns and gaps. */
  private setDataset(d: DatasetDetail): void {
    const was = this.dataset
    const switched = was != null && was.id !== d.id
    if (switched) this.copyOf = null
    const otherFile =
      switched && [was.sha256, was.fileName, was.name].join('\n') !== [d.sha256, d.fileName, d.name].join('\n')
    this.dataset = d
    this.config.adaptTo(d.columns, d.rows, otherFile ? d.name : undefined)
  }

  // ---- training ------------------------------------------------------------------------------

  async train(): Promise<void> {
    const dataset = this.dataset
    if (!dataset || !this.config.valid || this.live.active) return
    const config = this.config.toConfig()
    this.live.begin(config.epochs)
    this.early = []
    this.series.reset(null)
    this.internals.reset(null)
    this.inspection.clear()
    this.viewedId = null
    this.viewError = null
    this.controlError = null
    try {
      const { experimentId } = await call('experiments.start', {
        datasetId: dataset.id,
        config: $state.snapshot(config)
      })
      this.live.started(experimentId)
      this.copyOf = null
      this.series.reset(experimentId)
      this.internals.reset(experimentId)
      this.viewedId = experimentId
      const early = this.early
      this.early = []
      for (const ev of early) this.dispatch(ev)
      void this.refreshExperiments()
    } catch (e) {
      this.live.failedToStart(messageOf(e))
      const early = this.early
      this.early = []
      for (const ev of early) this.dispatch(ev)
    }
  }

  async stop(): Promise<void> {
    const id = this.live.id
    if (id == null || !this.live.active) return
    this.live.stopping()
    try {
      await call('experiments.stop', { id })
    } catch (e) {
      this.live.error = messageOf(e)
    }
  }

  /** Pause the live run (between two steps); Resume continues it. */
  async pause(): Promise<void> {
    const id = this.live.id
    if (id == null || !this.live.active) return
    this.controlError = null
    try {
      const { ok } = await call('experiments.pause', { id })
      if (!ok) this.controlError = 'The run could not be paused (it may be finishing).'
      void this.refreshExperiments()
    } catch (e) {
      this.controlError = messageOf(e)
    }
  }

  /**
   * Resume a paused run, or continue a stopped or interrupted one from its last checkpoint; this window
   * then follows it live when nothing else is training here.
   */
  async resume(id = this.live.id): Promise<void> {
    if (id == null) return
    this.controlError = null
    try {
      const { ok } = await call('experiments.resume', { id })
      if (!ok) {
        this.controlError = 'The run could not be resumed.'
        return
      }
      // until the list is re-read it would still say stopped: views would ask for a model that is training again
      this.experiments = this.experiments.map((x) =>
        x.id === id && x.status !== 'paused' ? { ...x, status: 'running' } : x
      )
      if (!this.live.active) {
        const e = this.experiments.find((x) => x.id === id)
        this.live.follow(id, e?.epochsDone ?? 0, e?.config.epochs ?? 0)
        await this.view(id)
      }
      void this.refreshExperiments()
    } catch (e) {
      this.controlError = messageOf(e)
    }
  }

  /** Tick or untick an experiment for Compare (at most 10). */
  toggleSelected(id: number, on: boolean): void {
    const rest = this.selection.filter((x) => x !== id)
    this.selection = on ? [...rest, id].slice(-10) : rest
  }

  /** Show a stored (or running) experiment's curve. */
  async view(id: number): Promise<void> {
    this.viewedId = id
    this.viewError = null
    if (this.inspection.experimentId !== id) this.inspection.clear()
    void this.internals.load(id)
    this.series.beginLoad(id)
    try {
      const detail = await call('experiments.get', { id })
      if (this.viewedId !== id) return
      this.series.load(detail)
    } catch (e) {
      if (this.viewedId === id) {
        this.viewError = messageOf(e)
        this.series.reset(null)
      }
    }
  }

  /** Put an earlier run's settings (and its dataset) back into the form. */
  async reuse(id: number): Promise<void> {
    const e = this.experiments.find((x) => x.id === id)
    if (!e) return
    if (this.dataset?.id !== e.datasetId) await this.openDataset(e.datasetId)
    if (this.dataset?.id !== e.datasetId) return
    this.config.apply(e.config)
    this.copyOf = { id, name: e.name, base: this.config.valid ? $state.snapshot(this.config.toConfig()) : null }
  }

  private refreshing: Promise<void> | null = null
  private refreshAgain = false

  /** Re-read the experiment list; calls made while one is in flight coalesce into one more. */
  async refreshExperiments(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true
      return this.refreshing
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false
        try {
          this.experiments = await call('experiments.list', {})
        } catch {
          /* keep the last list */
        }
      } while (this.refreshAgain)
    })().finally(() => {
      this.refreshing = null
    })
    return this.refreshing
  }

  // ---- events --------------------------------------------------------------------------------

  private subscribe(): void {
    let lost = false
    this.unsubscribers.push(
      onConnection((c) => {
        this.connection = c
        if (c === 'retrying' || c === 'closed') lost = true
        else if (c === 'open' && lost) {
          lost = false
          void this.resync()
        }
      }),
      on('training.progress', (p) => this.enqueue({ kind: 'progress', p })),
      on('training.epoch', (p) => this.enqueue({ kind: 'epoch', p })),
      on('training.finished', (p) => this.enqueue({ kind: 'finished', p })),
      on('experiments.changed', () => {
        void this.refreshExperiments()
      }),
      on('datasets.changed', (p) => {
        void this.onDatasetsChanged(p.datasetId)
      }),
      on('app.command', (p) => {
        if (p.command === 'import') void this.onDatasetsChanged(undefined, true)
      })
    )
  }

  /** After the event stream came back: events may have been missed, so re-read what is on screen. */
  private async resync(): Promise<void> {
    await Promise.all([this.refreshDatasets().catch(() => {}), this.refreshExperiments()])
    const id = this.live.id
    const run = id != null ? this.experiments.find((e) => e.id === id) : undefined
    if (run && this.live.active && !['queued', 'running', 'paused'].includes(run.status)) {
      this.live.finished({
        experimentId: run.id,
        status: run.status,
        trainLoss: run.trainLoss,
        valLoss: run.valLoss,
        error: run.error
      })
    }
    if (this.viewedId != null) await this.view(this.viewedId)
  }

  private async onDatasetsChanged(datasetId: number | undefined, openNewest = false): Promise<void> {
    const ours = this.ownImports > 0
    await this.refreshDatasets()
    if (ours) return
    const id = datasetId ?? (openNewest ? this.datasets[0]?.id : undefined)
    if (id != null && id !== this.dataset?.id) await this.openDataset(id)
  }

  /**
   * Training events come in bursts (the main side delivers a run's merged progress and its held epochs
   * together, up to 10 times a second): handling a burst in one task makes one screen update of it,
   * not one per event.
   */
  private enqueue(ev: Pending): void {
    this.batch.push(ev)
    this.batchTimer ??= setTimeout(() => {
      this.batchTimer = null
      const batch = this.batch
      this.batch = []
      for (const e of batch) this.dispatch(e)
    }, 0)
  }

  private dispatch(ev: Pending): void {
    const id = ev.p.experimentId
    if (this.live.phase === 'starting' && this.live.id == null) {
      this.early.push(ev)
      return
    }
    const live = this.live.id === id
    const shown = this.series.experimentId === id
    if (ev.kind === 'progress') {
      if (live) this.live.progress(ev.p)
      if (shown) this.series.addSteps(ev.p.steps)
    } else if (ev.kind === 'epoch') {
      if (live) this.live.epochDone(ev.p)
      if (shown) this.series.addEpoch(ev.p)
      this.internals.add(id, ev.p.epoch, ev.p.diagnostics)
      // The service announces list changes at start and end only; keep the listed run's epoch, losses, best and
      // training time current (a resumed run's stored figures are its last checkpoint's).
      const e = ev.p
      const i = this.experiments.findIndex((x) => x.id === id && e.epoch > x.epochsDone)
      if (i >= 0) {
        const next = this.experiments.slice()
        const x = next[i]!
        const best =
          e.valLoss != null && (x.bestValLoss == null || e.valLoss < x.bestValLoss) ? e.valLoss : x.bestValLoss
        next[i] = {
          ...x,
          epochsDone: e.epoch,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          bestValLoss: best,
          trainSeconds: x.trainSeconds + e.seconds
        }
        this.experiments = next
      }
    } else {
      if (live) this.live.finished(ev.p)
      void this.refreshExperiments()
      // Re-read the stored curve so that the chart holds exactly what a later reopen will show.
      if (shown) void this.view(id)
    }
  }
}
