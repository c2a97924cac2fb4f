// Experiments table plus their per-epoch / per-step metrics and weight checkpoints.
import type { Db } from './db'
import type {
  EpochPoint, ExperimentConfig, ExperimentDetail, ExperimentStatus, ExperimentSummary, StepPoint
} from '../../src-shared/contract'

interface Row {
  id: number; dataset_id: number; dataset_name: string; name: string; status: ExperimentStatus; config_json: string
  created_at: string; started_at: string | null; finished_at: string | null; epochs_done: number
  train_loss: number | null; val_loss: number | null; error: string | null
}

const SELECT = `SELECT e.id, e.dataset_id, d.name AS dataset_name, e.name, e.status, e.config_json, e.created_at,
  e.started_at, e.finished_at, e.epochs_done, e.train_loss, e.val_loss, e.error
  FROM experiments e JOIN datasets d ON d.id = e.dataset_id`

function toSummary(r: Row): ExperimentSummary {
  return {
    id: r.id, name: r.name, datasetId: r.dataset_id, datasetName: r.dataset_name, status: r.status,
    config: JSON.parse(r.config_json), createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
    epochsDone: r.epochs_done, trainLoss: r.train_loss, valLoss: r.val_loss, error: r.error
  }
}

/** SQLite stores NaN as NULL; keep that explicit (a NaN loss is shown as missing, never as 0). */
const num = (x: number | null | undefined): number | null => (x == null || !Number.isFinite(x) ? null : x)

export class ExperimentsRepo {
  private s
  constructor(private db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO experiments (dataset_id, name, status, config_json, created_at)
        VALUES (@datasetId, @name, @status, @config, @createdAt)`),
      list: db.prepare(`${SELECT} ORDER BY e.id DESC`),
      get: db.prepare(`${SELECT} WHERE e.id = ?`),
      setStatus: db.prepare('UPDATE experiments SET status = @status WHERE id = @id'),
      start: db.prepare(`UPDATE experiments SET status = 'running', started_at = @at, error = NULL WHERE id = @id`),
      finish: db.prepare(`UPDATE experiments SET status = @status, finished_at = @at, train_loss = @trainLoss,
        val_loss = @valLoss, error = @error WHERE id = @id`),
      interruptRunning: db.prepare(`UPDATE experiments SET status = 'interrupted' WHERE status IN ('running','queued','paused')`),
      epoch: db.prepare(`INSERT OR REPLACE INTO epochs (experiment_id, epoch, train_loss, val_loss, seconds, lr, diagnostics_json)
        VALUES (@id, @epoch, @trainLoss, @valLoss, @seconds, @lr, @diagnostics)`),
      epochSummary: db.prepare(`UPDATE experiments SET epochs_done = @epoch, train_loss = @trainLoss, val_loss = @valLoss WHERE id = @id`),
      step: db.prepare('INSERT OR REPLACE INTO steps (experiment_id, step, epoch, loss) VALUES (@id, @step, @epoch, @loss)'),
      epochs: db.prepare('SELECT epoch, train_loss AS trainLoss, val_loss AS valLoss, seconds FROM epochs WHERE experiment_id = ? ORDER BY epoch'),
      steps: db.prepare('SELECT step, epoch, loss FROM steps WHERE experiment_id = ? ORDER BY step'),
      checkpoint: db.prepare(`INSERT OR REPLACE INTO checkpoints (experiment_id, kind, epoch, weights_json, created_at)
        VALUES (@id, @kind, @epoch, @weights, @at)`),
      getCheckpoint: db.prepare('SELECT epoch, weights_json FROM checkpoints WHERE experiment_id = ? AND kind = ?')
    }
  }

  create(datasetId: number, name: string, config: ExperimentConfig): number {
    const info = this.s.insert.run({
      datasetId, name, status: 'draft', config: JSON.stringify(config), createdAt: new Date().toISOString()
    })
    return Number(info.lastInsertRowid)
  }

  list(): ExperimentSummary[] { return (this.s.list.all() as Row[]).map(toSummary) }

  get(id: number): ExperimentSummary | undefined {
    const r = this.s.get.get(id) as Row | undefined
    return r && toSummary(r)
  }

  detail(id: number): ExperimentDetail | undefined {
    const summary = this.get(id)
    if (!summary) return undefined
    return {
      ...summary,
      epochs: this.s.epochs.all(id) as EpochPoint[],
      steps: this.s.steps.all(id) as StepPoint[]
    }
  }

  markStarted(id: number): void { this.s.start.run({ id, at: new Date().toISOString() }) }
  setStatus(id: number, status: ExperimentStatus): void { this.s.setStatus.run({ id, status }) }

  finish(id: number, status: ExperimentStatus, trainLoss: number | null, valLoss: number | null, error: string | null): void {
    this.s.finish.run({ id, status, at: new Date().toISOString(), trainLoss: num(trainLoss), valLoss: num(valLoss), error })
  }

  /** At start-up: runs left running by a crash or a kill become `interrupted`. Returns how many. */
  markInterrupted(): number { return this.s.interruptRunning.run().changes }

  /** One transaction per batch: the steps since the last write, and the epoch that just ended if any. */
  writeMetrics(id: number, steps: StepPoint[], epoch?: EpochPoint & { lr?: number; diagnostics?: unknown }): void {
    this.db.transaction(() => {
      for (const s of steps) this.s.step.run({ id, step: s.step, epoch: s.epoch, loss: num(s.loss) })
      if (epoch) {
        const trainLoss = num(epoch.trainLoss), valLoss = num(epoch.valLoss)
        this.s.epoch.run({
          id, epoch: epoch.epoch, trainLoss, valLoss, seconds: epoch.seconds, lr: num(epoch.lr),
          diagnostics: epoch.diagnostics === undefined ? null : JSON.stringify(epoch.diagnostics)
        })
        this.s.epochSummary.run({ id, epoch: epoch.epoch, trainLoss, valLoss })
      }
    })()
  }

  saveCheckpoint(id: number, kind: 'last' | 'best' | 'final', epoch: number, weights: unknown): void {
    this.s.checkpoint.run({ id, kind, epoch, weights: JSON.stringify(weights), at: new Date().toISOString() })
  }

  checkpoint(id: number, kind: 'last' | 'best' | 'final'): { epoch: number; weights: unknown } | undefined {
    const r = this.s.getCheckpoint.get(id, kind) as { epoch: number; weights_json: string } | undefined
    return r && { epoch: r.epoch, weights: JSON.parse(r.weights_json) }
  }
}
