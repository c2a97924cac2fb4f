// Backup and restore of the whole experiment store. Runtime: Node main process (better-sqlite3).
// backupStore copies a live store with SQLite's online backup API (better-sqlite3's db.backup), page
// batches interleaved with the app's own writes, so a run may keep training; the copy is written to a
// temporary name, checked and then renamed, so OUT is either a complete store or absent.
// restoreStore checks a file (integrity_check, schema version not newer than ours, the tables of its
// version) before atomically putting it in place of the store; the replaced store is kept next to it.
import Database from 'better-sqlite3'
import { existsSync, openSync, fsyncSync, closeSync, renameSync, rmSync, statSync } from 'node:fs'
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

function removeSidecars(file: string): void {
  for (const s of ['-wal', '-shm', '-journal']) rmSync(file + s, { force: true })
}

/** The tables a store of schema `version` must hold: the migrations up to it, applied to an empty database. */
export function expectedTables(version: number, list: Migration[] = migrations, nativeBinding?: string): string[] {
  const mem = open(':memory:', {}, nativeBinding)
  try {
    for (const m of list) if (m.version <= version) m.up(mem)
    return tables(mem)
  } finally {
    mem.close()
  }
}

/**
 * Checks a store file without changing it: integrity_check, a schema version this build understands
 * (1 … latest) and the tables of that version. Returns its version and row counts; throws BackupError
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
    const have = new Set(tables(db))
    const missing = expectedTables(userVersion, list, opts.nativeBinding).filter((t) => !have.has(t))
    if (missing.length)
      throw new BackupError(
        `${file}: not an RNN Workbench store of schema ${userVersion}: missing table(s) ${missing.join(', ')}`
      )
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
 * store lists live runs of this or another live process, or while another program holds the store.
 * The replaced store is kept as `workbench.db.before-restore-<time>` next to it.
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
      const cur = open(target, { fileMustExist: true }, opts.nativeBinding)
      try {
        cur.pragma('busy_timeout = 0')
        const live = (() => {
          try {
            return cur.prepare(`SELECT id, owner_pid, heartbeat_at FROM experiments WHERE status IN ${LIVE}`).all() as {
              id: number
              owner_pid: number | null
              heartbeat_at: string | null
            }[]
          } catch {
            return []
          }
        })()
        const mine = live.filter((r) => r.owner_pid === process.pid)
        if (mine.length)
          throw new BackupError(
            `restore: run(s) ${mine.map((r) => r.id).join(', ')} of this process are training; stop them first`
          )
        const others = live.filter(
          (r) =>
            r.owner_pid != null &&
            r.heartbeat_at != null &&
            Date.now() - Date.parse(r.heartbeat_at) < 30_000 &&
            alive(r.owner_pid)
        )
        if (others.length)
          throw new BackupError(
            `restore: another RNN Workbench (pid ${others[0].owner_pid}) is training run(s) ${others.map((r) => r.id).join(', ')} in this store; stop it first`
          )
        // Fold the WAL into the file; a reader or writer elsewhere makes this report busy.
        const [cp] = cur.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
        if (cp && cp.busy)
          throw new BackupError('restore: another program has the experiment store open; close it first')
        cur.pragma('journal_mode = DELETE')
      } catch (e) {
        const code = (e as { code?: string }).code ?? ''
        if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
          throw new BackupError('restore: another program has the experiment store open; close it first')
        throw e
      } finally {
        cur.close()
      }
      previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
      renameSync(target, previous)
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

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
