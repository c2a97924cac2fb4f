// Every contract request fuzzed with generated invalid payloads (fast-check), through the real validation
// layer of BOTH shells: browser mode (real HTTP POSTs to startServer over a keep-alive agent) and Electron
// (the ipcMain handlers registered by src-main/shell/ipc.ts, driven with the fake electron). Every case
// must come back as a ValidationError naming the field (or a not-found for well-formed missing ids);
// nothing may crash, reject unhandled, pollute Object.prototype or write to the store.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestChannel } from '../../../src-shared/channels'
import type { RequestName } from '../../../src-shared/contract'
import { startServer, type RunningServer } from '../../../src-main/server/http-server'
import { registerRequestHandlers } from '../../../src-main/shell/ipc'
import type { Envelope } from '../../../src-main/shell/envelope'
import type { Workbench } from '../../../src-main/services/workbench'
import { STORE_FILE } from '../../../src-main/store/index'
import { FakeIpcMain, FakeWebContents } from '../main/shell/fake-electron'
import { openWorkbench, tempDir } from '../../helpers/workbench'
import { FUZZ_METHODS, invalidCases, namesTheField, type FuzzCase } from './contract-arbitraries'

/**
 * Cases per request name (each sent through both shells): `npm run test:full` (RNN_WORKBENCH_FULL_GRID=1) at least
 * 600, and at least 12,000 in all; `npm test` the first 150 of them (the same seed generates the same cases first).
 */
const FULL = process.env.RNN_WORKBENCH_FULL_GRID === '1'
const RUNS_PER_METHOD = Number(
  process.env.FUZZ_RUNS ?? (FULL ? Math.max(600, Math.ceil(12_000 / FUZZ_METHODS.length)) : 150)
)
const SEED = Number(process.env.FUZZ_SEED ?? 20261125)
const TOKEN = 'a'.repeat(48)

let wb: Workbench
let server: RunningServer
let cleanup: () => void
let dataDir: string
let agent: Agent
const ipcMain = new FakeIpcMain()
const mainWindow = new FakeWebContents('app://workbench/index.html')
const ipcLog: string[] = []
const unhandled: unknown[] = []
const onUnhandled = (e: unknown) => {
  unhandled.push(e)
}

interface WireErr {
  name: string
  message: string
  issues?: { path: string; message: string }[]
}

