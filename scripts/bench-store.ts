// Store growth benchmark: `npm run bench:store` (tsx scripts/bench-store.ts [seconds], default 120).
// Trains the case a hostile tester measured at 23 MB a minute — the CO2 sample, many-to-one, window 48, LSTM hidden
// 256 — with the built CLI in a fresh data folder for SECONDS, then stops it from a second CLI process (`stop 1`),
// and prints the whole data folder's size (store, -wal, -shm, exports: every file in it), its peak sampled every
// second while training, and what each table holds. Goal: at most 20 MB after a 2-minute run, heatmaps at most 5 MB.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

const ROOT = join(import.meta.dirname, '..')
const CLI = join(ROOT, 'bin', 'rnn-workbench.js')
const SECONDS = Number(process.argv[2] ?? 120)
const GOAL_MB = 20
const MB = 1024 * 1024

/** Every file under `dir` with its size in bytes. */
function files(dir: string, out: [string, number][] = []): [string, number][] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) files(p, out)
    else if (e.isFile()) out.push([p, statSync(p).size])
  }
  return out
}
const folderBytes = (dir: string) => files(dir).reduce((s, [, n]) => s + n, 0)

/** What the store's tables hold: rows and bytes of the large columns. */
function tables(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true })
  const one = (sql: string) => db.prepare(sql).get() as Record<string, number>
  const e = one('SELECT count(*) AS n, sum(length(diagnostics_json)) AS b FROM epochs')
  const p = one('SELECT count(*) AS n, sum(length(data)) AS b FROM probes')
  const c = one('SELECT count(*) AS n, sum(length(state)) AS b FROM checkpoints')
  const s = one('SELECT count(*) AS n FROM steps')
  const d = one('SELECT sum(length(bytes_gz)) AS b FROM datasets')
  db.close()
  const mb = (b: number | null) => `${((b ?? 0) / MB).toFixed(2)} MB`
  return {
    epochs: `${e.n} rows, diagnostics ${mb(e.b)}`,
    'heatmaps (probes)': `${p.n} epochs, ${mb(p.b)}`,
    checkpoints: `${c.n}, ${mb(c.b)}`,
    steps: `${s.n} rows`,
    datasets: mb(d.b)
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-bench-store-'))
  const data = join(dir, 'data')
  const args = ['--data-dir', data]
  const train = spawn(
    process.execPath,
    [
      CLI,
      'train',
      '--csv',
      join(ROOT, 'resources/samples/co2-monthly.csv'),
      '--target',
      'CO2',
      '--window',
      '48'
    ].concat(['--hidden', '256', '--epochs', '100000', '--lr', '0.001', '--seed', '1', ...args]),
    { stdio: ['ignore', 'ignore', 'inherit'] }
  )
  const exited = new Promise<number | null>((resolve) => train.on('exit', resolve))
  let peak = 0
  const t0 = Date.now()
  while (Date.now() - t0 < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 1000))
    try {
      peak = Math.max(peak, folderBytes(data))
    } catch {
      // the folder is not there yet
    }
  }
  const stop = spawnSync(process.execPath, [CLI, 'stop', '1', ...args], { encoding: 'utf8' })
  if (stop.status !== 0) process.stderr.write(`stop: ${stop.stderr}`)
  const code = await exited
  const after = files(data)
  const total = after.reduce((s, [, n]) => s + n, 0)
  console.log(`trained ${SECONDS} s (exit ${code}); load average ${loadavg()[0]!.toFixed(2)}`)
  for (const [p, n] of after) console.log(`  ${p.slice(data.length + 1).padEnd(32)} ${(n / MB).toFixed(2)} MB`)
  for (const [k, v] of Object.entries(tables(join(data, 'workbench.db')))) console.log(`  ${k.padEnd(32)} ${v}`)
  console.log(`peak while training: ${(peak / MB).toFixed(2)} MB`)
  console.log(`data folder after the run: ${(total / MB).toFixed(2)} MB (goal ≤ ${GOAL_MB} MB)`)
  rmSync(dir, { recursive: true, force: true })
  process.exitCode = total <= GOAL_MB * MB ? 0 : 1
}

void main()
