// Browser mode's server against a hostile local web: other origins get no CORS headers and cannot read
// (a real Chromium proves it when /usr/bin/chromium is there), a forged Host is refused on every route,
// the event stream needs the token, security headers are on every response (errors and 404s too),
// static files never leave the renderer folder, and the server listens on loopback only.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startServer, type RunningServer } from '../../../src-main/server/http-server'
import { MAX_BODY } from '../../../src-main/server/http-io'
import { MAX_UNREAD } from '../../../src-main/server/event-stream'
import type { Workbench } from '../../../src-main/services/workbench'
import { openWorkbench, tempDir } from '../../helpers/workbench'

const TOKEN = 'c0ffee'.repeat(8)
const AUTH = { 'x-workbench-token': TOKEN }
let wb: Workbench
let server: RunningServer
let cleanup: () => void
let root: string

interface Res {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {}
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.host ?? '127.0.0.1',
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
          if (res.headers['content-type'] === 'text/event-stream') res.destroy()
        })
        res.on('close', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** A hand-written request (paths and Host lines Node's client would normalise or refuse). */
function raw(text: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const c = connect(server.port, '127.0.0.1')
    let b = ''
    c.setEncoding('utf8')
    c.on('data', (d) => {
      b += d
    })
    c.on('end', () => {
      const [head, ...rest] = b.split('\r\n\r\n')
      resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body: rest.join('\r\n\r\n') })
    })
    c.on('error', reject)
    c.write(text)
  })
}
const get = (path: string, host = `127.0.0.1:${server.port}`, extra = '') =>
  raw(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nX-Workbench-Token: ${TOKEN}\r\n${extra}Connection: close\r\n\r\n`)

const rowCount = () =>
  (
    wb.store.db.prepare('SELECT (SELECT count(*) FROM datasets) + (SELECT count(*) FROM experiments) AS n').get() as {
      n: number
    }
  ).n

beforeAll(async () => {
  const t = tempDir('rnnwb-browser-')
  cleanup = t.cleanup
  root = join(t.dir, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>wb</title>')
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(t.dir, 'secret.txt'), 'secret')
  mkdirSync(join(t.dir, 'renderer-evil'))
  writeFileSync(join(t.dir, 'renderer-evil', 'x.js'), 'evil')
  symlinkSync(join(t.dir, 'secret.txt'), join(root, 'link.txt'))
  symlinkSync(t.dir, join(root, 'up'))
  wb = openWorkbench(join(t.dir, 'data'), 'browser')
  server = await startServer({ workbench: wb, token: TOKEN, port: 0, staticDir: root, lingerMs: 100 })
})
afterAll(async () => {
  await server.close()
  await wb.close()
  cleanup()
})

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers'
]

describe('another origin', () => {
  it('gets no CORS headers, with or without the token, on preflights, API calls, pages and the event stream', async () => {
    for (const origin of [
      'http://evil.example',
      'null',
      `http://localhost:${server.port + 1}`,
      `http://127.0.0.1:${server.port + 1}`
    ]) {
      for (const auth of [{}, AUTH] as Record<string, string>[]) {
        const responses = [
          await send('/api/app.info', {
            method: 'OPTIONS',
            headers: {
              origin,
              'access-control-request-method': 'POST',
              'access-control-request-headers': 'content-type',
              ...auth
            }
          }),
          await send('/api/app.info', {
            method: 'POST',
            headers: { origin, 'content-type': 'application/json', ...auth },
            body: '{}'
          }),
          await send('/', { headers: { origin, ...auth } }),
          await send('/api/events', { headers: { origin, ...auth } })
        ]
        for (const r of responses) for (const h of CORS_HEADERS) expect(r.headers[h], `${origin} ${h}`).toBeUndefined()
      }
    }
  })

  it('cannot make the service act through a CORS-simple request (a form or no-cors fetch)', async () => {
    const before = rowCount()
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const body = JSON.stringify({ source: { kind: 'sample', sample: 'co2-monthly' } })
      // from another origin: refused on the Origin alone, even with the token
      const foreign = await send('/api/datasets.import', {
        method: 'POST',
        headers: { origin: 'http://evil.example', ...AUTH, 'content-type': type },
        body
      })
      expect(foreign.status, type).toBe(403)
      // and without an Origin (not a browser) a non-JSON body is still refused before the service runs
      const plain = await send('/api/datasets.import', {
        method: 'POST',
        headers: { ...AUTH, 'content-type': type },
        body
      })
      expect(plain.status, type).toBe(415)
    }
    expect(rowCount()).toBe(before)
  })

  it('cannot read responses or act from a page on another origin, in a real Chromium', async (ctx) => {
    if (!existsSync('/usr/bin/chromium')) {
      ctx.skip()
      return
    }
    const { chromium } = await import('playwright-core')
    // The attacker's pages: same site but another port, and another site.
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>')
    })
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()))
    const evilPort = (evil.address() as { port: number }).port
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
    })
    try {
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${server.port}/?token=${TOKEN}`) // the user's own tab
      expect(await page.title()).toBe('wb')
      const before = rowCount()
      for (const origin of [`http://127.0.0.1:${evilPort}`, `http://localhost:${evilPort}`]) {
        await page.goto(`${origin}/`)
        const outcome = await page.evaluate(async (target) => {
          const out: Record<string, string> = {}
          const tryIt = async (name: string, f: () => Promise<unknown>) => {
            try {
              out[name] = `read: ${JSON.stringify(await f()).slice(0, 80)}`
            } catch (e) {
              out[name] = `blocked: ${(e as Error).name}`
            }
          }
          await tryIt('json POST', () =>
            fetch(`${target}/api/app.info`, {
              method: 'POST',
              credentials: 'include',
              headers: { 'content-type': 'application/json' },
              body: '{}'
            }).then((r) => r.text())
          )
          await tryIt('import', () =>
            fetch(`${target}/api/datasets.import`, {
              method: 'POST',
              credentials: 'include',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ source: { kind: 'sample', sample: 'co2-monthly' } })
            }).then((r) => r.text())
          )
          await tryIt('GET page', () => fetch(`${target}/`, { credentials: 'include' }).then((r) => r.text()))
          await tryIt('no-cors POST', () =>
            fetch(`${target}/api/datasets.import`, {
              method: 'POST',
              mode: 'no-cors',
              credentials: 'include',
              headers: { 'content-type': 'text/plain' },
              body: JSON.stringify({ source: { kind: 'sample', sample: 'co2-monthly' } })
            }).then((r) => r.text().then((t) => `${r.type}:${t}`))
          )
          out.events = await new Promise<string>((resolve) => {
            const es = new EventSource(`${target}/api/events`, { withCredentials: true })
            es.onopen = () => {
              es.close()
              resolve('read: open')
            }
            es.onerror = () => {
              es.close()
              resolve('blocked: error')
            }
            setTimeout(() => {
              es.close()
              resolve('blocked: timeout')
            }, 2000)
          })
          return out
        }, `http://127.0.0.1:${server.port}`)
        for (const [what, result] of Object.entries(outcome)) {
          // an opaque no-cors response has an empty body: nothing is readable
          if (what === 'no-cors POST') expect(result, `${origin} ${what}`).toBe('read: "opaque:"')
          else expect(result, `${origin} ${what}`).toMatch(/^blocked/)
        }
      }
      expect(rowCount()).toBe(before)
    } finally {
      await browser.close()
      await new Promise((r) => evil.close(r))
    }
  }, 60_000)
})

