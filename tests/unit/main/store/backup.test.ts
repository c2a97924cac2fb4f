// Backup and restore of the whole store: an online backup taken while a real training run writes holds
// every epoch committed before it started and passes integrity_check; restore checks the file (integrity,
// schema version, tables), refuses while runs train, keeps the replaced store, and brings the rows back.
import Database from 'better-sqlite3'
import { closeSync, copyFileSync, existsSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  backupStore,
  BackupError,
  checkStoreFile,
  expectedTables,
  restoreStore
} from '../../../../src-main/store/backup'
import { STORE_FILE } from '../../../../src-main/store/index'
import { LATEST_VERSION } from '../../../../src-main/store/db'
import type { Workbench } from '../../../../src-main/services/workbench'
import { openWorkbench, tempDir } from '../../../helpers/workbench'

const open: Workbench[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  while (open.length) await open.pop()!.close()
  while (cleanups.length) cleanups.pop()!()
})
function fresh(dir?: string): { wb: Workbench; dir: string } {
  if (!dir) {
    const t = tempDir('rnnwb-backup-')
    cleanups.push(t.cleanup)
    dir = t.dir
  }
  const wb = openWorkbench(join(dir, 'data'), 'cli')
  open.push(wb)
  return { wb, dir }
}
const config = {
  mapping: 'many-to-one' as const,
  target: 'CO2',
  inputs: [],
  window: 12,
  model: { cell: 'lstm' as const, hiddenSize: 8 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 4000,
  batchSize: 8,
  seed: 3 // stopped by the test: epochs reach main about once a second
}
const once = <T>(wb: Workbench, event: Parameters<Workbench['on']>[0], pred: (p: T) => boolean = () => true) =>
  new Promise<T>((resolve) => {
    const off = wb.on(event, (p) => {
      if (pred(p as T)) {
        off()
        resolve(p as T)
      }
    })
  })

describe('backupStore', () => {
  it('copies the store while a training run writes steps; the copy holds every epoch committed before it started', async () => {
    const { wb, dir } = fresh()
    const { id: datasetId } = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const { experimentId: id } = await wb.request('experiments.start', { datasetId, config })
    await once(
      wb,
      'training.epoch',
      (e: { experimentId: number; epoch: number }) => e.experimentId === id && e.epoch >= 3
    )
    const db = wb.store.db
    const epochsAt = () =>
      db
        .prepare('SELECT epoch, train_loss AS trainLoss FROM epochs WHERE experiment_id = ? ORDER BY epoch')
        .all(id) as { epoch: number; trainLoss: number }[]
    const stepsAt = () =>
      (db.prepare('SELECT count(*) AS n FROM steps WHERE experiment_id = ?').get(id) as { n: number }).n
    // Small, slowed-down steps, so the run's writes land between them; retried (new file) until a
    // backup overlapped at least one write, which a loaded machine may delay.
    let committed = epochsAt(),
      stepsBefore = stepsAt(),
      writesDuring = 0,
      inBackup = false,
      steps = 0,
      attempts = 0
    const off = wb.on('training.progress', () => {
      if (inBackup) writesDuring++
    })
    let out = ''
    let report!: Awaited<ReturnType<typeof backupStore>>
    while (writesDuring === 0 && attempts < 5) {
      attempts++
      out = join(dir, `backup-${attempts}.db`)
      committed = epochsAt()
      stepsBefore = stepsAt()
      inBackup = true
      report = await backupStore(db, out, {
        pagesPerStep: 1,
        // hold the first steps (up to ~2 s) until the run's write has come in between two of them
        onProgress: () => {
          steps++
          if (writesDuring === 0 && steps < 200 * attempts) {
            const t = performance.now()
            while (performance.now() - t < 10) {
              /* hold */
            }
          }
        }
      })
      inBackup = false
    }
    off()
    expect(wb.store.experiments.get(id)!.status).toBe('running') // 4000 epochs: still training
    await wb.request('experiments.stop', { id })
    await wb.waitForRun(id)

    expect(steps).toBeGreaterThan(1)
    expect(writesDuring, 'the run wrote while the backup ran').toBeGreaterThan(0)
    expect(report.path).toBe(out)
    expect(report.userVersion).toBe(LATEST_VERSION)
    // The copy: a single file, integrity ok, every epoch committed before the backup began, same values.
    expect(existsSync(`${out}-wal`)).toBe(false)
    const copy = new Database(out, { readonly: true })
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete')
      const epochs = copy
        .prepare('SELECT epoch, train_loss AS trainLoss FROM epochs WHERE experiment_id = ? ORDER BY epoch')
        .all(id) as { epoch: number; trainLoss: number }[]
      expect(epochs.slice(0, committed.length)).toEqual(committed)
      expect(epochs.map((e) => e.epoch)).toEqual(epochs.map((_, i) => i + 1)) // no gaps, no partial epoch
      expect(
        (copy.prepare('SELECT count(*) AS n FROM steps WHERE experiment_id = ?').get(id) as { n: number }).n
      ).toBeGreaterThanOrEqual(stepsBefore)
      expect((copy.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n).toBe(1)
      // Each recorded epoch has its checkpoint when it is the last one (resumable from the copy).
      const last = copy.prepare("SELECT epoch FROM checkpoints WHERE experiment_id = ? AND kind = 'last'").get(id) as {
        epoch: number
      }
      expect(last.epoch).toBe(epochs.at(-1)!.epoch)
    } finally {
      copy.close()
    }
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([])
  })

  it('refuses to overwrite a file, to write onto the store itself, or into a missing folder', async () => {
    const { wb, dir } = fresh()
    writeFileSync(join(dir, 'exists.db'), 'x')
    await expect(backupStore(wb.store.db, join(dir, 'exists.db'))).rejects.toThrow(/exists/)
    await expect(backupStore(wb.store.db, join(dir, 'data', STORE_FILE))).rejects.toThrow(/the store itself/)
    await expect(backupStore(wb.store.db, join(dir, 'nope', 'b.db'))).rejects.toThrow(/does not exist/)
    const r = await backupStore(wb.store.db, join(dir, 'exists.db'), { overwrite: true })
    expect(r.rows.datasets).toBe(0)
    // another connection (a CLI process next to the app) copying in one step
    const other = new Database(join(dir, 'data', STORE_FILE))
    try {
      const one = await backupStore(other, join(dir, 'one-step.db'), { pagesPerStep: Infinity })
      expect(one.userVersion).toBe(LATEST_VERSION)
    } finally {
      other.close()
    }
  })
})

describe('restoreStore', () => {
  it('brings back the rows of a backup, keeps the replaced store, and the app opens it', async () => {
    const { wb, dir } = fresh()
    const { id: datasetId } = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const { experimentId: id } = await wb.request('experiments.start', {
      datasetId,
      config: { ...config, epochs: 3, batchSize: 64 }
    })
    await wb.waitForRun(id)
    const before = await wb.request('experiments.get', { id })
    const backup = join(dir, 'b.db')
    await backupStore(wb.store.db, backup)
    // Lose the data, then close the store (restore runs with the store closed, like the CLI).
    await wb.request('experiments.delete', { id })
    expect(wb.store.experiments.get(id)).toBeUndefined()
    await open.pop()!.close()

    const report = restoreStore(join(dir, 'data'), backup)
    expect(report.rows.experiments).toBe(1)
    expect(report.previous).toMatch(/workbench\.db\.before-restore-/)
    expect(existsSync(report.previous!)).toBe(true)
    const again = fresh(dir).wb
    const after = await again.request('experiments.get', { id })
    expect(after.epochs).toEqual(before.epochs)
    expect(after.steps).toEqual(before.steps)
    expect(after.status).toBe('completed')
    expect(again.store.db.pragma('integrity_check', { simple: true })).toBe('ok')
    // The restored model still predicts (its final checkpoint came back).
    expect(again.store.experiments.checkpoint(id, 'final')).toBeDefined()
  })

  it('accepts a plain copy of a WAL-mode store file', async () => {
    const { wb, dir } = fresh()
    await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    wb.store.db.pragma('wal_checkpoint(TRUNCATE)')
    copyFileSync(join(dir, 'data', STORE_FILE), join(dir, 'copy.db'))
    await open.pop()!.close()
    expect(restoreStore(join(dir, 'data'), join(dir, 'copy.db')).rows.datasets).toBe(1)
  })

  it('refuses a damaged, foreign, too new or incomplete file, leaving the store untouched', async () => {
    const { wb, dir } = fresh()
    await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    await open.pop()!.close()
    const data = join(dir, 'data')
    const storeBytes = () => readdirSync(data).sort()
    const was = storeBytes()
    const bad: [string, () => void, RegExp][] = [
      ['missing.db', () => {}, /no such file/],
      [
        'text.db',
        () => writeFileSync(join(dir, 'text.db'), 'hello, not sqlite'.repeat(100)),
        /not an SQLite database|not an RNN Workbench store/
      ],
      [
        'foreign.db',
        () => {
          const d = new Database(join(dir, 'foreign.db'))
          d.exec('CREATE TABLE t(x)')
          d.close()
        },
        /schema version 0/
      ],
      [
        'newer.db',
        () => {
          const d = new Database(join(dir, 'newer.db'))
          d.pragma(`user_version = ${LATEST_VERSION + 1}`)
          d.close()
        },
        /newer RNN Workbench/
      ],
      [
        'partial.db',
        () => {
          const d = new Database(join(dir, 'partial.db'))
          d.exec('CREATE TABLE datasets(id)')
          d.pragma(`user_version = ${LATEST_VERSION}`)
          d.close()
        },
        /missing table\(s\) .*experiments/
      ],
      [
        'corrupt.db',
        () => {
          copyFileSync(join(data, STORE_FILE), join(dir, 'corrupt.db'))
          const buf = Buffer.alloc(4096, 0xab)
          const fd = openSync(join(dir, 'corrupt.db'), 'r+')
          writeSync(fd, buf, 0, buf.length, 4096 * 3)
          closeSync(fd)
        },
        /integrity_check failed|malformed|not an RNN Workbench store/
      ]
    ]
    for (const [file, make, message] of bad) {
      make()
      expect(() => restoreStore(data, join(dir, file)), file).toThrow(message)
      expect(storeBytes(), file).toEqual(was)
    }
  })

  it('refuses while a run of this process trains', async () => {
    const { wb, dir } = fresh()
    const { id: datasetId } = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const backup = join(dir, 'b.db')
    await backupStore(wb.store.db, backup)
    const { experimentId: id } = await wb.request('experiments.start', { datasetId, config })
    await once(wb, 'training.epoch')
    expect(() => restoreStore(join(dir, 'data'), backup, { activeRuns: wb.training.active })).toThrow(
      /1 run\(s\) are training/
    )
    // without activeRuns the store is all it knows: a process with a live heartbeat trains, named by its pid
    expect(() => restoreStore(join(dir, 'data'), backup)).toThrow(
      new RegExp(`another RNN Workbench is training run ${id} \\(pid ${process.pid}\\)`)
    )
    await wb.request('experiments.stop', { id })
    await wb.waitForRun(id)
  })

  it('refuses while another program (here: an idle open Workbench) has the store open', async () => {
    const { wb, dir } = fresh()
    await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const backup = join(dir, 'b.db')
    await backupStore(wb.store.db, backup)
    const before = readdirSync(join(dir, 'data')).sort()
    expect(() => restoreStore(join(dir, 'data'), backup)).toThrow(/another program has the experiment store open/)
    expect(readdirSync(join(dir, 'data')).sort()).toEqual(before)
    expect((await wb.request('datasets.list', {})).length).toBe(1) // still working on its own store
  })

  it('refuses a backup whose schema was poisoned (a trigger that deletes experiments, a view, an altered index), naming it', async () => {
    const { wb, dir } = fresh()
    await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const clean = join(dir, 'clean.db')
    await backupStore(wb.store.db, clean)
    await open.pop()!.close()
    const data = join(dir, 'data')
    const poisons: [string, string, RegExp][] = [
      [
        'trigger.db',
        'CREATE TRIGGER wipe AFTER INSERT ON epochs BEGIN DELETE FROM experiments; END',
        /extra trigger wipe/
      ],
      ['view.db', 'CREATE VIEW v AS SELECT * FROM datasets', /extra view v/],
      [
        'index.db',
        'DROP INDEX experiments_dataset; CREATE INDEX experiments_dataset ON experiments(name)',
        /altered index experiments_dataset/
      ],
      ['table.db', 'CREATE TABLE extra (x)', /extra table extra/]
    ]
    const before = readdirSync(data).sort()
    for (const [file, sql, message] of poisons) {
      copyFileSync(clean, join(dir, file))
      const d = new Database(join(dir, file))
      d.exec(sql)
      d.close()
      expect(() => restoreStore(data, join(dir, file)), file).toThrow(message)
      expect(readdirSync(data).sort(), file).toEqual(before)
    }
    // the clean copy still restores
    expect(restoreStore(data, clean).rows.datasets).toBe(1)
  })

  it('sets aside a current store that does not open (e.g. overwritten) instead of refusing', async () => {
    const { wb, dir } = fresh()
    await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const backup = join(dir, 'b.db')
    await backupStore(wb.store.db, backup)
    await open.pop()!.close()
    const data = join(dir, 'data')
    writeFileSync(join(data, STORE_FILE), 'step,prediction\n1,2\n')
    const r = restoreStore(data, backup)
    expect(r.previous).toMatch(/workbench\.db\.unreadable-/)
    expect(existsSync(r.previous!)).toBe(true)
    const again = fresh(dir).wb
    expect((await again.request('datasets.list', {})).length).toBe(1)
  })

  it('checks expected tables per schema version', () => {
    expect(expectedTables(1)).toEqual(['checkpoints', 'datasets', 'epochs', 'experiments', 'steps'])
    expect(expectedTables(LATEST_VERSION)).toContain('events')
    expect(() => checkStoreFile('/nonexistent/x.db')).toThrow(BackupError)
  })
})
