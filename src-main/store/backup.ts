// Backup and restore of the whole experiment store. Runtime: Node main process (better-sqlite3).
// backupStore copies a live store with SQLite's online backup API (better-sqlite3's db.backup), page
// batches interleaved with the app's own writes, so a run may keep training; the copy is written to a
// temporary name, checked and then renamed, so OUT is either a complete store or absent.
// restoreStore checks a file (integrity_check, schema version not newer than ours, the tables of its
// version) before atomically putting it in place of the store; the replaced store is kept next to it.
import Database from 'better-sqlite3'
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { migrations, type Migration } from './migrations/index'
import { STORE_FILE } from './index'
import type { Db } from './db'

export class BackupError extends Error {
  override name = 'BackupError'
}

export interface BackupReport {
  /** Absolute path of the copy. */
  path: string
  bytes: number
  userVersion: number
  /** Rows per table in the copy. */
  rows: Record<string, number>
  seconds: number
}

export interface BackupOptions {
  /** Replace an existing file at outPath (default: refuse). */
  overwrite?: boolean
  /**
   * Pages copied per step (default 256); between steps this connection's own writes go on (the copy
   * follows them). A write by ANOTHER connection restarts the copy, so a separate process (the CLI while
   * the app trains) should pass Infinity: one step, a consistent snapshot.
   */
  pagesPerStep?: number
  /** Called after each step. */
  onProgress?(p: { totalPages: number; remainingPages: number }): void
  nativeBinding?: string
}

export interface RestoreOptions {
  /** Runs this process is training (e.g. workbench.training.active); a restore is refused while > 0. */
  activeRuns?: number
  nativeBinding?: string
  /** Schema migrations this build knows (default: the app's). */
  migrations?: Migration[]
}

export interface RestoreReport {
  /** The store now in place. */
  path: string
  restoredFrom: string
  userVersion: number
  rows: Record<string, number>
  /** Where the replaced store was moved (null when there was none). */
  previous: string | null
}

const LIVE = "('running','queued','paused')"

const open = (file: string, options: Database.Options, nativeBinding?: string): Db =>
  new Database(file, nativeBinding ? { ...options, nativeBinding } : options)

function tables(db: Db): string[] {
  return (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  ).map((r) => r.name)
}

function rowCounts(db: Db): Record<string, number> {
  const rows: Record<string, number> = {}
  for (const t of tables(db))
    rows[t] = (db.prepare(`SELECT count(*) AS n FROM "${t.replaceAll('"', '""')}"`).get() as { n: number }).n
  return rows
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    /* not supported on every platform */
  }
}

/** Temporary copies (and their journals) that a killed backup to `out` left: those of processes that are gone. */
function removeStalePartials(out: string): void {
  const prefix = `.${basename(out)}.partial-`
  let names: string[]
  try {
    names = readdirSync(dirname(out))
  } catch {
    return
  }
  for (const name of names) {
    const pid = /^(\d+)(-journal|-wal|-shm)?$/.exec(name.slice(prefix.length))?.[1]
    if (name.startsWith(prefix) && pid && Number(pid) !== process.pid && !alive(Number(pid)))
      rmSync(join(dirname(out), name), { force: true })
  }
}

function removeSidecars(file: string): void {
  for (const s of ['-wal', '-shm', '-journal']) rmSync(file + s, { force: true })
}

/** One schema object as `sqlite_master` lists it; `sql` with its whitespace collapsed. */
interface SchemaObject {
  type: string
  name: string
  sql: string
}

function schemaOf(db: Db): SchemaObject[] {
  return (
    db
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
      .all() as { type: string; name: string; sql: string | null }[]
  ).map((r) => ({ type: r.type, name: r.name, sql: (r.sql ?? '').replace(/\s+/g, ' ').trim() }))
}

/** The schema a store of `version` has: the migrations up to it, applied to an empty database. */
export function expectedSchema(
  version: number,
  list: Migration[] = migrations,
  nativeBinding?: string
): SchemaObject[] {
  const mem = open(':memory:', {}, nativeBinding)
  try {
    for (const m of list) if (m.version <= version) m.up(mem)
    return schemaOf(mem)
  } finally {
    mem.close()
  }
}

/** The tables a store of schema `version` must hold. */
export function expectedTables(version: number, list: Migration[] = migrations, nativeBinding?: string): string[] {
  return expectedSchema(version, list, nativeBinding)
    .filter((o) => o.type === 'table')
    .map((o) => o.name)
}

/**
 * Compares a file's schema with the one its version must have: a missing table says it is not a store; an
 * extra or altered table, index, trigger or view (a trigger that deletes experiments, say) is refused, named.
 */
