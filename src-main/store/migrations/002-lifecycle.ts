// Migration 2: the experiment lifecycle — notes, tags, seed groups, timing, the owning process and
// cross-process control requests; an events log (pause, resume, edits, clipping, NaN); checkpoints become
// full training states (weights, optimizer, RNG, data position) stored as one BLOB; 'final' holds the trained
// model (weights, normalisation, shapes).
//
// A schema-1 checkpoint held only the first trainer's weights as JSON: no optimizer state, RNG or data
// position to resume from, and no model shapes, mapping or vocabularies to predict with, so it cannot become
// either kind of schema-2 checkpoint and is not carried over. What is kept: every experiment, its metrics, and
// one 'checkpoints-dropped' event naming the kinds it had, so the run shows why it has no model (retrain it).
import type Database from 'better-sqlite3'
import type { Migration } from './migration'

const LIFECYCLE = `
ALTER TABLE experiments ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE experiments ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE experiments ADD COLUMN group_id INTEGER;
ALTER TABLE experiments ADD COLUMN train_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE experiments ADD COLUMN best_val_loss REAL;
ALTER TABLE experiments ADD COLUMN seq_per_s REAL;
-- which process trains the run, when it last showed life, and a control request from another process
ALTER TABLE experiments ADD COLUMN owner_pid INTEGER;
ALTER TABLE experiments ADD COLUMN heartbeat_at TEXT;
ALTER TABLE experiments ADD COLUMN control TEXT CHECK (control IN ('pause','resume','stop'));

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail_json TEXT
) STRICT;
CREATE INDEX events_experiment ON events(experiment_id, id);
`

const CHECKPOINTS = `
DROP TABLE checkpoints;
CREATE TABLE checkpoints (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('last','best','final')),
  epoch INTEGER NOT NULL,
  state BLOB NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (experiment_id, kind)
) STRICT;
`

/** Records on each experiment which schema-1 checkpoints it loses (see above). */
function noteDroppedCheckpoints(db: Database.Database): void {
  const rows = db.prepare('SELECT experiment_id AS id, kind FROM checkpoints ORDER BY experiment_id, kind').all() as {
    id: number
    kind: string
  }[]
  const kinds = new Map<number, string[]>()
  for (const r of rows) kinds.set(r.id, [...(kinds.get(r.id) ?? []), r.kind])
  const insert = db.prepare(
    "INSERT INTO events (experiment_id, at, kind, detail_json) VALUES (?, ?, 'checkpoints-dropped', ?)"
  )
  const at = new Date().toISOString()
  const reason = 'checkpoints of schema 1 hold weights only (no training state, no model shapes); retrain the run'
  for (const [id, k] of kinds) insert.run(id, at, JSON.stringify({ kinds: k, reason }))
}

export const lifecycle: Migration = {
  version: 2,
  up: (db) => {
    db.exec(LIFECYCLE)
    noteDroppedCheckpoints(db)
    db.exec(CHECKPOINTS)
  }
}
