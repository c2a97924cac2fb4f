// Bounded heatmaps: the retention policy (src-shared/probe-retention.ts) keeps a log-spaced set of epochs and the
// newest within its count and byte budget however many epochs arrive; the store applies it as training writes,
// keeps every epoch's small diagnostics, gives the kept heatmaps back as written, and migration 7 moves a schema-6
// store's heatmaps out of the epochs' JSON under the same policy.
import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { MAX_PROBES, PROBE_BUDGET_BYTES, probesToDrop, type KeptProbe } from '../../../../src-shared/probe-retention'
import { openDatabase } from '../../../../src-main/store/db'
import { Store } from '../../../../src-main/store/index'
import { migrations } from '../../../../src-main/store/migrations/index'
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

/** Feeds epochs one at a time, as training does, applying the policy after each; checks the bounds every time. */
function stream(epochs: number[], bytes: number): number[] {
  let kept: KeptProbe[] = []
  for (const epoch of epochs) {
    kept.push({ epoch, bytes })
    const drop = new Set(probesToDrop(kept))
    kept = kept.filter((p) => !drop.has(p.epoch))
    expect(kept.at(-1)!.epoch).toBe(epoch) // the newest always stays
    expect(kept.length).toBeLessThanOrEqual(MAX_PROBES)
    if (kept.length > 1) expect(kept.length * bytes).toBeLessThanOrEqual(PROBE_BUDGET_BYTES)
  }
  return kept.map((p) => p.epoch)
}

const logGaps = (e: number[]) => e.slice(1).map((v, i) => Math.log(v / e[i]!))

describe('probe retention policy', () => {
  it('keeps at most 16 heatmaps of 240 KB, spread evenly in log(epoch), over 20,000 epochs', () => {
    const kept = stream(
      Array.from({ length: 20_000 }, (_, i) => i + 1),
      240_000
    )
    expect(kept.length).toBe(MAX_PROBES)
    expect(kept[0]).toBe(1)
    const even = Math.log(20_000) / (kept.length - 1)
    for (const g of logGaps(kept)) {
      expect(g).toBeGreaterThan(even / 3)
      expect(g).toBeLessThan(even * 2)
    }
  })

  it('holds to the byte budget with larger heatmaps, keeping the newest even when it alone is larger', () => {
    const mb = 1024 * 1024
    const kept = stream(
      Array.from({ length: 500 }, (_, i) => 3 * i + 2),
      1.5 * mb
    )
    expect(kept).toHaveLength(2) // 2 × 1.5 MB within 4 MB, 3 are not
    expect(kept.at(-1)).toBe(1499)
    expect(stream([1, 2, 3], 10 * mb)).toEqual([3])
    expect(probesToDrop([])).toEqual([])
  })
})

const dataset = {
  name: 'd',
  fileName: 'd.csv',
  sha256: 'ab'.repeat(32),
  byteLength: 10,
  bytesGz: new Uint8Array([1]),
  rows: 5,
  columns: [{ name: 'x', type: 'numeric' as const, missing: 0, distinct: 5, min: 1, max: 5, mean: 3 }],
  preview: [['1']],
  warnings: []
}
const config = experimentConfig.parse({
  mapping: 'many-to-one',
  target: 'x',
  window: 3,
  model: { cell: 'gru', hiddenSize: 2 },
  optimizer: { kind: 'adam', lr: 0.01 },
  epochs: 40
})
/** A GRU probe (3 gates × 2 steps × 2 units) whose values name the epoch. */
const probeOf = (e: number) => ({
  gates: [0, 1, 2].map((g) => [
    [e / 1e4, g / 10],
    [0.5, 0.1234]
  ]),
  hidden: [
    [-0.25, e / 1e4],
    [0.75, 0]
  ]
})
const diagnosticsOf = (e: number) => ({
  gateNames: ['r', 'z', 'n'],
  gateMeans: [[0.5, 0.5, e]],
  dhNorm: [1, 2],
  probe: probeOf(e)
})

