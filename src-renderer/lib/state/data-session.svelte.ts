// The Data and Model screens' own state next to AppState: imports with progress and Cancel, the live
// sequences preview (datasets.sequences, debounced) and the estimated time per epoch. One per AppState
// (`dataSession(app)`); it reaches AppState only through its public methods.
import { ApiError, call, importCsvFile, messageOf, on } from '../api'
import type { AppState } from './app-state.svelte'
import type { ExperimentConfigInput, ExperimentSummary } from './types'
import type { DatasetImportOptions, SequencesSummary } from '../../../src-shared/contract'

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
    await this.run(file.name, file.size, (importId) => importCsvFile(file, { importId, options: this.options() }))
  }

  /** Open a shipped sample and pre-select the mapping and columns it suits. */
  async importSample(id: string): Promise<void> {
    const sample = this.app.info?.samples.find((s) => s.id === id)
    const ok = await this.run(sample?.title ?? id, 0, (importId) =>
      call('datasets.import', { importId, source: { kind: 'sample', sample: id } })
    )
    if (ok && sample) this.app.config.applySuggested(sample.suggested)
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
    send: (importId: string) => Promise<{ id: number }>
  ): Promise<boolean> {
    if (this.busy || this.app.importing) return false
    const importId = `ui-${Date.now().toString(36)}-${++this.count}`
    this.id = importId
    this.busy = label
    this.bytes = 0
    this.totalBytes = size
    this.error = this.notice = null
    this.app.importError = null
    try {
      const d = await send(importId)
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

/** Steps the recurrence runs per sequence: encoder + decoder for seq2seq, else the longer side. */
export const stepsOf = (s: { mapping: string; tx: number; ty: number }) =>
  s.mapping === 'seq2seq' ? s.tx + s.ty : Math.max(s.tx, s.ty)

/** Assumed sustained speed of the engine when no finished run calibrates it (multiply-adds × 2 per second). */
const ASSUMED_FLOPS = 1.5e9

export class SequencesPreview {
  summary = $state.raw<SequencesSummary | null>(null)
  refusal = $state.raw<Refusal | null>(null)
  loading = $state(false)
  /** The last finished run with a measured speed, with its own size (for the time estimate). */
  reference = $state.raw<{ id: number; name: string; seqPerSec: number; work: number } | null>(null)
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

  /** Calibrate on the most recent completed run that measured its speed (its size is asked for once). */
  async calibrate(experiments: readonly ExperimentSummary[]): Promise<void> {
    const ref = experiments
      .filter((e) => e.status === 'completed' && (e.seqPerSec ?? 0) > 0)
      .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))[0]
    if (!ref || ref.id === this.reference?.id) return
    try {
      const s = await call('datasets.sequences', { datasetId: ref.datasetId, config: ref.config })
      this.reference = { id: ref.id, name: ref.name, seqPerSec: ref.seqPerSec!, work: s.parameters * stepsOf(s) }
    } catch {
      /* its dataset may be gone: keep the last reference */
    }
  }

  /** Seconds per epoch (training pass + a forward-only validation pass), and how it was estimated. */
  epochSeconds(): { seconds: number; how: string } | null {
    const s = this.summary
    if (!s) return null
    const work = s.parameters * stepsOf(s)
    const seqs = s.train + s.val / 3
    const r = this.reference
    if (r) {
      return {
        seconds: (seqs * work) / (r.seqPerSec * r.work),
        how: `Scaled from "${r.name}" (${Math.round(r.seqPerSec)} seq/s) by parameters × time steps; validation counted at a third of a training step.`
      }
    }
    return {
      seconds: (seqs * 6 * work) / ASSUMED_FLOPS,
      how: 'A rough guess from a FLOP model (≈ 6 × parameters × time steps per sequence at an assumed 1.5 GFLOP/s); it becomes a measured estimate after a first completed run.'
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
