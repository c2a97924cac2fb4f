// Opening the SQLite experiment store: pragmas set explicitly on every open, schema migrations by
// PRAGMA user_version (each in its own transaction), and a named error for a store from a newer version.
// Runtime: Node main process only (better-sqlite3).
import Database from 'better-sqlite3'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs'
import { StorageError } from '../../src-shared/errors'
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
  /** Open an existing store for reading only (read commands on a read-only folder); no migration, no mkdir. */
  readonly?: boolean
}

/** A new data folder and store are private to the user: another local user must not read the imported CSVs. */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  // SQLite creates the file 0644 (and gives -wal/-shm the store's own mode): create it 0600 first
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600))
}

/**
 * A WAL store in a folder that cannot be written opens read-only only while its -wal and -shm exist (SQLite must
 * create them otherwise). After a clean close they are gone and the file holds everything: read a copy of it.
 */
function openReadOnlyFile(file: string, binding: Database.Options): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...binding })
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    return db
  } catch (e) {
    db.close()
    if (existsSync(file + '-wal') && statSync(file + '-wal').size > 0) throw e
  }
  const bytes = readFileSync(file)
  bytes[18] = bytes[19] = 1 // the header's WAL marks (2, 2) → rollback journal: the copy lives in memory
  return new Database(bytes, binding)
}

function openReadOnly(file: string, opts: OpenOptions): Db {
  const db = openReadOnlyFile(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {})
  const list = opts.migrations ?? migrations
  const latest = list.length ? list[list.length - 1].version : 0
  const found = db.pragma('user_version', { simple: true }) as number
  if (found !== latest) {
    db.close()
    if (found > latest) throw new StoreTooNewError(file, found, latest)
    throw new StorageError(
      `The experiment store ${file} needs an upgrade to schema ${latest} (it has ${found}), which cannot be written in a read-only folder`
    )
  }
  db.pragma('busy_timeout = 5000')
  return db
}

/** Runs one migration in its own transaction; one that rebuilds a referenced table runs with foreign keys off. */
function migrate(db: Db, m: Migration): void {
  if (m.foreignKeysOff) db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      m.up(db)
      if (m.foreignKeysOff) {
        const broken = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]
        if (broken.length)
          throw new StorageError(
            `schema migration ${m.version} would break ${broken.length} reference(s), first ${broken[0].table} row ${broken[0].rowid} → ${broken[0].parent}; the store was left as it was`
          )
      }
      db.pragma(`user_version = ${m.version}`)
    })()
  } finally {
    if (m.foreignKeysOff) db.pragma('foreign_keys = ON')
  }
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (opts.readonly) return openReadOnly(file, opts)
  if (file !== ':memory:') createPrivately(file)
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
    for (const m of list) if (m.version > found) migrate(db, m)
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

export { LATEST_VERSION }