function checkSchema(file: string, db: Db, userVersion: number, list: Migration[], nativeBinding?: string): void {
  const want = expectedSchema(userVersion, list, nativeBinding)
  const have = schemaOf(db)
  const key = (o: SchemaObject) => `${o.type} ${o.name}`
  const wanted = new Map(want.map((o) => [key(o), o.sql]))
  const found = new Map(have.map((o) => [key(o), o.sql]))
  const missing = want.filter((o) => o.type === 'table' && !found.has(key(o))).map((o) => o.name)
  if (missing.length)
    throw new BackupError(
      `${file}: not an RNN Workbench store of schema ${userVersion}: missing table(s) ${missing.join(', ')}`
    )
  const extra = have.filter((o) => !wanted.has(key(o))).map(key)
  const altered = have.filter((o) => wanted.has(key(o)) && wanted.get(key(o)) !== o.sql).map(key)
  const gone = want.filter((o) => !found.has(key(o))).map(key)
  const problems = [
    extra.length ? `extra ${extra.join(', ')}` : '',
    altered.length ? `altered ${altered.join(', ')}` : '',
    gone.length ? `missing ${gone.join(', ')}` : ''
  ].filter(Boolean)
  if (problems.length)
    throw new BackupError(
      `${file}: its schema differs from an RNN Workbench store of schema ${userVersion} (${problems.join('; ')}); refusing to use it`
    )
}

/**
 * Checks a store file without changing it: integrity_check, a schema version this build understands
 * (1 … latest) and exactly the schema of that version (tables, indexes, triggers, views). Returns its version and row counts; throws BackupError
 * naming what is wrong.
 */
export function checkStoreFile(
  file: string,
  opts: { migrations?: Migration[]; nativeBinding?: string } = {}
): { userVersion: number; rows: Record<string, number> } {
  const list = opts.migrations ?? migrations
  const latest = list.length ? list[list.length - 1].version : 0
  if (!existsSync(file)) throw new BackupError(`${file}: no such file`)
  let db: Db
  try {
    db = open(file, { readonly: true, fileMustExist: true }, opts.nativeBinding)
  } catch (e) {
    throw new BackupError(`${file}: not an SQLite database (${(e as Error).message})`)
  }
  try {
    let integrity: string[]
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)
    } catch (e) {
      throw new BackupError(`${file}: not an RNN Workbench store (${(e as Error).message})`)
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok')
      throw new BackupError(`${file}: integrity_check failed: ${integrity.slice(0, 5).join('; ')}`)
    const userVersion = db.pragma('user_version', { simple: true }) as number
    if (userVersion > latest)
      throw new BackupError(
        `${file}: written by a newer RNN Workbench (schema ${userVersion}; this version understands up to ${latest})`
      )
    if (userVersion < 1) throw new BackupError(`${file}: not an RNN Workbench store (schema version 0)`)
    checkSchema(file, db, userVersion, list, opts.nativeBinding)
    return { userVersion, rows: rowCounts(db) }
  } finally {
    db.close()
  }
}

/**
 * Copies the open store `db` to `outPath` with SQLite's online backup, while the app keeps writing.
 * The result is a single self-contained file (rollback journal mode), checked before it is renamed
 * into place. Resolves with the copy's figures.
 */
