// The Data and Model screens' own state next to AppState: imports with progress and Cancel, the live
// sequences preview (datasets.sequences, debounced) and the estimated time per epoch. One per AppState
// (`dataSession(app)`); it reaches AppState only through its public methods.
import { ApiError, call, importCsvFile, messageOf, on } from '../api'
import type { AppState } from './app-state.svelte'
import type { ExperimentConfigInput } from './types'
import type { ColumnInfo, DatasetImportOptions, SequencesSummary } from '../../../src-shared/contract'
import { epochSeconds, sequenceCost, type EngineCalibration, type EstimateModel } from '../../../src-shared/estimate'

/** The service's import limit (src-main/services/dataset-checks.ts MAX_IMPORT_BYTES). */
const MAX_IMPORT_BYTES = 512 * 1024 * 1024
const CANCELLED = /cancel/i
/** The importer's default missing-value words (src-worker/data/csv-values.ts MISSING_TOKENS), as the field shows them. */
const DEFAULT_MISSING_WORDS = 'NA, N/A, n/a, na, NaN, nan, NAN, null, NULL, Null, #N/A, #NA'

export class DataImport {
  /** File name or sample title being imported by this class, or null. */
  busy = $state<string | null>(null)
  bytes = $state(0)
  totalBytes = $state(0)
  error = $state<string | null>(null)
  notice = $state<string | null>(null)
  cancelling = $state(false)
  fraction = $derived(this.totalBytes > 0 ? Math.min(1, this.bytes / this.totalBytes) : 0)
  private id: string | null = null
  private count = 0
  /** The Data screen's reading options for the next file (stored with the dataset it makes). */
  decimalComma = $state<'auto' | 'on' | 'off'>('auto')
  header = $state(true)
  missingWords = $state(DEFAULT_MISSING_WORDS)
  dateOrder = $state<'auto' | 'dmy' | 'mdy' | 'ymd'>('auto')
  duplicates = $state<'refuse' | 'first' | 'last' | 'mean'>('refuse')
  /** The file last refused, so the user can import it again with other reading options. */
  lastFile = $state.raw<File | null>(null)
  /** The refusal says the first row is data: the screen offers to read it as data. */
  firstRowIsData = $derived(/the first row looks like data/.test(this.error ?? ''))

  options(): DatasetImportOptions {
    const o: DatasetImportOptions = {}
    if (this.decimalComma !== 'auto') o.decimalComma = this.decimalComma === 'on'
    if (!this.header) o.header = false
    const words = this.missingWords
      .split(',')
      .map((w) => w.trim())
      .filter((w) => w !== '')
    if (words.join(',') !== DEFAULT_MISSING_WORDS.split(', ').join(',')) o.missingWords = words
    if (this.dateOrder !== 'auto') o.dateOrder = this.dateOrder
    if (this.duplicates !== 'refuse') o.duplicates = this.duplicates
    return o
  }

  /** Import the last refused file again with its first row as data (the answer to "the first row looks like data"). */
  async importWithoutHeader(): Promise<void> {
    const file = this.lastFile
    if (!file) return
    this.header = false
    this.error = null
    await this.importFile(file)
  }

  constructor(private app: AppState) {
    on('datasets.importProgress', (p) => {
      if (p.importId !== this.id) return
      this.bytes = p.bytes
      this.totalBytes = p.totalBytes
    })
  }

  async importFile(file: File): Promise<void> {
    if (file.size > MAX_IMPORT_BYTES) {
      this.error = `"${file.name}" is ${(file.size / 2 ** 20).toFixed(0)} MB; the largest CSV the workbench imports is ${MAX_IMPORT_BYTES / 2 ** 20} MB`
      return
    }
    this.lastFile = file
    await this.run(file.name, file.size, (importId) =>
      importCsvFile(file, { importId, options: this.options(), reuse: true })
    )
  }

  /** Open a shipped sample and pre-select the mapping and columns it suits. */
  async importSample(id: string): Promise<void> {
    const sample = this.app.info?.samples.find((s) => s.id === id)
    const ok = await this.run(sample?.title ?? id, 0, (importId) =>
      call('datasets.import', { importId, source: { kind: 'sample', sample: id }, reuse: true })
    )
    if (ok && sample) this.app.config.applySuggested(sample.suggested)
  }

  /** Read the dataset on screen again with one column's type chosen (`auto`: the inferred type; `ignore`: left
   * out), with its own warnings (the cells that do not fit the chosen type are named), or the refusal in the import
   * error. The reading takes the place of the one on screen unless an experiment uses that one, and a reading of the
   * file with the same options already stored is opened instead of a copy: one dataset per file and options. */
  async retype(column: string, type: ColumnInfo['type'] | 'auto' | 'ignore'): Promise<void> {
    const d = this.app.dataset
    if (!d) return
    const types = { ...(d.importOptions?.types ?? {}) }
    if (type === 'auto') delete types[column]
    else types[column] = type
    const { types: _old, ...rest } = d.importOptions ?? {}
    const options = Object.keys(types).length > 0 ? { ...rest, types } : rest
    await this.run(d.name, d.byteLength, (importId) =>
      call('datasets.import', {
        importId,
        name: d.name,
        source: { kind: 'dataset', datasetId: d.id, replace: true },
        options,
        reuse: true
      })
    )
  }

