// Migration 6: a table of the app's own settings by key (JSON values), e.g. the engine's time calibration, which is
// measured once per engine path and kept across launches.
import type { Migration } from './migration'

const SQL = `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`

export const settings: Migration = { version: 6, up: (db) => db.exec(SQL) }
