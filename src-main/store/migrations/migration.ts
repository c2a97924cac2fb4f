// A schema migration: `up` brings a store of schema `version - 1` to `version`. It runs inside one transaction with
// PRAGMA user_version set after it, so it may read and transform rows, not only run SQL; it must keep the user's data.
import type Database from 'better-sqlite3'

export interface Migration {
  version: number
  up: (db: Database.Database) => void
  /**
   * Rebuilds a table other tables reference (create new, copy, drop, rename): foreign keys are switched off around
   * the transaction (the pragma does nothing inside one), and PRAGMA foreign_key_check must find no broken
   * reference before it commits.
   */
  foreignKeysOff?: boolean
}
