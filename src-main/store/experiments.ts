// Experiments table plus their per-epoch / per-step metrics, events and training-state checkpoints.
import { serialize } from 'node:v8'
import type { Db } from './db'
import { ProbesRepo } from './probes'
import { checkpointFault } from './faults'
import { decodeState, encodeState } from '../../src-worker/model/checkpoint-bytes'
import type {
  EpochPoint,
  ExperimentConfig,
  ExperimentDetail,
  ExperimentEvent,
  ExperimentStatus,
  ExperimentSummary,
  StepPoint
} from '../../src-shared/contract'
import { verdictOf, type Baselines, type ValMetrics } from '../../src-shared/metrics'

interface Row {
  id: number
  dataset_id: number
  dataset_name: string
  name: string
  status: ExperimentStatus
  config_json: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  epochs_done: number
  train_loss: number | null
  val_loss: number | null
  error: string | null
  notes: string
  tags_json: string
  group_id: number | null
  train_seconds: number
  best_val_loss: number | null
  seq_per_s: number | null
  val_metrics_json: string | null
  baselines_json: string | null
  trained_on: string | null
}

const SELECT = `SELECT e.id, e.dataset_id, d.name AS dataset_name, e.name, e.status, e.config_json, e.created_at,
  e.started_at, e.finished_at, e.epochs_done, e.train_loss, e.val_loss, e.error, e.notes, e.tags_json, e.group_id,
  e.train_seconds, e.best_val_loss, e.seq_per_s, e.val_metrics_json, e.baselines_json,
  (SELECT json_extract(v.detail_json, '$.trainedOn') FROM events v WHERE v.experiment_id = e.id AND v.kind = 'imported'
    LIMIT 1) AS trained_on
  FROM experiments e JOIN datasets d ON d.id = e.dataset_id`

function toSummary(r: Row): ExperimentSummary {
  const valMetrics = r.val_metrics_json ? (JSON.parse(r.val_metrics_json) as ValMetrics) : null,
    baselines = r.baselines_json ? (JSON.parse(r.baselines_json) as Baselines) : null
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    status: r.status,
    config: JSON.parse(r.config_json),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    epochsDone: r.epochs_done,
    trainLoss: r.train_loss,
    valLoss: r.val_loss,
    error: r.error,
    notes: r.notes,
    tags: JSON.parse(r.tags_json),
    groupId: r.group_id,
    trainSeconds: r.train_seconds,
    bestValLoss: r.best_val_loss,
    seqPerSec: r.seq_per_s,
    valMetrics,
    baselines,
    verdict: verdictOf(r.val_loss, valMetrics, baselines),
    ...(r.trained_on ? { trainedOn: r.trained_on } : {})
  }
}

/** Metrics as stored: finite numbers only (a NaN metric is left out, never shown as 0). */
function metricsJson(m: ValMetrics | null | undefined): string | null {
  if (!m) return null
  const kept = Object.entries(m).filter(([, v]) => Number.isFinite(v))
  return kept.length ? JSON.stringify(Object.fromEntries(kept)) : null
}

/** SQLite stores NaN as NULL; keep that explicit (a NaN loss is shown as missing, never as 0). */
const num = (x: number | null | undefined): number | null => (x == null || !Number.isFinite(x) ? null : x)
const now = () => new Date().toISOString()

/** A live run whose owner has not written for this long is taken as dead (pid reuse, hung process). */
export const HEARTBEAT_TIMEOUT_MS = 30_000

interface LiveRow {
  id: number
  owner_pid: number | null
  heartbeat_at: string | null
}

