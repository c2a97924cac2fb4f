// The app:// protocol: serves the built renderer (out/renderer) and nothing else, with the CSP header.
// Runtime: Electron main. The handler is a plain (Request) => Promise<Response>, testable under Node.
import { readFile, realpath } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import { APP_HOST, APP_SCHEME } from './origin'
import { APP_RESPONSE_HEADERS } from './csp'

/** The part of Electron's `protocol` module the shell uses. */
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void
}

/**
 * Privileges of app://: a standard, secure origin, so 'self' in the CSP, module scripts and storage work.
 * corsEnabled lets Chromium run its CORS checks for the scheme (Vite emits `<script type="module" crossorigin>`);
 * the handler sends no Access-Control-* headers, so no other origin can read app:// responses.
 * The CSP is never bypassed and service workers stay off.
 */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false
})

/** Must run before the app's `ready` event. */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }])
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json'
}

/**
 * The file inside `root` that an app:// URL names, or null when the URL is not ours or would leave
 * `root` (`..`, encoded `%2e%2e`, backslashes, NUL bytes). Chromium already normalises dot segments in
 * standard URLs; this check does not rely on it.
 */
export function resolveAppFile(root: string, url: string): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null
  const raw = u.pathname
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  if (path.split('/').some((seg) => seg === '..')) return null
  if (path === '' || path === '/') path = '/index.html'
  const base = resolve(root)
  const file = resolve(base, '.' + path)
  if (!file.startsWith(base + sep)) return null
  return file
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }
  })
}

/** The app:// handler for files under `root` (the built renderer). */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  const base = resolve(root)
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed')
    const file = resolveAppFile(base, request.url)
    if (!file) return text(404, 'not found')
    try {
      // Refuse symlinks that point out of the renderer folder.
      const [realBase, realFile] = await Promise.all([realpath(base), realpath(file)])
      if (!realFile.startsWith(realBase + sep)) return text(404, 'not found')
      const body = await readFile(realFile)
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          ...APP_RESPONSE_HEADERS,
          'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
        }
      })
    } catch {
      return text(404, 'not found')
    }
  }
}

/** Must run after `ready`. */
export function installAppProtocol(protocol: ProtocolLike, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererRoot))
}
