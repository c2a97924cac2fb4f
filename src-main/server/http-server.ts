// Browser mode's HTTP server: the built renderer, the contract as JSON POSTs and server-sent events.
// Loopback only; a per-launch token guards every API request and the event stream. The page reads it from
// the printed URL, keeps it in memory and sends it as the X-Workbench-Token header: no cookie, so no other
// port of 127.0.0.1 ever receives it (cookies are scoped by host, not port). The Host header must be our
// own loopback address (DNS-rebinding defence), a state-changing request must not come from another
// Origin, and no CORS headers are ever sent (request-guard.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { isRequestName, type ValidationError } from '../../src-shared/contract'
import type { Workbench } from '../services/workbench'
import { errorKind } from '../../src-shared/errors'
import { APP_CSP } from '../shell/csp'
import { EventStream } from './event-stream'
import { lingerThenClose, mediaType, readJsonBody, securityHeaders, sendError, sendJson } from './http-io'
import { allowedHosts, foreignOrigin, headerAuthed, sameToken } from './request-guard'
import { serveStatic } from './static-files'
import { receiveUpload, uploadArgs } from './upload'

/** One policy for both shells (src-main/shell/csp.ts). */
export const CSP = APP_CSP

export interface ServerOptions {
  workbench: Workbench
  token: string
  port?: number
  host?: '127.0.0.1' | '::1'
  staticDir: string
  /** How long the rest of a body is still read after its request was answered early (refused): 10 s. */
  lingerMs?: number
  /** How long a client may take to send its request's headers (slowloris): 10 s. */
  headersTimeoutMs?: number
  /** Open connections at most; more are closed at once, so a flood cannot take the file descriptors the store needs. */
  maxConnections?: number
}

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
}

/** The status each error kind answers with. */
const STATUS = { validation: 400, input: 422, 'not-found': 404, conflict: 409, storage: 500, internal: 500 } as const

/** The request's URL, or null when its target is not one (`GET http://a:b:c/`, which Node's parser lets through). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host}`)
  } catch {
    return null
  }
}

/** Answers every request: the guard first, then the page, the event stream, a download or a contract call. */
class RequestHandler {
  /** Known once the server listens. */
  port = 0
  private readonly staticRoot: string

  constructor(
    private readonly opts: ServerOptions,
    readonly events: EventStream
  ) {
    this.staticRoot = resolve(opts.staticDir)
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res)
    res.once('finish', () => {
      if (!req.complete) lingerThenClose(req, this.opts.lingerMs ?? 10_000)
    })
    try {
      if (!allowedHosts(this.port).has(req.headers.host ?? '')) {
        sendError(res, 421, 'HostError', 'unexpected Host header')
        return
      }
      const url = requestUrl(req)
      if (!url) {
        sendError(res, 400, 'ValidationError', 'malformed request target')
        return
      }
      if (!url.pathname.startsWith('/api/')) await this.servePage(req, res, url)
      else await this.serveApi(req, res, url)
    } catch (e) {
      if (req.socket.destroyed && !req.complete) return // the client left mid-request: nobody to answer, nothing to log
      const err = e instanceof Error ? e : new Error(String(e))
      const kind = errorKind(err)
      if (kind === 'internal') console.error(err)
      if (!res.headersSent)
        sendJson(res, STATUS[kind], {
          error: { name: err.name, message: err.message, issues: (err as ValidationError).issues }
        })
      else res.end()
    }
  }

  /**
   * The renderer's files hold no data and need no token. The printed URL (`/?token=…`) shows the app; a wrong
   * token there gets a plain 401 page, so a stale address says what to do.
   */
  private async servePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    const t = url.searchParams.get('token')
    if (url.pathname === '/' && t !== null && !sameToken(t, this.opts.token)) {
      res
        .writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('wrong token: open the URL that `npm run serve` printed')
      return
    }
    await serveStatic(this.staticRoot, res, url.pathname)
  }

  private async serveApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD' && foreignOrigin(req, this.port)) {
      sendError(res, 403, 'Forbidden', 'requests from another origin are refused')
      return
    }
    if (!headerAuthed(req, this.opts.token)) {
      sendError(res, 401, 'Unauthorized', 'missing or wrong token')
      return
    }
    if (url.pathname === '/api/events' && req.method === 'GET') this.events.add(req, res)
    else if (url.pathname === '/api/download') await this.sendDownload(req, res)
    else if (url.pathname === '/api/upload') await this.importUpload(req, res, url)
    else await this.call(req, res, url.pathname.slice('/api/'.length))
  }

  /** POST /api/<method> with the arguments as JSON: `{ result }`, or `{ error }` with the error kind's status. */
  private async call(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, 'MethodNotAllowed', 'use POST')
      return
    }
    if (!isRequestName(method)) {
      sendError(res, 404, 'NotFoundError', `no method "${method}"`)
      return
    }
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      sendError(res, 415, 'ValidationError', 'content-type must be application/json')
      return
    }
    const result = await this.opts.workbench.call(method, await readJsonBody(req))
    sendJson(res, 200, { result })
  }

  /**
   * POST /api/upload?fileName=…[&name=…][&importId=…][&options={…}][&reuse=1] with the CSV as the raw body: streamed to a
   * temporary file (bounded by the import limit), imported like a local file; answers `{ result: dataset }`.
   */
  private async importUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, 'MethodNotAllowed', 'use POST')
      return
    }
    const args = uploadArgs(url)
    const file = await receiveUpload(req, args.fileName)
    try {
      const wb = this.opts.workbench
      const { name, importId, options, fileName, reuse } = args
      const result = await wb.importPath(file.path, name, { importId, options, fileName, reuse })
      sendJson(res, 200, { result })
    } finally {
      file.cleanup()
    }
  }

  /**
   * POST /api/download with a JSON download request: the file's bytes as an attachment (fetched by the page with its
   * token in a header, then handed to the browser as a blob). The name travels in Content-Disposition and X-File-Name.
   */
  private async sendDownload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, 'MethodNotAllowed', 'use POST')
      return
    }
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      sendError(res, 415, 'ValidationError', 'content-type must be application/json')
      return
    }
    const file = this.opts.workbench.download(await readJsonBody(req))
    res.writeHead(200, {
      'Content-Type': file.mime,
      'Content-Length': file.bytes.byteLength,
      'Content-Disposition': `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`,
      'X-File-Name': encodeURIComponent(file.fileName)
    })
    res.end(file.bytes)
  }
}

export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const handler = new RequestHandler(opts, new EventStream(opts.workbench))
  const headersTimeout = opts.headersTimeoutMs ?? 10_000
  const server = createServer(
    { headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout / 2) },
    (req, res) => handler.handle(req, res)
  )
  server.maxConnections = opts.maxConnections ?? 1000
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port
      handler.port = port
      const shown = host === '::1' ? '[::1]' : host
      resolvePromise({
        url: `http://${shown}:${port}/?token=${opts.token}`,
        port,
        close: () =>
          new Promise<void>((r) => {
            handler.events.close()
            server.close(() => r())
            server.closeAllConnections()
          })
      })
    })
  })
}