function ownerAlive(r: LiveRow): boolean {
  if (r.owner_pid == null || r.owner_pid === process.pid) return false
  if (!r.heartbeat_at || Date.now() - Date.parse(r.heartbeat_at) > HEARTBEAT_TIMEOUT_MS) return false
  try {
    process.kill(r.owner_pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface EpochRecord extends EpochPoint {
  lr?: number
  diagnostics?: unknown
  seqPerSec?: number | null
}
export type CheckpointKind = 'last' | 'best' | 'final'
/** A training state to store: the object, or its bytes as the worker wrote them (src-worker/model/checkpoint-bytes.ts). */
export type CheckpointRecord = { kind: CheckpointKind; epoch: number } & ({ state: unknown } | { bytes: Uint8Array })

export class ExperimentsRepo {
  private s
  private readonly probes: ProbesRepo
  constructor(private db: Db) {
    this.probes = new ProbesRepo(db)
    this.s = {
      insert:
        db.prepare(`INSERT INTO experiments (dataset_id, name, status, config_json, created_at, group_id, notes, tags_json)
        VALUES (@datasetId, @name, 'draft', @config, @createdAt, @groupId, @notes, @tags)`),
      list: db.prepare(`${SELECT} ORDER BY e.id DESC`),
      get: db.prepare(`${SELECT} WHERE e.id = ?`),
      setStatus: db.prepare('UPDATE experiments SET status = @status WHERE id = @id'),
      start:
        db.prepare(`UPDATE experiments SET status = 'running', started_at = coalesce(started_at, @at), finished_at = NULL,
        error = NULL, owner_pid = @pid, heartbeat_at = @at, control = NULL WHERE id = @id`),
      queue: db.prepare(
        `UPDATE experiments SET status = 'queued', owner_pid = @pid, heartbeat_at = @at, control = NULL WHERE id = @id`
      ),
      heartbeat: db.prepare(
        "UPDATE experiments SET heartbeat_at = @at WHERE owner_pid = @pid AND status IN ('running','paused','queued')"
      ),
      live: db.prepare(
        `SELECT id, owner_pid, heartbeat_at FROM experiments WHERE status IN ('running','queued','paused')`
      ),
      interrupt: db.prepare(`UPDATE experiments SET status = 'interrupted', control = NULL WHERE id = ?`),
      setControl: db.prepare('UPDATE experiments SET control = @control WHERE id = @id'),
      takeControl: db.prepare('SELECT id, control FROM experiments WHERE owner_pid = @pid AND control IS NOT NULL'),
      clearControl: db.prepare('UPDATE experiments SET control = NULL WHERE id = ?'),
      finish: db.prepare(
        `UPDATE experiments SET status = @status, finished_at = @at, error = @error, control = NULL WHERE id = @id`
      ),
      epoch:
        db.prepare(`INSERT OR REPLACE INTO epochs (experiment_id, epoch, train_loss, val_loss, seconds, lr, diagnostics_json,
        val_metrics_json) VALUES (@id, @epoch, @trainLoss, @valLoss, @seconds, @lr, @diagnostics, @valMetrics)`),
      epochSummary:
        db.prepare(`UPDATE experiments SET epochs_done = @epoch, train_loss = @trainLoss, val_loss = @valLoss,
        val_metrics_json = @valMetrics, train_seconds = train_seconds + @seconds, seq_per_s = coalesce(@seqPerSec, seq_per_s),
        best_val_loss = CASE WHEN @valLoss IS NOT NULL AND (best_val_loss IS NULL OR @valLoss < best_val_loss) THEN @valLoss ELSE best_val_loss END
        WHERE id = @id`),
      beat: db.prepare('UPDATE experiments SET heartbeat_at = @at WHERE id = @id'),
      step: db.prepare(
        'INSERT OR REPLACE INTO steps (experiment_id, step, epoch, loss) VALUES (@id, @step, @epoch, @loss)'
      ),
      epochs: db.prepare(
        'SELECT epoch, train_loss AS trainLoss, val_loss AS valLoss, seconds, val_metrics_json FROM epochs WHERE experiment_id = ? ORDER BY epoch'
      ),
      diagnostics: db.prepare('SELECT epoch, diagnostics_json FROM epochs WHERE experiment_id = ? ORDER BY epoch'),
      steps: db.prepare('SELECT step, epoch, loss FROM steps WHERE experiment_id = ? ORDER BY step'),
      trimEpochs: db.prepare('DELETE FROM epochs WHERE experiment_id = @id AND epoch > @epoch'),
      trimSteps: db.prepare('DELETE FROM steps WHERE experiment_id = @id AND epoch > @epoch'),
      resetSummary: db.prepare(`UPDATE experiments SET epochs_done = @epoch,
        train_loss = (SELECT train_loss FROM epochs WHERE experiment_id = @id AND epoch = @epoch),
        val_loss = (SELECT val_loss FROM epochs WHERE experiment_id = @id AND epoch = @epoch),
        val_metrics_json = (SELECT val_metrics_json FROM epochs WHERE experiment_id = @id AND epoch = @epoch),
        best_val_loss = (SELECT min(val_loss) FROM epochs WHERE experiment_id = @id),
        train_seconds = coalesce((SELECT sum(seconds) FROM epochs WHERE experiment_id = @id), 0) WHERE id = @id`),
      checkpoint: db.prepare(`INSERT OR REPLACE INTO checkpoints (experiment_id, kind, epoch, state, created_at)
        VALUES (@id, @kind, @epoch, @state, @at)`),
      getCheckpoint: db.prepare('SELECT epoch, state FROM checkpoints WHERE experiment_id = ? AND kind = ?'),
      update: db.prepare(`UPDATE experiments SET name = coalesce(@name, name), notes = coalesce(@notes, notes),
        tags_json = coalesce(@tags, tags_json) WHERE id = @id`),
      delete: db.prepare('DELETE FROM experiments WHERE id = ?'),
      baselines: db.prepare('UPDATE experiments SET baselines_json = @baselines WHERE id = @id'),
      finalMetrics: db.prepare(`UPDATE experiments SET val_metrics_json = @valMetrics WHERE id = @id`),
      event: db.prepare('INSERT INTO events (experiment_id, at, kind, detail_json) VALUES (@id, @at, @kind, @detail)'),
      events: db.prepare('SELECT at, kind, detail_json FROM events WHERE experiment_id = ? ORDER BY id')
    }
  }

  create(
    datasetId: number,
    name: string,
    config: ExperimentConfig,
    extra: { groupId?: number | null; notes?: string; tags?: string[] } = {}
  ): number {
    const info = this.s.insert.run({
      datasetId,
      name,
      config: JSON.stringify(config),
      createdAt: now(),
      groupId: extra.groupId ?? null,
      notes: extra.notes ?? '',
      tags: JSON.stringify(extra.tags ?? [])
    })
    return Number(info.lastInsertRowid)
  }

  list(): ExperimentSummary[] {
    return (this.s.list.all() as Row[]).map(toSummary)
  }

  get(id: number): ExperimentSummary | undefined {
    const r = this.s.get.get(id) as Row | undefined
    return r && toSummary(r)
  }

  detail(id: number): ExperimentDetail | undefined {
    const summary = this.get(id)
    if (!summary) return undefined
    const events = this.events(id)
    return {
      ...summary,
      epochs: (this.s.epochs.all(id) as (EpochPoint & { val_metrics_json: string | null })[]).map(
        ({ val_metrics_json, ...p }) => (val_metrics_json ? { ...p, valMetrics: JSON.parse(val_metrics_json) } : p)
      ),
      steps: this.s.steps.all(id) as StepPoint[],
      events,
      exports: events
        .filter((e) => e.kind === 'exported')
        .map((e) => {
          const d = e.detail as {
            format: string
            verified: boolean
            maxAbsDiff: number | null
            runtime: string
            files: string[]
          }
          return {
            at: e.at,
            format: d.format,
            verified: d.verified,
            maxAbsDiff: d.maxAbsDiff,
            runtime: d.runtime,
            files: d.files
          }
        })
    }
  }

  /**
   * Per-epoch diagnostics as the trainer reported them, for charts and comparisons; `probe` (the heatmaps) only on the
   * epochs that keep it (store/probes.ts).
   */
  diagnostics(id: number): { epoch: number; diagnostics: unknown }[] {
    const probes = this.probes.byEpoch(id)
    return (this.s.diagnostics.all(id) as { epoch: number; diagnostics_json: string | null }[]).map((r) => {
      const d = r.diagnostics_json ? (JSON.parse(r.diagnostics_json) as Record<string, unknown> | null) : null
      const probe = probes.get(r.epoch)
      return { epoch: r.epoch, diagnostics: d && probe ? { ...d, probe } : d }
    })
  }

  /** This process trains the run from now on. */
  markStarted(id: number): void {
    this.s.start.run({ id, at: now(), pid: process.pid })
  }
  markQueued(id: number): void {
    this.s.queue.run({ id, at: now(), pid: process.pid })
  }
  /** Shows that this process's runs are alive (a paused run writes no metrics). */
  heartbeat(): void {
    this.s.heartbeat.run({ at: now(), pid: process.pid })
  }

  /** Another process (e.g. the CLI) asks the owner of a live run to pause, resume or stop it. */
  requestControl(id: number, control: 'pause' | 'resume' | 'stop'): void {
    this.s.setControl.run({ id, control })
  }

  /** The control requests addressed to this process's runs; each is returned once. */
  takeControlRequests(): { id: number; control: 'pause' | 'resume' | 'stop' }[] {
    return this.db.transaction(() => {
      const rows = this.s.takeControl.all({ pid: process.pid }) as {
        id: number
        control: 'pause' | 'resume' | 'stop'
      }[]
      for (const r of rows) this.s.clearControl.run(r.id)
      return rows
    })()
  }

  /** Is the run trained by a live process (not this one's crash leftover)? */
  isLive(id: number): boolean {
    const r = (this.s.live.all() as LiveRow[]).find((x) => x.id === id)
    return !!r && ownerAlive(r)
  }
  setStatus(id: number, status: ExperimentStatus): void {
    this.s.setStatus.run({ id, status })
  }

  /**
   * A run trained elsewhere (an exported project trained by PyTorch), in one transaction: a finished experiment with
   * its curve, its final model, and an 'imported' event saying where it was trained (the summary's `trainedOn`).
   */
  importRun(r: {
    datasetId: number
    name: string
    config: ExperimentConfig
    status: ExperimentStatus
    error: string | null
    epochs: EpochRecord[]
    model: unknown
    imported: { trainedOn: string; from: string }
  }): number {
    return this.db.transaction(() => {
      const id = this.create(r.datasetId, r.name, r.config)
      this.s.start.run({ id, at: now(), pid: process.pid })
      this.writeMetrics(id, [], r.epochs)
      this.addEvent(id, 'imported', r.imported)
      this.finish(id, r.status, r.error, r.model)
      return id
    })()
  }

  /** Ends a run; with `model`, the trained model is kept as the 'final' checkpoint in the same transaction. */
  finish(id: number, status: ExperimentStatus, error: string | null, model?: unknown): void {
    this.db.transaction(() => {
      this.s.finish.run({ id, status, at: now(), error })
      if (model !== undefined) {
        const epoch = this.get(id)?.epochsDone ?? 0
        this.s.checkpoint.run({ id, kind: 'final', epoch, state: serialize(model), at: now() })
      }
    })()
    if (!this.db.inTransaction) this.truncateWal()
  }

  /**
   * Folds the WAL into the store and empties it: a run rewrites its checkpoints every epoch, and SQLite only
   * checkpoints every 1000 pages (16 MB) and never shrinks the file, so an app left open after a run would keep a WAL
   * larger than the store's growth. Skipped at once (no wait) while another connection reads or writes.
   */
  private truncateWal(): void {
    const wait = this.db.pragma('busy_timeout', { simple: true }) as number
    this.db.pragma('busy_timeout = 0')
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)')
    } catch {
      // busy or locked: the next run's end, or the last connection's close, folds it in
    } finally {
      this.db.pragma(`busy_timeout = ${wait}`)
    }
  }

  /**
   * At start-up: runs left running, queued or paused by a process that is gone (crash, kill) — or that
   * has shown no life for HEARTBEAT_TIMEOUT_MS — become `interrupted`. Returns their ids. Runs of
   * another live process sharing the store (the app while the CLI runs) are left alone.
   */
  markInterrupted(): number[] {
    return this.db.transaction(() => {
      const ids = (this.s.live.all() as LiveRow[]).filter((r) => !ownerAlive(r)).map((r) => r.id)
      for (const id of ids) {
        this.s.interrupt.run(id)
        this.addEvent(id, 'interrupted', { reason: 'its process ended while it was training' })
      }
      return ids
    })()
  }

  /**
   * One transaction per batch: the steps since the last write, the epochs that ended since (the worker sends
   * fast epochs together), and the checkpoints of the latest of them and of the latest best one — so an
   * epoch is either fully recorded and resumable, or not recorded at all.
   */
  writeMetrics(
    id: number,
    steps: StepPoint[],
    epochs?: EpochRecord | EpochRecord[],
    checkpoints: CheckpointRecord[] = []
  ): void {
    this.db.transaction(() => {
      this.s.beat.run({ id, at: now() })
      for (const s of steps) this.s.step.run({ id, step: s.step, epoch: s.epoch, loss: num(s.loss) })
      let probed = false
      for (const epoch of epochs === undefined ? [] : Array.isArray(epochs) ? epochs : [epochs]) {
        const { probe, ...rest } = (epoch.diagnostics ?? {}) as { probe?: unknown }
        const apart = probe !== undefined && this.probes.put(id, epoch.epoch, probe)
        probed ||= apart
        const trainLoss = num(epoch.trainLoss),
          valLoss = num(epoch.valLoss)
        this.s.epoch.run({
          id,
          epoch: epoch.epoch,
          trainLoss,
          valLoss,
          seconds: epoch.seconds,
          lr: num(epoch.lr),
          diagnostics: epoch.diagnostics === undefined ? null : JSON.stringify(apart ? rest : epoch.diagnostics),
          valMetrics: metricsJson(epoch.valMetrics)
        })
        this.s.epochSummary.run({
          id,
          epoch: epoch.epoch,
          trainLoss,
          valLoss,
          valMetrics: metricsJson(epoch.valMetrics),
          seconds: epoch.seconds,
          seqPerSec: num(epoch.seqPerSec)
        })
      }
      if (probed) this.probes.compact(id)
      let of: unknown, bytes: Buffer | undefined // 'last' and 'best' of one epoch are one state: serialised once
      for (const c of checkpoints) {
        const src = 'bytes' in c ? c.bytes : c.state
        if (bytes === undefined || of !== src) {
          of = src
          bytes =
            'bytes' in c
              ? Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength)
              : Buffer.from(encodeState(c.state).buffer)
        }
        this.s.checkpoint.run({ id, kind: c.kind, epoch: c.epoch, state: bytes, at: now() })
        checkpointFault(c.epoch)
      }
    })()
  }

  checkpoint(id: number, kind: CheckpointKind): { epoch: number; state: unknown } | undefined {
    const r = this.s.getCheckpoint.get(id, kind) as { epoch: number; state: Buffer } | undefined
    return r && { epoch: r.epoch, state: decodeState(r.state) }
  }

  /** Before resuming from the checkpoint of `epoch`: forget metrics recorded after it. */
  rewindTo(id: number, epoch: number): void {
    this.db.transaction(() => {
      this.s.trimEpochs.run({ id, epoch })
      this.s.trimSteps.run({ id, epoch })
      this.probes.trim(id, epoch)
      this.s.resetSummary.run({ id, epoch })
    })()
  }

  /** The baselines of the run's validation split (computed once, when the run builds its data). */
  setBaselines(id: number, baselines: Baselines): void {
    this.s.baselines.run({ id, baselines: JSON.stringify(baselines) })
  }

  /** The final validation metrics: the last epoch's, plus what only the end of a run measures (novelty). */
  setFinalMetrics(id: number, extra: ValMetrics): void {
    const merged = { ...(this.get(id)?.valMetrics ?? {}), ...extra }
    this.s.finalMetrics.run({ id, valMetrics: metricsJson(merged) })
  }

  update(id: number, patch: { name?: string; notes?: string; tags?: string[] }): void {
    this.db.transaction(() => {
      this.s.update.run({
        id,
        name: patch.name ?? null,
        notes: patch.notes ?? null,
        tags: patch.tags ? JSON.stringify(patch.tags) : null
      })
      this.addEvent(id, 'edited', patch)
    })()
  }

  /** Deletes the experiment with its metrics, events and checkpoints (ON DELETE CASCADE), in one transaction. */
  delete(id: number): boolean {
    return this.db.transaction(() => this.s.delete.run(id).changes > 0)()
  }

  addEvent(id: number, kind: string, detail?: unknown): void {
    this.s.event.run({ id, at: now(), kind, detail: detail === undefined ? null : JSON.stringify(detail) })
  }

  events(id: number): ExperimentEvent[] {
    return (this.s.events.all(id) as { at: string; kind: string; detail_json: string | null }[]).map((r) => ({
      at: r.at,
      kind: r.kind,
      detail: r.detail_json ? JSON.parse(r.detail_json) : null
    }))
  }
}