  /** Cancel the running import; while the file is still on its way the service does not know it yet, so retry. */
  async cancel(): Promise<void> {
    const id = this.id
    if (!id || this.cancelling) return
    this.cancelling = true
    while (this.id === id) {
      try {
        if ((await call('datasets.cancelImport', { importId: id })).ok) return
      } catch {
        return
      }
      await new Promise((r) => setTimeout(r, 150))
    }
  }

  private async run(
    label: string,
    size: number,
    send: (importId: string) => Promise<{ id: number; name: string }>
  ): Promise<boolean> {
    if (this.busy || this.app.importing) return false
    const importId = `ui-${Date.now().toString(36)}-${++this.count}`
    this.id = importId
    this.busy = label
    this.bytes = 0
    this.totalBytes = size
    this.error = this.notice = null
    this.app.importError = null
    const stored = new Set(this.app.datasets.map((x) => x.id))
    try {
      const d = await send(importId)
      if (stored.has(d.id))
        this.notice = `"${d.name}" already holds this file read this way: opened it instead of a copy.`
      await this.app.refreshDatasets()
      await this.app.openDataset(d.id)
      return this.app.dataset?.id === d.id
    } catch (e) {
      const msg = messageOf(e)
      if (this.cancelling && CANCELLED.test(msg)) this.notice = `Import of ${label} cancelled; nothing was stored.`
      else this.error = msg
      return false
    } finally {
      this.id = null
      this.busy = null
      this.cancelling = false
    }
  }
}

export interface Refusal {
  message: string
  issues: { path: string; message: string }[]
}

export class SequencesPreview {
  summary = $state.raw<SequencesSummary | null>(null)
  refusal = $state.raw<Refusal | null>(null)
  loading = $state(false)
  /** This machine's measured engine speed (engine.calibration), which the time estimate scales. */
  calibration = $state.raw<EngineCalibration | null>(null)
  private calibrating = false
  private key = ''
  private timer: ReturnType<typeof setTimeout> | undefined
  private seq = 0

  /** Ask for the preview of `config` after `delay` ms of quiet; null config clears it. */
  request(datasetId: number | null, config: ExperimentConfigInput | null, delay = 300): void {
    const key = JSON.stringify([datasetId, config])
    if (key === this.key) return
    this.key = key
    clearTimeout(this.timer)
    const n = ++this.seq
    if (datasetId == null || !config) {
      this.loading = false
      this.summary = null
      this.refusal = null
      return
    }
    this.loading = true
    this.timer = setTimeout(async () => {
      try {
        const s = await call('datasets.sequences', { datasetId, config })
        if (n === this.seq) {
          this.summary = s
          this.refusal = null
        }
      } catch (e) {
        if (n === this.seq) {
          this.refusal = { message: messageOf(e), issues: e instanceof ApiError ? e.issues : [] }
          this.summary = null
        }
      } finally {
        if (n === this.seq) this.loading = false
      }
    }, delay)
  }

  /** Asks once for the engine's calibration (measured by the service the first time, about a second). */
  async calibrate(): Promise<void> {
    if (this.calibration || this.calibrating) return
    this.calibrating = true
    try {
      this.calibration = await call('engine.calibration', {})
    } catch {
      /* no estimate without it */
    } finally {
      this.calibrating = false
    }
  }

  /** Seconds per epoch (training pass + a forward-only validation pass) for `config`, and how it was estimated. */
  epochSeconds(config: EstimateModel): { seconds: number; how: string } | null {
    const s = this.summary,
      cal = this.calibration
    if (!s || !cal) return null
    const seconds = epochSeconds(s, config, cal)
    if (seconds == null) return null
    const { steps, macs } = sequenceCost(s, config)
    const at = cal.measuredAt.slice(0, 16).replace('T', ' ')
    return {
      seconds,
      how:
        `Measured on this machine (${cal.engine}, ${at} UTC): ${(cal.secondsPerStep * 1e6).toPrecision(2)} µs per ` +
        `time step + ${(cal.secondsPerMac * 1e9).toPrecision(2)} ns per multiply-add, per sequence. This model: ` +
        `${steps} steps and ${Math.round(macs).toLocaleString('en-US')} multiply-adds per sequence, ` +
        `${s.train} training sequences and ${s.val} validation ones (at a third) per epoch.`
    }
  }
}

const sessions = new WeakMap<AppState, { imports: DataImport; preview: SequencesPreview }>()

/** The Data/Model state that belongs to this window's AppState. */
export function dataSession(app: AppState): { imports: DataImport; preview: SequencesPreview } {
  let s = sessions.get(app)
  if (!s) sessions.set(app, (s = { imports: new DataImport(app), preview: new SequencesPreview() }))
  return s
}
