// Migration 2: the experiment lifecycle — notes, tags, seed groups, timing, the owning process and
// cross-process control requests; an events log (pause,
// resume, edits, clipping, NaN); checkpoints become full training states (weights, optimizer, RNG,
// data position) stored as one BLOB; 'final' holds the trained model (weights, normalisation, shapes).
export const up = `
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
