// Experiment ids named by the data folder's `exports/experiment-<id>/` folders are never handed out again. The
// experiments table counts ids with AUTOINCREMENT, which keeps every id deleted since it was created; a store older
// than that may have deleted its largest ids before, and their export folders would then be taken for a new run's.
// Opening the store raises the counter to the largest such folder.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from './db'

/** The largest `<id>` among `dir`'s `experiment-<id>` entries (0 when none, or when the folder does not exist). */
function largestExportedId(dir: string): number {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return 0
  }
  let max = 0
  for (const name of names) {
    const m = /^experiment-([1-9][0-9]{0,14})$/.exec(name)
    if (m) max = Math.max(max, Number(m[1]))
  }
  return max
}

/** Raise the experiments' id counter so that the next id is above every exported one. */
export function reserveExportedIds(db: Db, dataDir: string): void {
  const max = largestExportedId(join(dataDir, 'exports'))
  const counted = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get()
  if (!max || !counted) return
  db.transaction(() => {
    const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'experiments'").get() as
      { seq: number } | undefined
    if (!row) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('experiments', ?)").run(max)
    else if (row.seq < max) db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'experiments'").run(max)
  })()
}
