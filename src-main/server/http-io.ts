// Reading and answering HTTP requests: JSON replies, bounded bodies, the media type and the headers every reply carries.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ValidationError } from '../../src-shared/contract'
import { APP_CSP } from '../shell/csp'

/**
 * Largest JSON request body. A CSV travels as the raw body of POST /api/upload (streamed to a file), so no JSON body
 * needs more; a bigger one would be held three times over (chunks, their concatenation, the string), and past 512 MiB
 * V8 cannot even make it a string.
 */
export const MAX_BODY = 64 * 1024 * 1024

/** The media type of a Content-Type header, lower-cased, without parameters (`APPLICATION/JSON; x=1` → application/json). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase()
}

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', APP_CSP)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cache-Control', 'no-store')
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text)
  })
  res.end(text)
}

/** An error reply in the contract's shape: `{ error: { name, message } }`. */
export function sendError(res: ServerResponse, status: number, name: string, message: string): void {
  sendJson(res, status, { error: { name, message } })
}

/**
 * The request body's chunks. Leaving the loop early (a body refused past its limit) does not destroy the request, so
 * the refusal can still be answered on its connection (the server then drops the rest: lingerThenClose).
 */
export function bodyChunks(req: IncomingMessage): AsyncIterable<Buffer> {
  return req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>
}

/**
 * After answering a request whose body has not all arrived: reads and drops the rest for up to `ms`, so a client still
 * sending reads the answer (closing at once would reset the connection and lose it), then closes the connection.
 */
export function lingerThenClose(req: IncomingMessage, ms: number): void {
  const timer = setTimeout(() => req.socket.destroy(), ms)
  timer.unref()
  req.once('end', () => clearTimeout(timer))
  req.resume()
}

const tooLarge = () =>
  new ValidationError(
    `request body: larger than ${MAX_BODY.toLocaleString('en-US')} bytes; send a CSV file as the raw body of POST /api/upload`,
    [{ path: '(body)', message: 'too large' }]
  )

/** The body as text, refused as soon as its declared or received size passes MAX_BODY. */
export async function readBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length']) > MAX_BODY) throw tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of bodyChunks(req)) {
    size += chunk.length
    if (size > MAX_BODY) throw tooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The body parsed as JSON; a body over the limit or not JSON is a ValidationError (400). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req)
  try {
    return JSON.parse(text)
  } catch {
    throw new ValidationError('request body: not valid JSON', [{ path: '(body)', message: 'not JSON' }])
  }
}
