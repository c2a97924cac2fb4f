// Who may talk to browser mode's server: a request to our own loopback address (the Host header: DNS-rebinding
// defence), carrying the per-launch token in a header, and — when it changes state — from no other Origin.
import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'

/** The header that carries the token on every API request (the page keeps the token in memory). */
export const TOKEN_HEADER = 'x-workbench-token'

export function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false
  const x = Buffer.from(a),
    y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Every token the request presents in the header (repeated headers arrive joined by commas); one must match. */
export function headerAuthed(req: IncomingMessage, token: string): boolean {
  const raw = req.headers[TOKEN_HEADER]
  const values = (Array.isArray(raw) ? raw : [raw ?? '']).flatMap((v) => v.split(','))
  return values.some((v) => sameToken(v.trim(), token))
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

/** The Host headers the server answers to on `port` (on port 80 a browser leaves the port out of Host and Origin). */
export const allowedHosts = (port: number) =>
  new Set(LOOPBACK_NAMES.flatMap((name) => (port === 80 ? [`${name}:80`, name] : [`${name}:${port}`])))

/** A state-changing request from a browser names its page's origin; only our own may (absent: not a browser). */
export function foreignOrigin(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin
  return origin !== undefined && ![...allowedHosts(port)].some((h) => origin === `http://${h}`)
}
