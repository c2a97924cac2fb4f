// Migration 5: experiment ids are never reused. Without AUTOINCREMENT SQLite hands a deleted experiment's id (the
// largest) to the next one, and whatever still names it — an `exports/experiment-<id>/` folder, a comparison the user
// noted down — would describe another run. SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt
// (with foreign keys off, see Migration.foreignKeysOff) with the same columns in the same order, rows and ids.
// sqlite_sequence starts at the largest id in use; an id deleted before this migration and still named by an export
// folder is kept from coming back by the store's opening (exported-ids.ts).
import type { Migration } from './migration'

const SQL = `
CREATE TABLE experiments_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE RESTRICT,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','queued','running','paused','completed','stopped','failed','interrupted')),
  config_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  epochs_done INTEGER NOT NULL DEFAULT 0,
  train_loss REAL,
  val_loss REAL,
  error TEXT,
  notes TEXT NOT NULL DEFAULT '',
  tags_json TEXT NOT NULL DEFAULT '[]',
  group_id INTEGER,
  train_seconds REAL NOT NULL DEFAULT 0,
  best_val_loss REAL,
  seq_per_s REAL,
  owner_pid INTEGER,
  heartbeat_at TEXT,
  control TEXT CHECK (control IN ('pause','resume','stop')),
  val_metrics_json TEXT,
  baselines_json TEXT
) STRICT;
INSERT INTO experiments_new SELECT id, dataset_id, name, status, config_json, created_at, started_at, finished_at,
  epochs_done, train_loss, val_loss, error, notes, tags_json, group_id, train_seconds, best_val_loss, seq_per_s,
  owner_pid, heartbeat_at, control, val_metrics_json, baselines_json FROM experiments;
DROP TABLE experiments;
ALTER TABLE experiments_new RENAME TO experiments;
CREATE INDEX experiments_dataset ON experiments(dataset_id);
`

export const experimentIds: Migration = { version: 5, foreignKeysOff: true, up: (db) => db.exec(SQL) }
