// Migration 7: probe heatmaps leave the epochs' diagnostics JSON for their own table, as float32 bytes, kept only for
// the epochs src-shared/probe-retention.ts keeps (a log-spaced set and the newest, a few MB per run): a store that
// recorded one heatmap a second (up to 0.8 GB per hour of training) shrinks to that; the other diagnostics of every
// epoch stay as they were.
import type Database from 'better-sqlite3'
import type { Migration } from './migration'
import { ProbesRepo } from '../probes'

const SQL = `
CREATE TABLE probes (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  gates INTEGER NOT NULL,
  steps INTEGER NOT NULL,
  units INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (experiment_id, epoch)
) STRICT;
`

function moveProbes(db: Database.Database): void {
  const probes = new ProbesRepo(db)
  const keys = db
    .prepare(
      "SELECT experiment_id AS id, epoch FROM epochs WHERE json_type(diagnostics_json, '$.probe') = 'object' ORDER BY 1, 2"
    )
    .all() as { id: number; epoch: number }[]
  const read = db.prepare('SELECT diagnostics_json AS json FROM epochs WHERE experiment_id = ? AND epoch = ?')
  const write = db.prepare('UPDATE epochs SET diagnostics_json = ? WHERE experiment_id = ? AND epoch = ?')
  for (const { id, epoch } of keys) {
    const { probe, ...rest } = JSON.parse((read.get(id, epoch) as { json: string }).json) as { probe?: unknown }
    probes.put(id, epoch, probe)
    write.run(JSON.stringify(rest), id, epoch)
    probes.compact(id) // as training would have, epoch by epoch
  }
}

export const probes: Migration = {
  version: 7,
  up: (db) => {
    db.exec(SQL)
    moveProbes(db)
  }
}
