// Crash safety, for real: a training CLI process (the CLI bundled from its sources for the test run) is killed with SIGKILL at random moments (and inside
// checkpoint transactions), then the store is reopened and checked, and the run resumed, until it ends.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { CLI_BUNDLE, openWorkbench, REPO, tempDir } from '../../../helpers/workbench'

const KILLS = 24
const config = {
  mapping: 'many-to-one' as const,
  target: 'CO2',
  inputs: [],
  window: 12,
  model: { cell: 'lstm' as const, hiddenSize: 24 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 150,
  batchSize: 16,
  seed: 21
}
const t = tempDir('rnnwb-crash-')
afterAll(() => t.cleanup())

/** A seeded PRNG so a failing run can be replayed (the seed is printed). */
function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  epochsSeen: number[]
}

/** When to kill: `ms` after the start, or `afterEpochMs` after the first epoch line; null = never. */
type KillPlan = { ms: number } | { afterEpochMs: number } | null

function runCli(args: string[], dataDir: string, plan: KillPlan, env: Record<string, string> = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args, '--data-dir', dataDir, '--json'], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const epochsSeen: number[] = []
    let buf = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (d: string) => {
      buf += d
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        try {
          const j = JSON.parse(line)
          if (typeof j.epoch === 'number') {
            epochsSeen.push(j.epoch)
            if (plan && 'afterEpochMs' in plan && !timer)
              timer = setTimeout(() => child.kill('SIGKILL'), plan.afterEpochMs)
          }
        } catch {
          /* not JSON */
        }
      }
    })
    let err = ''
    child.stderr.on('data', (d) => {
      err += d
    })
    let timer: NodeJS.Timeout | null = plan && 'ms' in plan ? setTimeout(() => child.kill('SIGKILL'), plan.ms) : null
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer)
      if (code !== null && code !== 0) reject(new Error(`cli exited ${code}: ${err}`))
      else resolve({ code, signal, epochsSeen })
    })
  })
}

function inspect(dataDir: string, id: number): { integrity: string; epochs: number[]; status: string } {
  const db = new Database(join(dataDir, 'workbench.db'), { readonly: true })
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string
    const epochs = (
      db.prepare('SELECT epoch FROM epochs WHERE experiment_id = ? ORDER BY epoch').all(id) as { epoch: number }[]
    ).map((r) => r.epoch)
    // a kill during start-up may come before the run's row exists
    const status =
      (db.prepare('SELECT status FROM experiments WHERE id = ?').get(id) as { status: string } | undefined)?.status ??
      'absent'
    return { integrity, epochs, status }
  } finally {
    db.close()
  }
}

describe('crash safety under SIGKILL', () => {
  it(`survives ${KILLS} kills: store intact, no committed epoch lost, run interrupted, resumed to the exact reference losses`, async () => {
    const seed = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 100000)
    console.log(`crash test seed ${seed} (CRASH_TEST_SEED=${seed} replays it)`)
    const rand = mulberry(seed)
    const dir = t.dir

    // the dataset and an uninterrupted reference run with the same seed, in process
    const wb = openWorkbench(dir)
    const { id: datasetId } = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const { experimentId: ref } = await wb.request('experiments.start', { datasetId, config })
    await wb.waitForRun(ref)
    const reference = (await wb.request('experiments.get', { id: ref })).epochs
    await wb.close()
    expect(reference).toHaveLength(config.epochs)

    const trainArgs = [
      'train',
      '--dataset',
      String(datasetId),
      '--target',
      'CO2',
      '--window',
      '12',
      '--hidden',
      '24',
      '--epochs',
      String(config.epochs),
      '--lr',
      '0.01',
      '--seed',
      String(config.seed),
      '--batch',
      '16'
    ]
    const id = ref + 1
    let kills = 0,
      killsInCheckpoint = 0,
      integrityFailures = 0,
      lostEpochs = 0,
      resumes = 0
    let committed: number[] = []
    let finished = false
    for (let round = 0; !finished; round++) {
      expect(round).toBeLessThan(KILLS + 40)
      // until the run exists, start it; afterwards resume it
      const args = round === 0 || inspect(dir, id).status === 'absent' ? trainArgs : ['resume', String(id)]
      const last = committed.length ? committed[committed.length - 1] : 0
      let r: ChildRun
      if (kills < KILLS && round % 4 === 3 && last + 2 <= config.epochs) {
        // a kill inside the transaction that writes a checkpoint
        r = await runCli(args, dir, null, { RNN_WORKBENCH_FAULT: `kill-in-checkpoint:${last + 2}` })
        killsInCheckpoint++
      } else {
        // mostly a random moment of training; sometimes a random moment of start-up
        const plan: KillPlan =
          kills >= KILLS
            ? null
            : rand() < 0.2
              ? { ms: 50 + Math.floor(rand() * 600) }
              : { afterEpochMs: Math.floor(rand() * 40) }
        r = await runCli(args, dir, plan)
      }
      if (round > 0) resumes++
      if (r.signal === 'SIGKILL') kills++
      else finished = true
      const s = inspect(dir, id)
      if (s.integrity !== 'ok') integrityFailures++
      const seenBefore = new Set(committed)
      for (const e of r.epochsSeen) seenBefore.add(e)
      lostEpochs += [...seenBefore].filter((e) => !s.epochs.includes(e)).length
      committed = s.epochs
      if (!finished && s.status !== 'absent') {
        // reopening the store the way the app does turns the dead process's run into `interrupted`
        const w = openWorkbench(dir)
        expect(w.interruptedAtStart).toEqual(s.status === 'running' || s.status === 'queued' ? [id] : [])
        expect(w.store.experiments.get(id)!.status).toBe(
          s.status === 'running' || s.status === 'queued' ? 'interrupted' : s.status
        )
        await w.close()
      }
    }
    console.log(
      `crash test: ${kills} kills (${killsInCheckpoint} inside checkpoint transactions), ${resumes} resumes, ` +
        `${integrityFailures} integrity failures, ${lostEpochs} committed epochs lost`
    )
    expect(kills).toBeGreaterThanOrEqual(20)
    expect(integrityFailures).toBe(0)
    expect(lostEpochs).toBe(0)
    const w = openWorkbench(dir)
    const final = await w.request('experiments.get', { id })
    await w.close()
    expect(final.status).toBe('completed')
    expect(final.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss])).toEqual(
      reference.map((e) => [e.epoch, e.trainLoss, e.valLoss])
    )
  }, 600_000)
})
