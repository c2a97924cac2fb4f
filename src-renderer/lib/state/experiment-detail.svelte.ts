// One experiment opened in the Experiments screen: its stored detail (config, events, exports) and the
// edits and actions on it (rename, notes, tags, delete, duplicate, repeat over seeds, export).
import { call, download, messageOf } from '../api'
import type { ExperimentDetail, Result } from './types'

export type ExportFormat = 'json' | 'onnx' | 'tfjs' | 'pytorch' | 'pytorch-project'

export class ExperimentDetailState {
  id = $state<number | null>(null)
  detail = $state.raw<ExperimentDetail | null>(null)
  error = $state<string | null>(null)
  /** Which action `error` came from ('load', 'save', 'export', …), so that it is shown next to it. */
  errorOf = $state<string | null>(null)
  /** The action in progress ('save', 'delete', 'export', …) or null. */
  busy = $state<string | null>(null)
  /** The outcome of the last action, in words. */
  message = $state<string | null>(null)
  lastExport = $state.raw<Result<'models.export'> | null>(null)
  lastPredict = $state.raw<Result<'models.predict'> | null>(null)
  /** The outcome of the last download, in words, and which panel it belongs to. */
  downloaded = $state<{ kind: 'export' | 'predictions'; text: string } | null>(null)

  async open(id: number | null): Promise<void> {
    this.id = id
    this.error = null
    this.message = null
    this.lastExport = null
    this.lastPredict = null
    this.downloaded = null
    if (id == null) {
      this.detail = null
      return
    }
    await this.reload()
  }

  async reload(): Promise<void> {
    const id = this.id
    if (id == null) return
    try {
      const d = await call('experiments.get', { id })
      if (this.id === id) this.detail = d
    } catch (e) {
      if (this.id === id) {
        this.detail = null
        this.error = messageOf(e)
        this.errorOf = 'load'
      }
    }
  }

  private async act<T>(label: string, fn: (id: number) => Promise<T>): Promise<T | undefined> {
    const id = this.id
    if (id == null || this.busy) return
    this.busy = label
    this.error = null
    this.message = null
    try {
      const r = await fn(id)
      if (this.id === id) await this.reload()
      return r
    } catch (e) {
      if (this.id === id) {
        this.error = messageOf(e)
        this.errorOf = label
      }
    } finally {
      this.busy = null
    }
  }

  save(patch: { name?: string; notes?: string; tags?: string[] }): Promise<unknown> {
    return this.act('save', async (id) => {
      await call('experiments.update', { id, ...patch })
      this.message = 'Saved.'
    })
  }

  async remove(): Promise<boolean> {
    const r = await this.act('delete', (id) => call('experiments.delete', { id }))
    if (r?.ok) {
      this.id = null
      this.detail = null
      return true
    }
    return false
  }

  duplicate(): Promise<number | undefined> {
    return this.act('duplicate', async (id) => {
      const { experimentId } = await call('experiments.duplicate', { id, start: false })
      this.message = `Duplicated as experiment ${experimentId} (a draft: resume it to train).`
      return experimentId
    })
  }

  repeat(n: number): Promise<unknown> {
    return this.act('repeat', async (id) => {
      const base = this.detail?.config.seed ?? 1
      const seeds = Array.from({ length: n }, (_, i) => base + 1 + i)
      const { experimentIds } = await call('experiments.repeat', { id, seeds })
      this.message = `Queued ${experimentIds.length} runs with seeds ${seeds.join(', ')}.`
    })
  }

  export(format: ExportFormat): Promise<unknown> {
    this.lastExport = null
    this.downloaded = null
    return this.act('export', async (id) => {
      this.lastExport = await call('models.export', { id, format })
    })
  }

  /** Hands an export or the predictions file to the user; `downloaded` says where it went. */
  download(
    req: { kind: 'export'; format: ExportFormat } | { kind: 'predictions'; datasetId?: number }
  ): Promise<unknown> {
    return this.act('download', async (id) => {
      const r = await download({ ...req, id })
      const size = r.bytes < 10_000 ? `${r.bytes} bytes` : `${(r.bytes / 1024).toFixed(0)} KB`
      this.downloaded = {
        kind: req.kind,
        text: r.cancelled
          ? 'Download cancelled.'
          : r.savedTo
            ? `Saved ${r.fileName} (${size}) to ${r.savedTo}.`
            : `Downloaded ${r.fileName} (${size}).`
      }
    })
  }

  /** Runs the trained model on an imported dataset (or, for a generator, with no dataset). */
  predict(
    datasetId: number | undefined,
    opts: { steps?: number; temperature?: number; seed?: number } = {}
  ): Promise<unknown> {
    this.lastPredict = null
    return this.act('predict', async (id) => {
      this.lastPredict = await call('models.predict', {
        id,
        ...(datasetId === undefined ? {} : { datasetId }),
        ...opts
      })
    })
  }
}
