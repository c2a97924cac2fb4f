// Browser mode's HTTP server: the built renderer, the contract as JSON POSTs and server-sent events.
// Loopback only; a per-launch token guards every API request and the event stream. The page reads it from
// the printed URL, keeps it in memory and sends it as the X-Workbench-Token header: no cookie, so no other
// port of 127.0.0.1 ever receives it (cookies are scoped by host, not port). The Host header must be our
// own loopback address (DNS-rebinding defence), a state-changing request must not come from another
// Origin, and no CORS headers are ever sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile, realpath } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { isRequestName, ValidationError } from '../../src-shared/contract'
import type { Workbench } from '../services/workbench'
import { errorKind } from '../../src-shared/errors'
import { APP_CSP } from '../shell/csp'
import { coalesceTrainingEvents } from '../shell/event-coalescer'

/** One policy for both shells (src-main/shell/csp.ts). */
export const CSP = APP_CSP

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2'
}

/** The header that carries the token on every API request (the page keeps the token in memory). */
export const TOKEN_HEADER = 'x-workbench-token'
/** Largest JSON request body (a base64 CSV of up to 512 MB). */
const MAX_BODY = 700 * 1024 * 1024

export interface ServerOptions {
  workbench: Workbench
  token: string
  port?: number
  host?: '127.0.0.1' | '::1'
  staticDir: string
}

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false
  const x = Buffer.from(a),
    y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Every token the request presents in the header (repeated headers arrive joined by commas); one must match. */
function headerAuthed(req: IncomingMessage, token: string): boolean {
  const raw = req.headers[TOKEN_HEADER]
  const values = (Array.isArray(raw) ? raw : [raw ?? '']).flatMap((v) => v.split(','))
  return values.some((v) => sameToken(v.trim(), token))
}

/** The media type of a Content-Type header, lower-cased, without parameters (`APPLICATION/JSON; x=1` → application/json). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase()
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cache-Control', 'no-store')
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text)
  })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY)
      throw new ValidationError(`request body: larger than ${MAX_BODY} bytes`, [
        { path: '(body)', message: 'too large' }
      ])
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * POST /api/download with a JSON download request: the file's bytes as an attachment (fetched by the page with its
 * token in a header, then handed to the browser as a blob). The name travels in Content-Disposition and X-File-Name.
 */
async function sendDownload(req: IncomingMessage, res: ServerResponse, workbench: Workbench): Promise<void> {
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: { name: 'MethodNotAllowed', message: 'use POST' } })
    return
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    sendJson(res, 415, { error: { name: 'ValidationError', message: 'content-type must be application/json' } })
    return
  }
  let raw: unknown
  try {
    raw = JSON.parse(await readBody(req))
  } catch (e) {
    if (e instanceof ValidationError) throw e
    throw new ValidationError('request body: not valid JSON', [{ path: '(body)', message: 'not JSON' }])
  }
  const file = workbench.download(raw)
  res.writeHead(200, {
    'Content-Type': file.mime,
    'Content-Length': file.bytes.byteLength,
    'Content-Disposition': `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`,
    'X-File-Name': encodeURIComponent(file.fileName)
  })
  res.end(file.bytes)
}

