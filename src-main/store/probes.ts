// Probe heatmaps in the store: kept apart from the epochs' small diagnostics (gate means, ‖∂L/∂h_t‖, norms — every
// epoch keeps those), as float32 bytes instead of JSON text (4 bytes a number instead of about 7), and only for the
// epochs src-shared/probe-retention.ts keeps: a run's heatmaps stay within a few MB however long it trains.
import type { Db } from './db'
import { probesToDrop } from '../../src-shared/probe-retention'

export interface Probe {
  gates: number[][][]
  hidden: number[][]
}

interface Encoded {
  gates: number
  steps: number
  units: number
  data: Buffer
}

const isRow = (r: unknown, n: number): r is number[] => Array.isArray(r) && r.length === n
const isMatrix = (m: unknown, t: number, h: number): m is number[][] =>
  Array.isArray(m) && m.length === t && m.every((r) => isRow(r, h))

/** A probe as G·T·H + T·H float32 values (gates, then hidden), or null when it is not a well-formed probe. */
export function encodeProbe(p: unknown): Encoded | null {
  const probe = p as Partial<Probe> | null
  if (!probe || !Array.isArray(probe.gates) || !Array.isArray(probe.hidden)) return null
  const G = probe.gates.length,
    T = probe.hidden.length,
    H = probe.hidden[0]?.length ?? 0
  if (!G || !T || !H || !isMatrix(probe.hidden, T, H) || !probe.gates.every((m) => isMatrix(m, T, H))) return null
  const f = new Float32Array((G + 1) * T * H)
  let k = 0
  for (const m of [...probe.gates, probe.hidden]) for (const row of m) for (const v of row) f[k++] = v
  return { gates: G, steps: T, units: H, data: Buffer.from(f.buffer) }
}

/** Back to the trainer's arrays, rounded to its 4 decimals (float32 holds them to about 7 digits). */
export function decodeProbe(e: Encoded): Probe {
  const f = new Float32Array(e.data.buffer.slice(e.data.byteOffset, e.data.byteOffset + e.data.byteLength))
  let k = 0
  const matrix = () =>
    Array.from({ length: e.steps }, () => {
      const row: number[] = []
      for (let j = 0; j < e.units; j++) row.push(Math.round(f[k++]! * 1e4) / 1e4)
      return row
    })
  const gates = Array.from({ length: e.gates }, matrix)
  return { gates, hidden: matrix() }
}

export class ProbesRepo {
  private s
  constructor(db: Db) {
    this.s = {
      put: db.prepare(`INSERT OR REPLACE INTO probes (experiment_id, epoch, gates, steps, units, data)
        VALUES (@id, @epoch, @gates, @steps, @units, @data)`),
      sizes: db.prepare('SELECT epoch, length(data) AS bytes FROM probes WHERE experiment_id = ?'),
      drop: db.prepare('DELETE FROM probes WHERE experiment_id = ? AND epoch = ?'),
      trim: db.prepare('DELETE FROM probes WHERE experiment_id = @id AND epoch > @epoch'),
      all: db.prepare('SELECT epoch, gates, steps, units, data FROM probes WHERE experiment_id = ?')
    }
  }

  /** Stores an epoch's probe; false (nothing stored) when it is not a well-formed probe. */
  put(id: number, epoch: number, probe: unknown): boolean {
    const e = encodeProbe(probe)
    if (e) this.s.put.run({ id, epoch, ...e })
    return e !== null
  }

  /** Drops the heatmaps the retention policy no longer keeps (call inside the write's transaction). */
  compact(id: number): void {
    for (const epoch of probesToDrop(this.s.sizes.all(id) as { epoch: number; bytes: number }[]))
      this.s.drop.run(id, epoch)
  }

  /** Forgets heatmaps after `epoch` (a run resumed from an earlier checkpoint). */
  trim(id: number, epoch: number): void {
    this.s.trim.run({ id, epoch })
  }

  byEpoch(id: number): Map<number, Probe> {
    const rows = this.s.all.all(id) as (Encoded & { epoch: number })[]
    return new Map(rows.map((r) => [r.epoch, decodeProbe(r)]))
  }
}