function post(
  method: string,
  payload: unknown
): Promise<{ status: number; body: { error?: WireErr; result?: unknown } }> {
  const text = JSON.stringify(payload)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/${method}`,
        method: 'POST',
        agent,
        headers: {
          host: `127.0.0.1:${server.port}`,
          'x-workbench-token': TOKEN,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text)
        }
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
          } catch (e) {
            reject(e)
          }
        })
      }
    )
    req.on('error', reject)
    req.end(text)
  })
}

/** Evidence of writes: rows per table, the connection's total_changes(), the db and WAL files' hashes. */
function storeState(): { rows: Record<string, number>; totalChanges: number; files: Record<string, string> } {
  const db = wb.store.db
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  ).map((t) => t.name)
  const rows: Record<string, number> = {}
  for (const t of tables) rows[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n
  const totalChanges = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  const files: Record<string, string> = {}
  for (const f of [STORE_FILE, `${STORE_FILE}-wal`]) {
    const p = join(dataDir, f)
    files[f] = existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : '(absent)'
  }
  return { rows, totalChanges, files }
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled)
  process.on('uncaughtException', onUnhandled)
  const t = tempDir('rnnwb-fuzz-')
  cleanup = t.cleanup
  dataDir = join(t.dir, 'data')
  const staticDir = join(t.dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>')
  wb = openWorkbench(dataDir, 'browser')
  // Some rows for the fuzz to aim at: one dataset, one draft experiment (row 1 of each).
  const { id: datasetId } = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
  wb.store.experiments.create(datasetId, 'draft', {
    mapping: 'many-to-one',
    target: 'CO2',
    inputs: [],
    window: 12,
    normalize: 'zscore',
    missing: 'report',
    valFraction: 0.2,
    model: { cell: 'lstm', hiddenSize: 8, numLayers: 1, dropout: 0, bidirectional: false },
    optimizer: { kind: 'adam', lr: 0.01, weightDecay: 0 },
    schedule: { kind: 'none' },
    epochs: 2,
    batchSize: 32,
    seed: 1,
    clipNorm: 1,
    tbptt: 0,
    earlyStopping: 0,
    nanPolicy: 'fail'
  })
  server = await startServer({ workbench: wb, token: TOKEN, port: 0, staticDir })
  agent = new Agent({ keepAlive: true, maxSockets: 1 })
  registerRequestHandlers({
    ipcMain,
    service: wb,
    mainContents: () => mainWindow,
    log: (m, e) => ipcLog.push(`${m} ${e ?? ''}`)
  })
})

afterAll(async () => {
  agent?.destroy()
  await server?.close()
  await wb?.close()
  cleanup?.()
  process.off('unhandledRejection', onUnhandled)
  process.off('uncaughtException', onUnhandled)
})

describe('contract fuzzing through both shells', () => {
  it(`answers ${RUNS_PER_METHOD} invalid payloads per request with a validation error naming the field, without writing`, async () => {
    const before = storeState()
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort()
    const figures: Record<string, { cases: number; validation: number; missing: number; http: number; ipc: number }> =
      {}
    const kinds: Record<string, number> = {}
    let cloned = 0
    const kindOf = (m: string) =>
      m.startsWith('bad')
        ? `bad values (${m.split(',').length} field${m.includes(',') ? 's' : ''})`
        : m.startsWith('unknown key')
          ? 'unknown keys'
          : m.startsWith('missing')
            ? 'missing required fields'
            : m
    const t0 = performance.now()

    for (const method of FUZZ_METHODS) {
      const f = (figures[method] = { cases: 0, validation: 0, missing: 0, http: 0, ipc: 0 })
      await fc.assert(
        fc.asyncProperty(invalidCases(method as RequestName), async (c: FuzzCase) => {
          // Electron: the registered ipcMain handler, called from the main window's top frame, with the
          // payload structured-cloned as Electron's IPC delivers it (own __proto__ keys survive cloning).
          // Payloads the renderer could not even send (nested too deep to clone) go in as they are.
          let delivered: unknown = c.payload
          try {
            delivered = structuredClone(c.payload)
            cloned++
          } catch {
            /* RangeError: too deep for the serializer */
          }
          const reply = (await ipcMain.invoke(
            requestChannel(method),
            mainWindow,
            mainWindow.mainFrame,
            delivered
          )) as Envelope
          if (reply.ok) throw new Error(`IPC accepted ${c.mutation}`)
          const ipcProblem = namesTheField(c, reply.error)
          if (ipcProblem) throw new Error(`IPC ${c.mutation}: ${ipcProblem}`)
          f.ipc++
          // Browser mode: a real HTTP POST with the token header.
          const res = await post(method, c.payload)
          const wantStatus = c.expect === 'validation' ? [400] : [404, 422]
          if (!wantStatus.includes(res.status) || !res.body.error)
            throw new Error(`HTTP ${c.mutation}: status ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
          const httpProblem = namesTheField(c, res.body.error)
          if (httpProblem) throw new Error(`HTTP ${c.mutation}: ${httpProblem}`)
          f.http++
          f.cases++
          f[c.expect]++
          const k = kindOf(c.mutation)
          kinds[k] = (kinds[k] ?? 0) + 1
        }),
        { numRuns: RUNS_PER_METHOD, seed: SEED, endOnFailure: true }
      )
    }

    const seconds = (performance.now() - t0) / 1000
    const total = Object.values(figures).reduce((s, x) => s + x.cases, 0)
    const rows = Object.entries(figures).map(
      ([m, x]) =>
        `  ${m.padEnd(22)} ${String(x.cases).padStart(5)} cases (${x.validation} invalid, ${x.missing} well-formed missing ids)`
    )
    console.log(
      [
        `contract fuzz (seed ${SEED}): ${total} generated payloads × 2 shells = ${total * 2} requests in ${seconds.toFixed(1)} s`,
        `  browser mode (HTTP): ${Object.values(figures).reduce((s, x) => s + x.http, 0)} answered; Electron IPC: ${Object.values(figures).reduce((s, x) => s + x.ipc, 0)} answered (${cloned} structured-cloned as Electron delivers them, the rest too deep to clone, sent as they are)`,
        ...rows,
        '  by mutation: ' +
          Object.entries(kinds)
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')
      ].join('\n')
    )

    if (!process.env.FUZZ_RUNS) expect(total).toBeGreaterThanOrEqual(FULL ? 10_000 : 150 * FUZZ_METHODS.length)
    for (const [m, x] of Object.entries(figures)) expect(x.cases, m).toBe(RUNS_PER_METHOD)
    // 0 writes: same rows in every table, no change on the connection, same bytes on disk.
    expect(storeState()).toEqual(before)
    expect(wb.store.db.pragma('integrity_check', { simple: true })).toBe('ok')
    // 0 crashes: no unhandled rejection or exception, no internal error logged by the IPC layer.
    expect(unhandled).toEqual([])
    expect(ipcLog).toEqual([])
    // No prototype pollution from __proto__/constructor keys.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // The service still answers.
    expect((await post('app.info', {})).status).toBe(200)
  }, 180_000)
})