describe('heatmaps in the store', () => {
  it('keeps every epoch’s small diagnostics and the heatmaps of a bounded log-spaced set plus the newest', () => {
    const s = Store.open(dir())
    const id = s.experiments.create(s.datasets.insert(dataset), 'run', config)
    for (let e = 1; e <= 40; e++)
      s.experiments.writeMetrics(id, [], {
        epoch: e,
        trainLoss: 1,
        valLoss: 1,
        seconds: 0.1,
        diagnostics: diagnosticsOf(e)
      })
    const rows = s.experiments.diagnostics(id)
    expect(rows.map((r) => (r.diagnostics as { gateMeans: number[][] }).gateMeans[0]![2])).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1)
    )
    const withProbe = rows.filter((r) => (r.diagnostics as { probe?: unknown }).probe)
    expect(withProbe).toHaveLength(MAX_PROBES)
    expect(withProbe[0]!.epoch).toBe(1)
    expect(withProbe.at(-1)!.epoch).toBe(40)
    for (const r of withProbe) expect(r.diagnostics).toEqual(diagnosticsOf(r.epoch)) // 4 decimals, as written
    // stored as float32 bytes apart from the JSON: (3 + 1) gates × 2 × 2 numbers × 4 bytes
    const raw = s.db.prepare('SELECT length(data) AS n FROM probes WHERE experiment_id = ? AND epoch = 40').get(id)
    expect(raw).toEqual({ n: 64 })
    const json = s.db.prepare("SELECT count(*) AS n FROM epochs WHERE diagnostics_json LIKE '%probe%'").get()
    expect(json).toEqual({ n: 0 })
    // a resumed run forgets later heatmaps; a deleted run takes them along
    s.experiments.rewindTo(id, 30)
    expect(
      s.experiments
        .diagnostics(id)
        .filter((r) => (r.diagnostics as { probe?: unknown }).probe)
        .at(-1)!.epoch
    ).toBeLessThanOrEqual(30)
    s.experiments.delete(id)
    expect(s.db.prepare('SELECT count(*) AS n FROM probes').get()).toEqual({ n: 0 })
    s.close()
  })
})

describe('migration 7 (heatmaps apart)', () => {
  it('moves a schema-6 store’s heatmaps out of the epochs’ JSON, keeping those the policy keeps', () => {
    const f = join(dir(), 'w.db')
    const v6 = openDatabase(f, { migrations: migrations.slice(0, 6) })
    v6.prepare(
      "INSERT INTO datasets (id, name, file_name, sha256, byte_length, bytes_gz, rows, columns_json, preview_json, warnings_json, created_at) VALUES (1,'d','d.csv','x',1,x'00',1,'[]','[]','[]','t')"
    ).run()
    v6.prepare(
      "INSERT INTO experiments (id, dataset_id, name, status, config_json, created_at) VALUES (3, 1, 'e', 'completed', '{}', 't')"
    ).run()
    for (let e = 1; e <= 30; e++)
      v6.prepare('INSERT INTO epochs (experiment_id, epoch, seconds, diagnostics_json) VALUES (3, ?, 1, ?)').run(
        e,
        JSON.stringify(e % 2 ? diagnosticsOf(e) : { ...diagnosticsOf(e), probe: undefined })
      )
    v6.close()
    const s = new Store(openDatabase(f, { migrations: migrations.slice(0, 7) }))
    expect(s.db.pragma('user_version', { simple: true })).toBe(7)
    const rows = s.experiments.diagnostics(3)
    expect(rows).toHaveLength(30)
    const withProbe = rows.filter((r) => (r.diagnostics as { probe?: unknown }).probe)
    expect(withProbe).toHaveLength(MAX_PROBES - 1) // the 15 odd epochs: all within the bounds
    expect(withProbe.map((r) => r.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => 2 * i + 1))
    for (const r of withProbe) expect(r.diagnostics).toEqual(diagnosticsOf(r.epoch))
    expect(s.db.prepare("SELECT count(*) AS n FROM epochs WHERE diagnostics_json LIKE '%probe%'").get()).toEqual({
      n: 0
    })
    s.close()
    const check = new Database(f)
    expect(check.pragma('foreign_key_check')).toEqual([])
    check.close()
  })
})