describe('Host header (DNS rebinding)', () => {
  const forged = (port: number) => [
    'evil.example',
    `evil.example:${port}`,
    `127.0.0.1.evil.example:${port}`,
    `127.0.0.1:${port + 1}`,
    '127.0.0.1',
    `localhost.:${port}`,
    `LOCALHOST:${port}x`,
    `[::2]:${port}`,
    `0.0.0.0:${port}`,
    `127.0.0.2:${port}`,
    `${port}`
  ]
  it('refuses a forged Host on every route, with the right token, before doing anything', async () => {
    const routes = [
      'GET /',
      `GET /?token=${TOKEN}`,
      'GET /index.html',
      'GET /assets/app.js',
      'GET /nope',
      'GET /api/events',
      'POST /api/app.info',
      'POST /api/datasets.import',
      'POST /api/nope',
      'OPTIONS /api/app.info',
      'PUT /'
    ]
    const before = rowCount()
    let n = 0
    for (const host of forged(server.port)) {
      for (const route of routes) {
        const [method, path] = route.split(' ')
        const body = method === 'POST' ? JSON.stringify({ source: { kind: 'sample', sample: 'co2-monthly' } }) : ''
        const r = await raw(
          `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nX-Workbench-Token: ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
        )
        expect(r.status, `${host} ${route}`).toBe(421)
        expect(r.head, `${host} ${route}`).not.toContain('set-cookie')
        expect(r.head).not.toContain('text/event-stream')
        n++
      }
    }
    // A missing Host is refused by Node's parser itself (HTTP/1.1 requires it).
    expect((await raw('GET / HTTP/1.1\r\nConnection: close\r\n\r\n')).status).toBe(400)
    expect(rowCount()).toBe(before)
    expect(n).toBe(forged(server.port).length * routes.length)
  })

  it('accepts its own loopback names', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
      expect((await get('/', host)).status, host).toBe(200)
    }
  })
})

describe('the event stream', () => {
  it('requires the token header; a cookie or a token in the query string does not count there', async () => {
    expect((await send('/api/events')).status).toBe(401)
    expect((await send('/api/events', { headers: { cookie: `wb_token=${TOKEN}` } })).status).toBe(401)
    expect((await send('/api/events', { headers: { 'x-workbench-token': TOKEN.slice(0, -1) } })).status).toBe(401)
    expect((await send(`/api/events?token=${TOKEN}`)).status).toBe(401)
    expect((await send('/api/events', { headers: { 'x-workbench-token': 'nope' } })).status).toBe(401)
    const ok = await send('/api/events', { headers: AUTH })
    expect(ok.status).toBe(200)
    expect(ok.headers['content-type']).toBe('text/event-stream')
  })
})

describe('a client that stops reading the event stream', () => {
  it('is dropped instead of having every event buffered for it', async () => {
    const c = connect(server.port, '127.0.0.1')
    c.on('error', () => {})
    c.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Workbench-Token: ${TOKEN}\r\n\r\n`)
    await new Promise((r) => c.once('data', r))
    c.pause()
    const pad = 'x'.repeat(100_000)
    const frames = Math.ceil((2 * MAX_UNREAD) / pad.length)
    for (let i = 0; i < frames; i++)
      wb.bus.emit('datasets.importProgress', { importId: 'x', fileName: pad, bytes: i, totalBytes: frames })
    let received = 0
    const closed = await new Promise<boolean>((resolve) => {
      c.on('data', (d: Buffer) => {
        received += d.length
        if (received >= frames * pad.length) resolve(false) // every frame arrived: nothing was dropped
      })
      c.once('close', () => resolve(true))
      c.resume()
    })
    c.destroy()
    expect(closed).toBe(true)
    expect(received).toBeLessThan(frames * pad.length)
  })
})

describe('security headers', () => {
  it('are on every response: pages, API results and errors, 401/403/404/405/415/421, the event stream', async () => {
    const json = { 'content-type': 'application/json' }
    const cases: [string, Promise<Res>][] = [
      ['200 page', send('/')],
      ['200 asset', send('/assets/app.js')],
      ['200 printed URL', send(`/?token=${TOKEN}`)],
      ['401 wrong URL token', send('/?token=nope')],
      [
        '403 origin',
        send('/api/app.info', { method: 'POST', headers: { ...AUTH, ...json, origin: 'null' }, body: '{}' })
      ],
      ['401 api', send('/api/app.info', { method: 'POST', headers: json, body: '{}' })],
      ['404 static', send('/missing.js', { headers: AUTH })],
      ['404 escape', send('/%2e%2e%2fsecret.txt', { headers: AUTH })],
      ['404 method', send('/api/nope', { method: 'POST', headers: { ...AUTH, ...json }, body: '{}' })],
      [
        '404 not found',
        send('/api/experiments.get', { method: 'POST', headers: { ...AUTH, ...json }, body: '{"id":77}' })
      ],
      ['405 static', send('/', { method: 'POST', headers: AUTH })],
      ['405 api', send('/api/app.info', { headers: AUTH })],
      [
        '415',
        send('/api/app.info', { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body: '{}' })
      ],
      ['400 json', send('/api/app.info', { method: 'POST', headers: { ...AUTH, ...json }, body: '{' })],
      [
        '400 validation',
        send('/api/experiments.get', { method: 'POST', headers: { ...AUTH, ...json }, body: '{"id":"x"}' })
      ],
      ['421', send('/', { headers: { host: 'evil.example' } })],
      ['200 api', send('/api/app.info', { method: 'POST', headers: { ...AUTH, ...json }, body: '{}' })],
      ['200 events', send('/api/events', { headers: AUTH })]
    ]
    for (const [what, p] of cases) {
      const r = await p
      expect(r.headers['content-security-policy'], what).toMatch(/frame-ancestors 'none'/)
      expect(r.headers['content-security-policy'], what).toMatch(/script-src 'self'/)
      expect(r.headers['content-security-policy'], what).toMatch(/object-src 'none'/)
      expect(r.headers['x-content-type-options'], what).toBe('nosniff')
      expect(r.headers['x-frame-options'], what).toBe('DENY')
      expect(String(r.status), what).toBe(what.slice(0, 3))
    }
  })
})

describe('static files', () => {
  it('never leave the renderer folder: .., encoded escapes, backslashes, absolute paths, NUL', async () => {
    const paths = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/etc/passwd',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '//etc/passwd',
      '/%2Fetc%2Fpasswd',
      '/%2f%2fetc/passwd',
      '/C:/Windows/win.ini',
      '/index.html%00.js',
      '/%00',
      '/../renderer-evil/x.js',
      '/%2e%2e/renderer-evil/x.js'
    ]
    for (const p of paths) {
      const r = await get(p)
      expect([400, 404], p).toContain(r.status)
      expect(r.body, p).not.toMatch(/secret|evil|root:/)
    }
  })

  it('never leaks a file for malformed percent-encoding', async () => {
    for (const p of ['/%E0%A4%A', '/..%c0%afsecret.txt', '/%ff', '/%']) {
      const r = await get(p)
      expect(r.status, p).toBeGreaterThanOrEqual(400)
      expect(r.body, p).not.toMatch(/secret|evil/)
    }
  })

  it('answers malformed percent-encoding with a client error, not a 500', async () => {
    for (const p of ['/%E0%A4%A', '/..%c0%afsecret.txt']) expect([400, 404], p).toContain((await get(p)).status)
  })

  it('refuses symlinks that point out of the renderer folder', async () => {
    for (const p of ['/link.txt', '/up/secret.txt']) {
      const r = await get(p)
      expect(r.status, p).toBe(404)
      expect(r.body, p).not.toContain('secret')
    }
  })
})

describe('hostile requests', () => {
  it('refuses a JSON body declared over the limit before reading it, pointing to the upload route', async () => {
    const r = await raw(
      `POST /api/app.info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Workbench-Token: ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY + 1}\r\nConnection: close\r\n\r\n{`
    )
    expect(r.status).toBe(400)
    expect(JSON.parse(r.body).error.message).toBe(
      `request body: larger than ${MAX_BODY.toLocaleString('en-US')} bytes; send a CSV file as the raw body of POST /api/upload`
    )
    expect(MAX_BODY).toBeLessThan(2 ** 29 - 24) // V8's longest string: a larger body could never be parsed
  })

  it('answers a body still arriving past the limit, then drops the rest and closes the connection', async () => {
    process.env.RNN_WORKBENCH_MAX_IMPORT_BYTES = String(2 ** 20)
    try {
      for (const auth of [`X-Workbench-Token: ${TOKEN}\r\n`, '']) {
        const outcome = await new Promise<{ answer: string; sent: number }>((resolve) => {
          const c = connect(server.port, '127.0.0.1')
          let answer = ''
          let sent = 0
          c.on('data', (d) => (answer += d))
          c.on('error', () => {})
          c.on('close', () => resolve({ answer, sent }))
          c.write(
            `POST /api/upload?fileName=endless.csv HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${auth}Transfer-Encoding: chunked\r\n\r\n`
          )
          const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 48), Buffer.from('\r\n')])
          const pump = () => {
            while (!c.destroyed) {
              sent += 0x10000
              if (!c.write(chunk)) return void c.once('drain', pump)
            }
          }
          pump()
        })
        const [head, body] = outcome.answer.split('\r\n\r\n')
        if (auth) {
          expect(head).toMatch(/^HTTP\/1.1 422 /)
          expect(body).toContain('"endless.csv\\" is more than 1,048,576 bytes')
          expect(outcome.sent).toBeGreaterThan(2 ** 20)
        } else expect(head).toMatch(/^HTTP\/1.1 401 /)
      }
    } finally {
      delete process.env.RNN_WORKBENCH_MAX_IMPORT_BYTES
    }
  })

  it('drops a client that sends its headers too slowly (slowloris) with a 408', async () => {
    const slow = await startServer({ workbench: wb, token: TOKEN, port: 0, staticDir: root, headersTimeoutMs: 100 })
    try {
      const answer = await new Promise<string>((resolve) => {
        const c = connect(slow.port, '127.0.0.1')
        let got = ''
        c.on('data', (d) => (got += d))
        c.on('error', () => {})
        c.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\n`)
        const drip = setInterval(() => c.write('X-Slow: 1\r\n'), 50)
        c.on('close', () => {
          clearInterval(drip)
          resolve(got)
        })
      })
      expect(answer).toMatch(/^HTTP\/1.1 408 /)
    } finally {
      await slow.close()
    }
  })

  it('closes connections past its limit at once, so a flood cannot take the file descriptors', async () => {
    const small = await startServer({ workbench: wb, token: TOKEN, port: 0, staticDir: root, maxConnections: 3 })
    const open = () => {
      const c = connect(small.port, '127.0.0.1')
      c.on('error', () => {})
      return c
    }
    const ask = (c: ReturnType<typeof connect>) =>
      new Promise<string>((resolve) => {
        let got = ''
        const onData = (d: Buffer) => {
          got += d
          if (got.includes('\r\n\r\n')) done()
        }
        const done = () => {
          c.off('data', onData)
          resolve(got.split('\r\n')[0] ?? '')
        }
        c.on('data', onData)
        c.once('close', done)
        c.write(`GET /api/nope HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\n\r\n`)
      })
    try {
      const held = [open(), open(), open()]
      for (const c of held) expect(await ask(c)).toMatch(/^HTTP\/1.1 401/) // answered, kept alive
      expect(await ask(open())).toBe('') // closed unanswered
      held[0]!.destroy()
      await new Promise((r) => held[0]!.once('close', r))
      let again = ''
      for (let i = 0; i < 50 && !again; i++) again = await ask(open()) // the server sees the close a moment later
      expect(again).toMatch(/^HTTP\/1.1 401/)
    } finally {
      await small.close()
    }
  })

  it('answers a request target that is not a URL with 400, not 500', async () => {
    const r = await raw(`GET http://a:b:c/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`)
    expect(r.status).toBe(400)
    expect(r.body).toBe('{"error":{"name":"ValidationError","message":"malformed request target"}}')
  })

  it('logs nothing when a client leaves in the middle of its body', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      await new Promise<void>((resolve) => {
        const c = connect(server.port, '127.0.0.1', () => {
          c.write(
            `POST /api/app.info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Workbench-Token: ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
            () => setTimeout(() => c.destroy(), 50)
          )
        })
        c.on('close', () => resolve())
      })
      // a request after it: by then the server has seen the first connection close
      expect(
        (
          await send('/api/app.info', {
            method: 'POST',
            headers: { ...AUTH, 'content-type': 'application/json' },
            body: '{}'
          })
        ).status
      ).toBe(200)
      expect(logged).not.toHaveBeenCalled()
    } finally {
      logged.mockRestore()
    }
  })
})

describe('binding', () => {
  it('listens on loopback only', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1')
    // Not reachable through any non-loopback address of this machine.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address)
    for (const address of others) {
      const reached = await new Promise<boolean>((resolve) => {
        const c = connect({ host: address, port: server.port })
        c.once('connect', () => {
          c.destroy()
          resolve(true)
        })
        c.once('error', () => resolve(false))
        setTimeout(() => {
          c.destroy()
          resolve(false)
        }, 1000)
      })
      expect(reached, address).toBe(false)
    }
  })

  it('can listen on ::1 instead, still loopback only', async (ctx) => {
    let v6: RunningServer
    try {
      v6 = await startServer({ workbench: wb, token: TOKEN, port: 0, host: '::1', staticDir: root })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
        ctx.skip()
        return
      }
      throw e
    }
    try {
      expect(new URL(v6.url).hostname).toBe('[::1]')
      const refused = await new Promise<boolean>((resolve) => {
        const c = connect({ host: '127.0.0.1', port: v6.port })
        c.once('connect', () => {
          c.destroy()
          resolve(false)
        })
        c.once('error', () => resolve(true))
      })
      expect(refused).toBe(true)
    } finally {
      await v6.close()
    }
  })
})
