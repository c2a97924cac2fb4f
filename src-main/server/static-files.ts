// The built renderer's files, served from one folder: no `..`, no encoded escapes, no symlinks leading out of it.
import type { ServerResponse } from 'node:http'
import { readFile, realpath } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'

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

const inside = (root: string, p: string) => p === root || p.startsWith(root + sep)

const notFound = (res: ServerResponse) =>
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found')

/** Answers `pathname` (`/` is index.html) with the file under `staticRoot`, or 404 / 400. */
export async function serveStatic(staticRoot: string, res: ServerResponse, pathname: string): Promise<void> {
  let rel: string
  try {
    rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname)
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('malformed URL encoding')
    return
  }
  const file = resolve(staticRoot, '.' + rel)
  if (rel.includes('\0') || !inside(staticRoot, file)) {
    notFound(res)
    return
  }
  try {
    const [realRoot, realFile] = await Promise.all([realpath(staticRoot), realpath(file)])
    if (!inside(realRoot, realFile)) {
      notFound(res)
      return
    }
    const body = await readFile(realFile)
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(body)
  } catch {
    notFound(res)
  }
}
