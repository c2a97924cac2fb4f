// Migration 1: datasets (with the original bytes, gzip), experiments, per-epoch and per-step metrics,
// checkpoints (model weights). STRICT tables; metrics cascade with their experiment.
import type { Migration } from './migration'

const SQL = `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  byte_length INTEGER NOT NULL,
  bytes_gz BLOB NOT NULL,
  rows INTEGER NOT NULL,
  columns_json TEXT NOT NULL,
  preview_json TEXT NOT NULL,
  warnings_json TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE experiments (
  id INTEGER PRIMARY KEY,
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
  error TEXT
) STRICT;
CREATE INDEX experiments_dataset ON experiments(dataset_id);

CREATE TABLE epochs (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  train_loss REAL,
  val_loss REAL,
  seconds REAL NOT NULL,
  lr REAL,
  diagnostics_json TEXT,
  PRIMARY KEY (experiment_id, epoch)
) STRICT;

CREATE TABLE steps (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  loss REAL,
  PRIMARY KEY (experiment_id, step)
) STRICT;

CREATE TABLE checkpoints (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('last','best','final')),
  epoch INTEGER NOT NULL,
  weights_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (experiment_id, kind)
) STRICT;
`

export const initial: Migration = { version: 1, up: (db) => db.exec(SQL) }