export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const staticRoot = resolve(opts.staticDir)
  let port = 0
  const clients = new Set<ServerResponse>()

  // Training events reach the page at most 10 times a second per run (src-main/shell/event-coalescer.ts).
  const coalescer = coalesceTrainingEvents((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const c of clients) c.write(frame)
  })
  const unsubscribeBus = opts.workbench.bus.subscribe((event, payload) => coalescer.push(event, payload))
  const unsubscribe = () => {
    unsubscribeBus()
    coalescer.close()
  }

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
  /** A state-changing request from a browser names its page's origin; only our own may (absent: not a browser). */
  const foreignOrigin = (req: IncomingMessage) => {
    const origin = req.headers.origin
    return origin !== undefined && ![...allowedHosts()].some((h) => origin === `http://${h}`)
  }

  /** Files of the built renderer only: no `..`, no encoded escapes, no symlinks leading out of it. */
  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    let rel: string
    try {
      rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname)
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('malformed URL encoding')
      return
    }
    const inside = (root: string, p: string) => p === root || p.startsWith(root + sep)
    const file = resolve(staticRoot, '.' + rel)
    const notFound = () => res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found')
    if (rel.includes('\0') || !inside(staticRoot, file)) {
      notFound()
      return
    }
    try {
      const [realRoot, realFile] = await Promise.all([realpath(staticRoot), realpath(file)])
      if (!inside(realRoot, realFile)) {
        notFound()
        return
      }
      const body = await readFile(realFile)
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      notFound()
    }
  }

  /**
   * The renderer's files hold no data and need no token. The printed URL (`/?token=…`) shows the app; a wrong
   * token there gets a plain 401 page, so a stale address says what to do.
   */
  async function servePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    const t = url.searchParams.get('token')
    if (url.pathname === '/' && t !== null && !sameToken(t, opts.token)) {
      res
        .writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('wrong token: open the URL that `npm run serve` printed')
      return
    }
    await serveStatic(res, url.pathname)
  }

  const server = createServer(async (req, res) => {
    securityHeaders(res)
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) {
        sendJson(res, 421, { error: { name: 'HostError', message: 'unexpected Host header' } })
        return
      }
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
      if (!url.pathname.startsWith('/api/')) {
        await servePage(req, res, url)
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD' && foreignOrigin(req)) {
        sendJson(res, 403, { error: { name: 'Forbidden', message: 'requests from another origin are refused' } })
        return
      }
      if (!headerAuthed(req, opts.token)) {
        sendJson(res, 401, { error: { name: 'Unauthorized', message: 'missing or wrong token' } })
        return
      }

      if (url.pathname === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' })
        res.write(': connected\n\n')
        clients.add(res)
        req.on('close', () => clients.delete(res))
        return
      }

      if (url.pathname === '/api/download') {
        await sendDownload(req, res, opts.workbench)
        return
      }

      const method = url.pathname.slice('/api/'.length)
      if (req.method !== 'POST') {
        sendJson(res, 405, { error: { name: 'MethodNotAllowed', message: 'use POST' } })
        return
      }
      if (!isRequestName(method)) {
        sendJson(res, 404, { error: { name: 'NotFoundError', message: `no method "${method}"` } })
        return
      }
      if (mediaType(req.headers['content-type']) !== 'application/json') {
        sendJson(res, 415, { error: { name: 'ValidationError', message: 'content-type must be application/json' } })
        return
      }
      let raw: unknown
      try {
        raw = JSON.parse(await readBody(req))
      } catch (e) {
        if (e instanceof ValidationError) throw e
        sendJson(res, 400, {
          error: {
            name: 'ValidationError',
            message: 'request body: not valid JSON',
            issues: [{ path: '(body)', message: 'not JSON' }]
          }
        })
        return
      }
      const result = await opts.workbench.call(method, raw)
      sendJson(res, 200, { result })
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e))
      const kind = errorKind(err)
      const status = { validation: 400, input: 422, 'not-found': 404, conflict: 409, internal: 500 }[kind]
      if (kind === 'internal') console.error(err)
      if (!res.headersSent)
        sendJson(res, status, {
          error: { name: err.name, message: err.message, issues: (err as ValidationError).issues }
        })
      else res.end()
    }
  })

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      port = (server.address() as AddressInfo).port
      const shown = host === '::1' ? '[::1]' : host
      resolvePromise({
        url: `http://${shown}:${port}/?token=${opts.token}`,
        port,
        close: () =>
          new Promise<void>((r) => {
            unsubscribe()
            for (const c of clients) c.end()
            server.close(() => r())
            server.closeAllConnections()
          })
      })
    })
  })
}
