// POST /api/upload: a CSV as the raw request body (not a JSON string), with the token in X-Workbench-Token, imported
// with the reading options of its query string; the same messages as the CLI and the service; 401 without the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { startServer, type RunningServer } from '../../../../src-main/server/http-server'
import type { Workbench } from '../../../../src-main/services/workbench'
import { openWorkbench, tempDir } from '../../../helpers/workbench'

const TOKEN = 'u'.repeat(32)
let wb: Workbench
let server: RunningServer
let cleanup: () => void

const upload = (body: string, query: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${server.port}/api/upload?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-workbench-token': TOKEN, ...headers },
    body
  })

beforeAll(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  wb = openWorkbench(join(t.dir, 'data'), 'browser')
  server = await startServer({ workbench: wb, token: TOKEN, port: 0, staticDir: t.dir })
})
afterAll(async () => {
  await server.close()
  await wb.close()
  cleanup()
})

describe('POST /api/upload', () => {
  it('imports the raw body under its file name, naming the cells that are not numbers', async () => {
    const csv = 'day,temp\n' + Array.from({ length: 20 }, (_, i) => `${i + 1},${i === 5 ? 'abc' : 10 + i}`).join('\n')
    const r = await upload(csv, { fileName: 'my temps.csv', importId: 'up-1' })
    expect(r.status).toBe(200)
    const { result } = await r.json()
    expect(result).toMatchObject({ fileName: 'my temps.csv', name: 'my temps', rows: 20 })
    expect(result.warnings).toEqual(['line 7, column "temp": "abc" is not a number'])
  })
  it('reads with the options of the query string, stores them, and refuses what is not a table (422)', async () => {
    const r = await upload('1;2,5;7\n2;3,5;8\n', { fileName: 'eu.csv', options: JSON.stringify({ header: false }) })
    expect(r.status).toBe(200)
    const { result } = await r.json()
    expect(result.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ['column_1', 'numeric'],
      ['column_2', 'numeric'],
      ['column_3', 'numeric']
    ])
    expect(result.importOptions).toEqual({ header: false })
    const refused = await upload('1;2,5;7\n2;3,5;8\n', { fileName: 'eu.csv' })
    expect(refused.status).toBe(422)
    expect((await refused.json()).error.message).toBe(
      'line 1: the first row looks like data, not a header; use --no-header (Data screen: untick "First row is the header")'
    )
  })
  it('needs the token and a file name', async () => {
    expect((await upload('a\n1\n', { fileName: 'x.csv' }, { 'x-workbench-token': 'wrong' })).status).toBe(401)
    const r = await upload('a\n1\n', {})
    expect(r.status).toBe(400)
    expect((await r.json()).error.message).toBe('fileName: the file name is required (1 to 500 characters)')
  })
})
