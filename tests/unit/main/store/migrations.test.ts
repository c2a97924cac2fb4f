// One test per migration: each brings a store written by the previous version forward, keeping its data.
import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { openDatabase } from '../../../../src-main/store/db'
import { LATEST_VERSION, migrations } from '../../../../src-main/store/migrations/index'
import { tempDir } from '../../../helpers/workbench'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})
function file(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return join(t.dir, 'w.db')
}
const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)

describe('migration 1 (initial schema)', () => {
  it('creates the STRICT tables from an empty file', () => {
    const db = openDatabase(file(), { migrations: migrations.slice(0, 1) })
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(columns(db, 'experiments')).toContain('config_json')
    expect(() =>
      db
        .prepare(
          "INSERT INTO datasets (name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at) VALUES ('a','a','x','not a number',x'00',1,'[]','[]','[]','t')"
        )
        .run()
    ).toThrow(/cannot store TEXT value in INTEGER column/)
    db.close()
  })
})

describe('page size', () => {
  it('a new store gets 16 KiB pages (checkpoints are blobs); an existing store keeps its own and opens as before', () => {
    const f = file()
    const db = openDatabase(f)
    expect(db.pragma('page_size', { simple: true })).toBe(16384)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
    // an existing store with 4 KiB pages, already migrated
    const g = file()
    const old = new Database(g)
    old.pragma('page_size = 4096')
    old.pragma('journal_mode = WAL')
    old.close()
    const v1 = openDatabase(g, { migrations: migrations.slice(0, 1) })
    v1.prepare(
      "INSERT INTO datasets (id, name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at) VALUES (1,'d','d.csv','x',1,x'00',1,'[]','[]','[]','t')"
    ).run()
    expect(v1.pragma('page_size', { simple: true })).toBe(4096)
    v1.close()
    const again = openDatabase(g)
    expect(again.pragma('page_size', { simple: true })).toBe(4096)
    expect((again.prepare('SELECT name FROM datasets').get() as { name: string }).name).toBe('d')
    again.close()
  })
})

const DATASET_SQL =
  "INSERT INTO datasets (id, name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at) VALUES (1,'d','d.csv','x',1,x'00',1,'[]','[]','[]','t')"

/** A schema-1 store with a dataset, two experiments, their epochs and steps, and schema-1 checkpoints of one. */
function schema1Store(): string {
  const f = file()
  const v1 = openDatabase(f, { migrations: migrations.slice(0, 1) })
  v1.prepare(DATASET_SQL).run()
  for (const id of [1, 2])
    v1.prepare(
      "INSERT INTO experiments (id, dataset_id, name, status, config_json, created_at, epochs_done, train_loss, val_loss) VALUES (?, 1, ?, 'completed', '{\"seed\":1}', 't', 2, 0.25, 0.5)"
    ).run(id, `e${id}`)
  for (const epoch of [1, 2])
    v1.prepare(
      'INSERT INTO epochs (experiment_id, epoch, train_loss, val_loss, seconds) VALUES (1, ?, 0.5, 0.6, 1)'
    ).run(epoch)
  v1.prepare('INSERT INTO steps (experiment_id, step, epoch, loss) VALUES (1, 1, 1, 0.7)').run()
  for (const kind of ['final', 'last'])
    v1.prepare(
      "INSERT INTO checkpoints (experiment_id, kind, epoch, weights_json, created_at) VALUES (1, ?, 2, '{}', 't')"
    ).run(kind)
  v1.close()
  return f
}

describe('migrations from schema 1 to the latest', () => {
  it('keep every dataset, experiment, epoch and step of the store', () => {
    const f = schema1Store()
    const before = new Database(f)
    const rows = (db: Database.Database) =>
      ['datasets', 'experiments', 'epochs', 'steps'].map((t) =>
        db
          .prepare(`SELECT * FROM ${t} ORDER BY rowid`)
          .all()
          .map((r) => {
            const { id, name, status, config_json, epoch, loss, train_loss, val_loss, sha256, bytes_gz } = r as Record<
              string,
              unknown
            >
            return { id, name, status, config_json, epoch, loss, train_loss, val_loss, sha256, bytes_gz }
          })
      )
    const old = rows(before)
    before.close()
    const db = openDatabase(f)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
    expect(rows(db)).toEqual(old)
    expect(old.map((t) => t.length)).toEqual([1, 2, 2, 1])
    db.close()
  })

  it('record the schema-1 checkpoints migration 2 cannot carry over as an event of their experiment', () => {
    const db = openDatabase(schema1Store(), { migrations: migrations.slice(0, 2) })
    expect(db.prepare('SELECT count(*) AS n FROM checkpoints').get()).toEqual({ n: 0 })
    const events = db.prepare('SELECT experiment_id, kind, detail_json FROM events').all() as {
      experiment_id: number
      kind: string
      detail_json: string
    }[]
    expect(events.map((e) => [e.experiment_id, e.kind])).toEqual([[1, 'checkpoints-dropped']])
    expect(JSON.parse(events[0].detail_json).kinds).toEqual(['final', 'last'])
    db.close()
  })
})

