// Opening the SQLite experiment store: pragmas set explicitly on every open, schema migrations by
// PRAGMA user_version (each in its own transaction), and a named error for a store from a newer version.
// Runtime: Node main process only (better-sqlite3).
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { LATEST_VERSION, migrations, type Migration } from './migrations/index'

export type Db = Database.Database

export class StoreTooNewError extends Error {
  override name = 'StoreTooNewError'
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number
  ) {
    super(
      `The experiment store ${file} was written by a newer RNN Workbench (schema ${found}; this version understands up to ${supported}). It was left untouched.`
    )
  }
}

export interface OpenOptions {
  /** Path to a better-sqlite3 native addon built for this runtime (Electron uses its own build). */
  nativeBinding?: string
  migrations?: Migration[]
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {})
  try {
    db.pragma('busy_timeout = 5000')
    const list = opts.migrations ?? migrations
    const latest = list.length ? list[list.length - 1].version : 0
    const found = db.pragma('user_version', { simple: true }) as number
    if (found > latest) throw new StoreTooNewError(file, found, latest)
    // A new store gets 16 KiB pages (an existing one keeps its own): it is mostly blobs — checkpoints of the
    // weights and both optimizer moments, the datasets' bytes — and a 2 MB checkpoint written as 128 pages
    // instead of 512 costs main about half the time (46 % less in a WAL micro-benchmark), and the WAL's
    // automatic checkpoint every 1000 pages comes every 16 MB. It only applies before the first table exists.
    if (found === 0) db.pragma('page_size = 16384')
    if (file !== ':memory:') db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    for (const m of list) {
      if (m.version <= found) continue
      db.transaction(() => {
        m.up(db)
        db.pragma(`user_version = ${m.version}`)
      })()
    }
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

export { LATEST_VERSION }
