// POST /api/download: the file's bytes as an attachment for a page sending its token in X-Workbench-Token; 401
// without it, the service's error (404, 400, a symlink refused) as JSON otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, type RunningServer } from '../../../../src-main/server/http-server'
import type { Workbench } from '../../../../src-main/services/workbench'
import { exportsDir } from '../../../../src-main/services/downloads'
import { experimentConfig } from '../../../../src-shared/contract'
import { openWorkbench, tempDir } from '../../../helpers/workbench'

const TOKEN = 'e'.repeat(32)
let wb: Workbench
let server: RunningServer
let cleanup: () => void
let id: number
let dataDir: string

const download = (body: unknown, headers: Record<string, string> = { 'x-workbench-token': TOKEN }) =>
  fetch(`http://127.0.0.1:${server.port}/api/download`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body)
  })

beforeAll(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  dataDir = join(t.dir, 'data')
  wb = openWorkbench(dataDir, 'browser')
  const ds = await wb.importPath('resources/samples/co2-monthly.csv')
  const config = experimentConfig.parse({
    mapping: 'many-to-one',
    target: 'CO2',
    window: 4,
    model: { cell: 'lstm', hiddenSize: 2 },
    optimizer: { kind: 'adam', lr: 0.01 },
    epochs: 1
  })
  id = wb.store.experiments.create(ds.id, 'run', config)
  const file = join(exportsDir(dataDir, id), 'model.json')
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, '{"format":"x"}')
  const detail = { format: 'json', verified: true, maxAbsDiff: 0, runtime: 'native', files: [file] }
  wb.store.experiments.addEvent(id, 'exported', detail)
  server = await startServer({ workbench: wb, token: TOKEN, port: 0, staticDir: t.dir })
})
afterAll(async () => {
  await server.close()
  await wb.close()
  cleanup()
})

describe('POST /api/download', () => {
  it('sends the file as an attachment named in its headers', async () => {
    const r = await download({ kind: 'export', id, format: 'json' })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="model.json"')
    expect(r.headers.get('x-file-name')).toBe('model.json')
    expect(await r.text()).toBe('{"format":"x"}')
  })

  it('refuses a file that is a symlink in the data folder, sending none of its target', async () => {
    const file = join(exportsDir(dataDir, id), 'predictions-dataset-1.csv')
    const secret = join(dataDir, '..', 'secret.csv')
    writeFileSync(secret, 'PRIVATE KEY')
    symlinkSync(secret, file)
    try {
      const r = await download({ kind: 'predictions', id, datasetId: 1 })
      const text = await r.text()
      expect(r.status).toBe(500)
      expect(text).toMatch(/is a symbolic link: the app does not read through links in its data folder/)
      expect(text).not.toContain('PRIVATE')
    } finally {
      rmSync(file)
    }
  })

  it('refuses a request without the token, a GET and a missing export', async () => {
    expect((await download({ kind: 'export', id, format: 'json' }, {})).status).toBe(401)
    const get = await fetch(`http://127.0.0.1:${server.port}/api/download`, { headers: { 'x-workbench-token': TOKEN } })
    expect(get.status).toBe(405)
    const missing = await download({ kind: 'export', id, format: 'onnx' })
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/export it first/)
    expect((await download({ kind: 'export', id, format: 'exe' })).status).toBe(400)
  })
})