export async function backupStore(db: Db, outPath: string, opts: BackupOptions = {}): Promise<BackupReport> {
  const t0 = performance.now()
  const out = resolve(outPath)
  const source = db.name === ':memory:' ? null : resolve(db.name)
  if (source && (out === source || out === `${source}-wal` || out === `${source}-shm`))
    throw new BackupError(`${outPath}: that is the store itself`)
  if (existsSync(out) && !opts.overwrite)
    throw new BackupError(`${outPath}: the file exists (choose another name, or overwrite)`)
  if (!existsSync(dirname(out))) throw new BackupError(`${outPath}: the folder ${dirname(out)} does not exist`)
  removeStalePartials(out)
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}`)
  removeSidecars(tmp)
  rmSync(tmp, { force: true })
  try {
    // Infinity: the whole file in one step (a consistent snapshot that another process's writes cannot restart)
    const want = opts.pagesPerStep ?? 256
    const step = Number.isFinite(want) ? Math.max(1, Math.floor(want)) : 2 ** 31 - 1
    await db.backup(tmp, {
      progress: (p) => {
        opts.onProgress?.(p)
        return step
      }
    })
    // A single file: no WAL next to the copy; then check it as restore would.
    const copy = open(tmp, { fileMustExist: true }, opts.nativeBinding)
    try {
      copy.pragma('journal_mode = DELETE')
    } finally {
      copy.close()
    }
    const { userVersion, rows } = checkStoreFile(tmp, { nativeBinding: opts.nativeBinding })
    chmodSync(tmp, 0o600) // a copy of every imported CSV: private like the store
    const fd = openSync(tmp, 'r+')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, out)
    fsyncDir(dirname(out))
    return { path: out, bytes: statSync(out).size, userVersion, rows, seconds: (performance.now() - t0) / 1000 }
  } catch (e) {
    rmSync(tmp, { force: true })
    removeSidecars(tmp)
    if (e instanceof BackupError) throw e
    const code = (e as { code?: string }).code
    throw new BackupError(`backup to ${outPath} failed${code ? ` (${code})` : ''}: ${(e as Error).message}`)
  }
}

/**
 * Replaces the store in `dataDir` with the checked copy `fromPath`. Call it with the store closed in this
 * process (the CLI opens none); it refuses while this process trains (`activeRuns`), while the current
 * store lists live runs of another live process, or while another program holds the store.
 * The replaced store is kept as `workbench.db.before-restore-<time>` next to it; a current store that is not
 * a readable database is set aside as `workbench.db.unreadable-<time>` (with its -wal/-shm).
 */
export function restoreStore(dataDir: string, fromPath: string, opts: RestoreOptions = {}): RestoreReport {
  if ((opts.activeRuns ?? 0) > 0)
    throw new BackupError(`restore: ${opts.activeRuns} run(s) are training; stop them first`)
  const from = resolve(fromPath)
  const target = resolve(dataDir, STORE_FILE)
  if (from === target) throw new BackupError(`${fromPath}: that is the store itself`)
  const checked = checkStoreFile(from, opts)

  // Stage a private copy next to the store (same file system, so the final rename is atomic).
  const stage = `${target}.restoring-${process.pid}`
  rmSync(stage, { force: true })
  removeSidecars(stage)
  try {
    const src = open(from, { readonly: true, fileMustExist: true }, opts.nativeBinding)
    try {
      src.prepare('VACUUM INTO ?').run(stage)
    } finally {
      src.close()
    }
    const { userVersion } = checkStoreFile(stage, opts)
    if (userVersion !== checked.userVersion)
      throw new BackupError(`restore: the staged copy has schema ${userVersion}, the file ${checked.userVersion}`)
  } catch (e) {
    rmSync(stage, { force: true })
    removeSidecars(stage)
    throw e
  }

  let previous: string | null = null
  try {
    if (existsSync(target)) {
      const readable = settleCurrentStore(target, opts.nativeBinding)
      const at = new Date().toISOString().replace(/[:.]/g, '-')
      previous = `${target}.${readable ? 'before-restore' : 'unreadable'}-${at}`
      renameSync(target, previous)
      // an unreadable store keeps its -wal/-shm next to it (they may be what recovers it)
      if (!readable) for (const x of ['-wal', '-shm']) if (existsSync(target + x)) renameSync(target + x, previous + x)
    }
    removeSidecars(target)
    renameSync(stage, target)
    fsyncDir(dirname(target))
  } catch (e) {
    rmSync(stage, { force: true })
    removeSidecars(stage)
    throw e
  }
  return { path: target, restoredFrom: from, userVersion: checked.userVersion, rows: checked.rows, previous }
}

/**
 * Before the current store is replaced: refuses while a live process trains in it, or another program has it
 * open; folds its WAL into the file. Returns false when it is not a readable database (it is set aside as is).
 * A run recorded with this process's id is not taken for this process's own (the caller has the store closed and
 * passes its own runs as activeRuns): with a fresh heartbeat it is another process that has the same id (a
 * CLI is pid 1 in every container), without one a leftover.
 */
function settleCurrentStore(target: string, nativeBinding?: string): boolean {
  let cur: Db
  try {
    cur = open(target, { fileMustExist: true }, nativeBinding)
  } catch {
    return false
  }
  try {
    cur.pragma('busy_timeout = 0')
    let live: { id: number; owner_pid: number | null; heartbeat_at: string | null }[]
    try {
      cur.prepare('SELECT count(*) FROM sqlite_master').get()
    } catch (e) {
      if (isUnreadable(e)) return false
      throw e
    }
    try {
      live = cur.prepare(`SELECT id, owner_pid, heartbeat_at FROM experiments WHERE status IN ${LIVE}`).all() as never
    } catch {
      live = []
    }
    const others = live.filter(
      (r) =>
        r.owner_pid != null &&
        r.heartbeat_at != null &&
        Date.now() - Date.parse(r.heartbeat_at) < 30_000 &&
        (r.owner_pid === process.pid || alive(r.owner_pid))
    )
    if (others.length)
      throw new BackupError(
        `restore: another RNN Workbench is training ${others.map((r) => `run ${r.id} (pid ${r.owner_pid})`).join(', ')} in this store; stop it first`
      )
    // Fold the WAL into the file; a reader or writer elsewhere makes this report busy.
    const [cp] = cur.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
    if (cp && cp.busy) throw new BackupError('restore: another program has the experiment store open; close it first')
    cur.pragma('journal_mode = DELETE')
    return true
  } catch (e) {
    const code = (e as { code?: string }).code ?? ''
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      throw new BackupError('restore: another program has the experiment store open; close it first')
    throw e
  } finally {
    cur.close()
  }
}

const isUnreadable = (e: unknown) => /^SQLITE_(NOTADB|CORRUPT)/.test((e as { code?: string }).code ?? '')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