describe('migration 2 (lifecycle)', () => {
  it('upgrades a version-1 store with data, keeping its experiments and metrics', () => {
    const f = file()
    const v1 = openDatabase(f, { migrations: migrations.slice(0, 1) })
    v1.prepare(
      "INSERT INTO datasets (id, name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at) VALUES (1,'d','d.csv','x',1,x'00',1,'[]','[]','[]','t')"
    ).run()
    v1.prepare(
      "INSERT INTO experiments (id, dataset_id, name, status, config_json, created_at, train_loss) VALUES (1, 1, 'e', 'completed', '{}', 't', 0.5)"
    ).run()
    v1.prepare(
      'INSERT INTO epochs (experiment_id, epoch, train_loss, val_loss, seconds) VALUES (1, 1, 0.5, 0.6, 1)'
    ).run()
    v1.close()
    const db = openDatabase(f, { migrations: migrations.slice(0, 2) })
    expect(db.pragma('user_version', { simple: true })).toBe(2)
    expect(
      db.prepare('SELECT name, status, train_loss, notes, tags_json, train_seconds FROM experiments').get()
    ).toEqual({ name: 'e', status: 'completed', train_loss: 0.5, notes: '', tags_json: '[]', train_seconds: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM epochs').get()).toEqual({ n: 1 })
    expect(columns(db, 'checkpoints')).toEqual(['experiment_id', 'kind', 'epoch', 'state', 'created_at'])
    expect(columns(db, 'events')).toEqual(['id', 'experiment_id', 'at', 'kind', 'detail_json'])
    expect(() => db.prepare("UPDATE experiments SET control = 'explode' WHERE id = 1").run()).toThrow(
      /CHECK constraint/
    )
    db.close()
  })
})

describe('migration 3 (validation metrics)', () => {
  it('adds the metrics and baselines columns to a version-2 store, keeping its epochs', () => {
    const f = file()
    const v2 = openDatabase(f, { migrations: migrations.slice(0, 2) })
    v2.prepare(
      "INSERT INTO datasets (id, name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at) VALUES (1,'d','d.csv','x',1,x'00',1,'[]','[]','[]','t')"
    ).run()
    v2.prepare(
      "INSERT INTO experiments (id, dataset_id, name, status, config_json, created_at) VALUES (1, 1, 'e', 'completed', '{}', 't')"
    ).run()
    v2.prepare(
      'INSERT INTO epochs (experiment_id, epoch, train_loss, val_loss, seconds) VALUES (1, 1, 0.5, 0.6, 1)'
    ).run()
    v2.close()
    const db = openDatabase(f, { migrations: migrations.slice(0, 3) })
    expect(db.pragma('user_version', { simple: true })).toBe(3)
    expect(db.prepare('SELECT val_loss, val_metrics_json FROM epochs').get()).toEqual({
      val_loss: 0.6,
      val_metrics_json: null
    })
    expect(columns(db, 'experiments')).toEqual(expect.arrayContaining(['val_metrics_json', 'baselines_json']))
    db.close()
  })
})

describe('migration 4 (import options)', () => {
  it('adds the datasets’ import options to a version-3 store: its datasets read with the defaults', () => {
    const f = file()
    const v3 = openDatabase(f, { migrations: migrations.slice(0, 3) })
    v3.prepare(DATASET_SQL).run()
    v3.close()
    const db = openDatabase(f, { migrations: migrations.slice(0, 4) })
    expect(db.pragma('user_version', { simple: true })).toBe(4)
    expect(db.prepare('SELECT name, options_json FROM datasets').get()).toEqual({ name: 'd', options_json: '{}' })
    db.close()
  })
})

/** A schema-4 store: experiments 1, 2 and 7 (3–6 deleted), each with an epoch, a step, an event and a checkpoint. */
function schema4Store(): string {
  const f = file()
  const v4 = openDatabase(f, { migrations: migrations.slice(0, 4) })
  v4.prepare(DATASET_SQL).run()
  for (const id of [1, 2, 7]) {
    v4.prepare(
      "INSERT INTO experiments (id, dataset_id, name, status, config_json, created_at, notes, tags_json, group_id, val_metrics_json) VALUES (?, 1, ?, 'completed', '{}', 't', 'n', '[\"x\"]', 1, '{\"rmse\":1}')"
    ).run(id, `e${id}`)
    v4.prepare('INSERT INTO epochs (experiment_id, epoch, seconds, diagnostics_json) VALUES (?, 1, 1, ?)').run(id, '{}')
    v4.prepare('INSERT INTO steps (experiment_id, step, epoch, loss) VALUES (?, 1, 1, 0.5)').run(id)
    v4.prepare("INSERT INTO events (experiment_id, at, kind) VALUES (?, 't', 'started')").run(id)
    v4.prepare(
      "INSERT INTO checkpoints (experiment_id, kind, epoch, state, created_at) VALUES (?, 'last', 1, x'01', 't')"
    ).run(id)
  }
  v4.close()
  return f
}

describe('migration 5 (experiment ids never reused)', () => {
  const tables = ['experiments', 'epochs', 'steps', 'events', 'checkpoints']
  const dump = (db: Database.Database) => tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all())

  it('rebuilds experiments with AUTOINCREMENT, keeping every row, id and reference of a version-4 store', () => {
    const f = schema4Store()
    const before = new Database(f)
    const old = dump(before)
    before.close()
    const db = openDatabase(f, { migrations: migrations.slice(0, 5) })
    expect(db.pragma('user_version', { simple: true })).toBe(5)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(dump(db)).toEqual(old)
    expect(old[0].map((r) => (r as { id: number }).id)).toEqual([1, 2, 7])
    expect(db.pragma('foreign_key_check')).toEqual([])
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'experiments'").all()
    ).toEqual([{ name: 'experiments_dataset' }])
    // the references still cascade, and a deleted id (the largest) is not handed out again
    db.prepare('DELETE FROM experiments WHERE id = 7').run()
    expect(tables.slice(1).map((t) => db.prepare(`SELECT count(*) AS n FROM ${t}`).get())).toEqual(
      Array(4).fill({ n: 2 })
    )
    const next = db
      .prepare(
        "INSERT INTO experiments (dataset_id, name, status, config_json, created_at) VALUES (1, 'n', 'draft', '{}', 't')"
      )
      .run().lastInsertRowid
    expect(next).toBe(8)
    expect(() =>
      db
        .prepare(
          "INSERT INTO experiments (dataset_id, name, status, config_json, created_at) VALUES (2, 'n', 'draft', '{}', 't')"
        )
        .run()
    ).toThrow(/FOREIGN KEY constraint failed/)
    db.close()
  })

  it('leaves a store whose references are already broken as it was, naming the broken row', () => {
    const f = schema4Store()
    const raw = new Database(f)
    raw.pragma('foreign_keys = OFF')
    raw.prepare('INSERT INTO steps (experiment_id, step, epoch, loss) VALUES (42, 1, 1, 0.5)').run()
    raw.close()
    expect(() => openDatabase(f, { migrations: migrations.slice(0, 5) })).toThrow(
      /would break 1 reference\(s\), first steps/
    )
    const after = new Database(f)
    expect(after.pragma('user_version', { simple: true })).toBe(4)
    expect(after.prepare("SELECT sql FROM sqlite_master WHERE name = 'experiments'").get()).not.toMatchObject({
      sql: expect.stringContaining('AUTOINCREMENT')
    })
    after.close()
  })
})

describe('migration 6 (settings)', () => {
  it('adds an empty settings table to a version-5 store, keeping its datasets', () => {
    const f = file()
    const v5 = openDatabase(f, { migrations: migrations.slice(0, 5) })
    v5.prepare(DATASET_SQL).run()
    v5.close()
    const db = openDatabase(f, { migrations: migrations.slice(0, 6) })
    expect(db.pragma('user_version', { simple: true })).toBe(6)
    expect(db.prepare('SELECT name FROM datasets').get()).toEqual({ name: 'd' })
    expect(db.prepare('SELECT COUNT(*) AS n FROM settings').get()).toEqual({ n: 0 })
    db.close()
  })
})
