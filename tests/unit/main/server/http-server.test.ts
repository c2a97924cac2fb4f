import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, type RunningServer } from '../../../../src-main/server/http-server'
import type { Workbench } from '../../../../src-main/services/workbench'
import { openWorkbench, tempDir } from '../../../helpers/workbench'

const TOKEN = 'f'.repeat(32)
let wb: Workbench
let server: RunningServer
let cleanup: () => void
let staticDir: string

interface Res {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${server.port}`, ...opts.headers }
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    if (opts.body !== undefined) req.write(opts.body)
    req.end()
  })
}

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${method}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers }
  })
const authed = { 'x-workbench-token': TOKEN }

beforeAll(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  staticDir = join(t.dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>wb</title>')
  writeFileSync(join(t.dir, 'secret.txt'), 'secret')
  wb = openWorkbench(join(t.dir, 'data'), 'browser')
  server = await startServer({ workbench: wb, token: TOKEN, port: 0, staticDir })
})
afterAll(async () => {
  await server.close()
  await wb.close()
  cleanup()
})

describe('browser-mode server', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`)
  })

  it('answers API requests without the right token with 401', async () => {
    expect((await api('app.info', {})).status).toBe(401)
    expect((await api('app.info', {}, { 'x-workbench-token': '0'.repeat(32) })).status).toBe(401)
    expect((await send('/api/events')).status).toBe(401)
  })

  it('takes the token only from the X-Workbench-Token header, never from a cookie', async () => {
    expect((await api('app.info', {}, { cookie: `wb_token=${TOKEN}` })).status).toBe(401)
    expect((await send('/api/events', { headers: { cookie: `wb_token=${TOKEN}` } })).status).toBe(401)
    // a tossed cookie next to the right header does not lock the user out
    expect((await api('app.info', {}, { cookie: 'wb_token=tossed', ...authed })).status).toBe(200)
  })

  it('shows the app at the printed URL (200, no cookie set) and says so at a wrong one', async () => {
    const r = await send(`/?token=${TOKEN}`)
    expect(r.status).toBe(200)
    expect(r.body).toContain('<title>wb</title>')
    expect(r.headers['set-cookie']).toBeUndefined()
    const wrong = await send('/?token=nope')
    expect(wrong.status).toBe(401)
    expect(wrong.body).toMatch(/open the URL/)
  })

  it('refuses state-changing requests from another origin, with the right token', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`]) {
      const r = await api('app.info', {}, { ...authed, origin })
      expect(r.status, origin).toBe(403)
    }
    expect((await api('app.info', {}, { ...authed, origin: `http://127.0.0.1:${server.port}` })).status).toBe(200)
  })

  it('parses the media type: case and parameters do not matter, a longer type is refused', async () => {
    const post = (type: string) =>
      send('/api/app.info', { method: 'POST', headers: { ...authed, 'content-type': type }, body: '{}' })
    for (const type of ['APPLICATION/JSON', 'application/json; charset=utf-8', ' Application/Json ;x=1'])
      expect((await post(type)).status, type).toBe(200)
    for (const type of ['application/jsonx', 'application/json-seq', 'text/json', 'application'])
      expect((await post(type)).status, type).toBe(415)
  })

  it('serves the renderer with security headers and no CORS', async () => {
    const r = await send('/', { headers: { ...authed, origin: 'http://evil.example' } })
    expect(r.status).toBe(200)
    expect(r.body).toContain('<title>wb</title>')
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const r = await send(p, { headers: authed })
      expect(r.status).toBe(404)
      expect(r.body).not.toContain('secret')
    }
  })

  it('refuses a forged Host header (DNS rebinding)', async () => {
    const r = await send('/api/app.info', {
      method: 'POST',
      headers: { ...authed, host: 'evil.example:80', 'content-type': 'application/json' },
      body: '{}'
    })
    expect(r.status).toBe(421)
  })

  it('runs contract methods and validates their payloads, naming the field', async () => {
    const ok = await api('app.info', {}, authed)
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body).result.mode).toBe('browser')
    const bad = await api('experiments.get', { id: 'x' }, authed)
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error.message).toMatch(/^experiments\.get: id: /)
    const extra = await api('app.info', { evil: 1 }, authed)
    expect(extra.status).toBe(400)
    expect((await api('nope.method', {}, authed)).status).toBe(404)
    const missing = await api('experiments.get', { id: 12345 }, authed)
    expect(missing.status).toBe(404)
    const notJson = await send('/api/app.info', {
      method: 'POST',
      headers: { ...authed, 'content-type': 'application/json' },
      body: '{'
    })
    expect(notJson.status).toBe(400)
  })
})
