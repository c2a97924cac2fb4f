// app:// serves only files inside the built renderer, with the CSP on every response.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_SCHEME_PRIVILEGES,
  appProtocolHandler,
  installAppProtocol,
  registerAppScheme,
  resolveAppFile
} from '../../../../src-main/shell/protocol'
import { APP_CSP } from '../../../../src-main/shell/csp'
import { CSP as SERVER_CSP } from '../../../../src-main/server/http-server'

let dir: string
let root: string
const get = (url: string, method = 'GET') => appProtocolHandler(root)(new Request(url, { method }))

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-protocol-'))
  root = join(dir, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>wb</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'secret')
  mkdirSync(join(dir, 'renderer-evil'))
  writeFileSync(join(dir, 'renderer-evil', 'x.js'), 'evil')
  symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('app:// protocol', () => {
  it('is registered as a standard, secure scheme that does not bypass the CSP', () => {
    const calls: unknown[] = []
    registerAppScheme({ registerSchemesAsPrivileged: (s) => calls.push(...s), handle: () => {} })
    expect(calls).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({
          standard: true,
          secure: true,
          bypassCSP: false,
          allowServiceWorkers: false
        })
      }
    ])
    expect(APP_SCHEME_PRIVILEGES.bypassCSP).toBe(false)
  })

  it('installs its handler on the app scheme', () => {
    const schemes: string[] = []
    installAppProtocol(
      {
        registerSchemesAsPrivileged: () => {},
        handle: (s) => {
          schemes.push(s)
        }
      },
      root
    )
    expect(schemes).toEqual(['app'])
  })

  it('serves index.html and assets with the CSP header and a content type', async () => {
    for (const url of ['app://workbench/', 'app://workbench/index.html']) {
      const r = await get(url)
      expect(r.status).toBe(200)
      expect(r.headers.get('content-security-policy')).toBe(APP_CSP)
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await r.text()).toContain('<title>wb</title>')
    }
    const js = await get('app://workbench/assets/index-abc.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('content-security-policy')).toBe(APP_CSP)
  })

  it('uses the same CSP as browser mode', () => {
    expect(APP_CSP).toBe(SERVER_CSP)
    expect(APP_CSP).toContain("script-src 'self'")
    expect(APP_CSP).toContain("object-src 'none'")
  })

  it('refuses .. escapes, encoded or not, and prefix look-alikes', async () => {
    // Whole-segment `..` and `%2e%2e` are dot segments: URL parsing (Node's and Chromium's) removes them,
    // so they can only name files inside the root.
    const normalised = [
      'app://workbench/../secret.txt',
      'app://workbench/%2e%2e/secret.txt',
      'app://workbench/%2E%2E/%2E%2E/etc/passwd',
      'app://workbench/assets/%2e%2e/%2e%2e/secret.txt',
      'app://workbench/%2e%2e/renderer-evil/x.js'
    ]
    // Encoded separators make `..` appear only after decoding: the resolver itself must refuse these.
    const refused = [
      'app://workbench/..%2fsecret.txt',
      'app://workbench/%2e%2e%2fsecret.txt',
      'app://workbench/assets%2f..%2f..%2fsecret.txt',
      'app://workbench/..%5csecret.txt',
      'app://workbench/index.html%00.js'
    ]
    for (const url of normalised) {
      const file = resolveAppFile(root, url)
      expect(file === null || file.startsWith(root + sep), url).toBe(true)
    }
    for (const url of refused) expect(resolveAppFile(root, url), url).toBeNull()
    for (const url of [...normalised, ...refused]) {
      const r = await get(url)
      expect(r.status, url).toBe(404)
      expect(r.headers.get('content-security-policy'), url).toBe(APP_CSP)
      const body = await r.text()
      expect(body, url).not.toContain('secret')
      expect(body, url).not.toContain('evil')
    }
  })

  it('refuses a symlink pointing out of the renderer folder', async () => {
    const r = await get('app://workbench/link.txt')
    expect(r.status).toBe(404)
    expect(await r.text()).not.toContain('secret')
  })

  it('refuses other hosts, other schemes, missing files and non-GET methods', async () => {
    expect((await get('app://other/index.html')).status).toBe(404)
    expect(resolveAppFile(root, 'file:///etc/passwd')).toBeNull()
    expect(resolveAppFile(root, 'https://workbench/index.html')).toBeNull()
    expect((await get('app://workbench/nope.js')).status).toBe(404)
    expect((await get('app://workbench/assets')).status).toBe(404)
    expect((await get('app://workbench/index.html', 'POST')).status).toBe(405)
    expect((await get('app://workbench/%E0%A4%A')).status).toBe(404)
  })
})
