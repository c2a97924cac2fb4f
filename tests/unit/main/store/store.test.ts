import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { openDatabase, StoreTooNewError } from '../../../../src-main/store/db'
import { Store, STORE_FILE } from '../../../../src-main/store/index'
import { LATEST_VERSION } from '../../../../src-main/store/migrations/index'
import { storeErrorMessage } from '../../../../src-main/store/errors'
import { experimentConfig } from '../../../../src-shared/contract'
import { tempDir } from '../../../helpers/workbench'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})
function dir(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}

const dataset = {
  name: 'co2',
  fileName: 'co2.csv',
  sha256: 'ab'.repeat(32),
  byteLength: 10,
  bytesGz: new Uint8Array([1, 2, 3]),
  rows: 5,
  columns: [{ name: 'x', type: 'numeric' as const, missing: 0, distinct: 5, min: 1, max: 5, mean: 3 }],
  preview: [['1'], ['2']],
  warnings: []
}
const config = experimentConfig.parse({
  mapping: 'many-to-one' as const,
  target: 'x',
  inputs: [],
  window: 3,
  valFraction: 0.2,
  model: { cell: 'lstm' as const, hiddenSize: 4, numLayers: 1 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 2,
  batchSize: 8,
  seed: 1,
  clipNorm: 1
})

describe('store', () => {
  it('migrates a new file to the latest schema with WAL, foreign keys and explicit synchronous', () => {
    const d = dir()
    const db = openDatabase(join(d, STORE_FILE))
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as {
      name: string
      sql: string
    }[]
    expect(tables.map((t) => t.name).sort()).toEqual([
      'checkpoints',
      'datasets',
      'epochs',
      'events',
      'experiments',
      'probes',
      'settings',
      'sqlite_sequence',
      'steps'
    ])
    for (const t of tables) if (t.name !== 'sqlite_sequence') expect(t.sql).toMatch(/STRICT$/)
    db.close()
  })

  it('keeps datasets, experiments and metrics across a reopen', () => {
    const d = dir()
    let s = Store.open(d)
    const ds = s.datasets.insert(dataset)
    const ex = s.experiments.create(ds, 'run', config)
    s.experiments.markStarted(ex)
    s.experiments.writeMetrics(
      ex,
      [
        { step: 1, epoch: 1, loss: 0.5 },
        { step: 2, epoch: 1, loss: NaN }
      ],
      { epoch: 1, trainLoss: 0.4, valLoss: 0.6, seconds: 0.1 }
    )
    s.experiments.finish(ex, 'completed', null)
    s.close()
    s = Store.open(d)
    const detail = s.experiments.detail(ex)!
    expect(detail.status).toBe('completed')
    expect(detail.config).toEqual(config)
    expect(detail.steps).toEqual([
      { step: 1, epoch: 1, loss: 0.5 },
      { step: 2, epoch: 1, loss: null }
    ])
    expect(detail.epochs).toEqual([{ epoch: 1, trainLoss: 0.4, valLoss: 0.6, seconds: 0.1 }])
    expect([...s.datasets.bytesGz(ds)!]).toEqual([1, 2, 3])
    s.close()
  })

  it('marks runs left running as interrupted when reopened', () => {
    const d = dir()
    let s = Store.open(d)
    const ex = s.experiments.create(s.datasets.insert(dataset), 'run', config)
    s.experiments.markStarted(ex)
    s.close()
    s = Store.open(d)
    expect(s.experiments.markInterrupted()).toEqual([ex])
    expect(s.experiments.get(ex)!.status).toBe('interrupted')
    s.close()
  })

  it('never hands out an id an export folder names: the next id is above the largest exports/experiment-<id>', () => {
    const d = dir()
    let s = Store.open(d)
    const ds = s.datasets.insert(dataset)
    expect(s.experiments.create(ds, 'run', config)).toBe(1)
    s.close()
    // a run deleted before ids were counted left its exports behind; other names are not ids
    for (const name of ['experiment-41', 'experiment-9', 'experiment-x', 'experiment-07', 'notes'])
      mkdirSync(join(d, 'exports', name), { recursive: true })
    s = Store.open(d)
    expect(s.experiments.create(ds, 'next', config)).toBe(42)
    s.close()
    s = Store.open(d) // opening again changes nothing
    expect(s.experiments.create(ds, 'after', config)).toBe(43)
    s.close()
  })

  it('refuses an experiment for a dataset that does not exist (foreign keys on)', () => {
    const s = Store.open(dir())
    expect(() => s.experiments.create(999, 'x', config)).toThrow(/FOREIGN KEY/)
    s.close()
  })

  it('empties the WAL when a run ends, so an open store does not keep a run’s checkpoint traffic', () => {
    const d = dir()
    const s = Store.open(d)
    const ex = s.experiments.create(s.datasets.insert(dataset), 'run', config)
    s.experiments.markStarted(ex)
    const state = new Uint8Array(1 << 20).fill(7)
    for (let e = 1; e <= 3; e++)
      s.experiments.writeMetrics(ex, [], { epoch: e, trainLoss: 1, valLoss: 1, seconds: 1 }, [
        { kind: 'last', epoch: e, bytes: state }
      ])
    const wal = join(d, STORE_FILE + '-wal')
    expect(statSync(wal).size).toBeGreaterThan(3 << 20)
    s.experiments.finish(ex, 'completed', null)
    expect(statSync(wal).size).toBe(0)
    expect(s.db.prepare('SELECT epoch, length(state) AS n FROM checkpoints').get()).toEqual({ epoch: 3, n: 1 << 20 })
    s.close()
  })

  it('never reuses an experiment id: create, delete, create gives a new id', () => {
    const s = Store.open(dir())
    const ds = s.datasets.insert(dataset)
    const first = s.experiments.create(ds, 'a', config)
    const second = s.experiments.create(ds, 'b', config)
    expect(s.experiments.delete(second)).toBe(true)
    const third = s.experiments.create(ds, 'c', config)
    expect(third).toBe(second + 1)
    expect(s.experiments.delete(third)).toBe(true)
    expect(s.experiments.delete(first)).toBe(true)
    expect(s.experiments.create(ds, 'd', config)).toBe(third + 1)
    s.close()
  })

  it('refuses a store from a newer version with a named error and leaves it untouched', () => {
    const d = dir()
    const file = join(d, STORE_FILE)
    const raw = new Database(file)
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`)
    raw.close()
    const before = readFileSync(file)
    expect(() => openDatabase(file)).toThrow(StoreTooNewError)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('rolls back a failing migration entirely', () => {
    const d = dir()
    const file = join(d, 'm.db')
    const bad = [
      {
        version: 1,
        up: (db: Database.Database) => db.exec('CREATE TABLE a (x INTEGER) STRICT; CREATE TABLE a (y INTEGER) STRICT;')
      }
    ]
    expect(() => openDatabase(file, { migrations: bad })).toThrow()
    const db = new Database(file)
    expect(db.pragma('user_version', { simple: true })).toBe(0)
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'a'").get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('store faults', () => {
  it('a full disk rolls the whole metrics batch back and leaves the store intact', () => {
    const d = dir()
    const s = Store.open(d)
    const ex = s.experiments.create(s.datasets.insert(dataset), 'run', config)
    s.experiments.writeMetrics(ex, [{ step: 1, epoch: 1, loss: 0.5 }], {
      epoch: 1,
      trainLoss: 0.4,
      valLoss: 0.6,
      seconds: 0.1
    })
    const pages = s.db.pragma('page_count', { simple: true }) as number
    s.db.pragma(`max_page_count = ${pages}`) // the "disk" is now full
    const big = { weights: new Float32Array(200_000) }
    let err: unknown
    try {
      s.experiments.writeMetrics(
        ex,
        [{ step: 2, epoch: 2, loss: 0.3 }],
        { epoch: 2, trainLoss: 0.3, valLoss: 0.5, seconds: 0.1 },
        [{ kind: 'last', epoch: 2, state: big }]
      )
    } catch (e) {
      err = e
    }
    expect((err as { code?: string }).code).toBe('SQLITE_FULL')
    expect(storeErrorMessage(err)).toMatch(/^the disk holding the experiment store is full/)
    const detail = s.experiments.detail(ex)!
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1])
    expect(detail.steps.map((x) => x.step)).toEqual([1])
    expect(s.experiments.checkpoint(ex, 'last')).toBeUndefined()
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok')
    s.close()
  })
})

describe('validation metrics and baselines in the store', () => {
  it('keeps per-epoch metrics, the final ones with novelty, the baselines and the verdict', () => {
    const s = Store.open(dir())
    const ex = s.experiments.create(s.datasets.insert(dataset), 'run', config)
    s.experiments.markStarted(ex)
    s.experiments.setBaselines(ex, { persistence: { rmse: 1, mae: 0.5, loss: 0.2 } })
    s.experiments.writeMetrics(
      ex,
      [],
      [
        { epoch: 1, trainLoss: 0.4, valLoss: 0.6, seconds: 0.1, valMetrics: { rmse: 2, mae: 1 } },
        { epoch: 2, trainLoss: 0.3, valLoss: 0.5, seconds: 0.1, valMetrics: { rmse: 0.8, mae: NaN } }
      ]
    )
    const d = s.experiments.detail(ex)!
    expect(d.epochs.map((e) => e.valMetrics)).toEqual([{ rmse: 2, mae: 1 }, { rmse: 0.8 }])
    expect(d.valMetrics).toEqual({ rmse: 0.8 })
    expect(d.verdict).toBe('beats its best baseline, persistence: RMSE 0.800 vs 1.00')
    s.experiments.setFinalMetrics(ex, { novelty: 0.9 })
    expect(s.experiments.get(ex)!.valMetrics).toEqual({ rmse: 0.8, novelty: 0.9 })
    // a resume rewinds the latest metrics with the epochs
    s.experiments.rewindTo(ex, 1)
    expect(s.experiments.get(ex)!.valMetrics).toEqual({ rmse: 2, mae: 1 })
    expect(s.experiments.get(ex)!.verdict).toBe('does not beat persistence: RMSE 2.00 vs 1.00')
    s.close()
  })
})
