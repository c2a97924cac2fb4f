// Migration 4: how each dataset's CSV was read (delimiter, decimal comma, header row, missing-value words, column
// types), so that training, previews and predictions read the stored bytes the same way; '{}' = the defaults.
import type { Migration } from './migration'

const SQL = `
ALTER TABLE datasets ADD COLUMN options_json TEXT NOT NULL DEFAULT '{}';
`

export const importOptions: Migration = { version: 4, up: (db) => db.exec(SQL) }
