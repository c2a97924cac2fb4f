// Migration 3: validation metrics in the user's units per epoch (and the latest on the experiment), and the
// baselines a run is compared with, as JSON.
import type { Migration } from './migration'

const SQL = `
ALTER TABLE epochs ADD COLUMN val_metrics_json TEXT;
ALTER TABLE experiments ADD COLUMN val_metrics_json TEXT;
ALTER TABLE experiments ADD COLUMN baselines_json TEXT;
`

export const valMetrics: Migration = { version: 3, up: (db) => db.exec(SQL) }
