// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security#checklist-security-recommendations),
// item by item, against the real shell (src-main/shell/main.ts) booted under plain Node with the fake
// electron of tests/unit/main/shell. Each `it` names the checklist item it proves.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOWNLOAD_CHANNEL, REQUEST_NAMES, requestChannel } from '../../../src-shared/channels'
import { startShell, type Shell } from '../../../src-main/shell/main'
import { Workbench } from '../../../src-main/services/workbench'
import { APP_SCHEME_PRIVILEGES } from '../../../src-main/shell/protocol'
import { buildWorkbenchApi } from '../../../src-main/shell/preload-api'
import type { Envelope } from '../../../src-main/shell/envelope'
import {
  FakeEvent,
  FakeFrame,
  FakeWebContents,
  fakeElectron,
  FakeWindow,
  type FakeElectron
} from '../main/shell/fake-electron'
import { tsWorkerFactory } from '../main/shell/workbench-fixture'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const dirs: string[] = []
let electron: FakeElectron
let shell: Shell
let win: FakeWindow
let before: string[]
const serviceCalls: string[] = []
const warnings: string[] = []

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'wb-checklist-root-'))
  const userData = mkdtempSync(join(tmpdir(), 'wb-checklist-data-'))
  dirs.push(root, userData)
  mkdirSync(join(root, 'out', 'renderer'), { recursive: true })
  writeFileSync(join(root, 'out', 'renderer', 'index.html'), '<!doctype html><title>wb</title>')
  writeFileSync(join(root, 'secret.txt'), 'secret')
  symlinkSync(join(ROOT, 'resources'), join(root, 'resources'))
  electron = fakeElectron(userData)
  shell = startShell(electron, {
    root,
    workerFactory: tsWorkerFactory(),
    version: '1.0.0',
    env: {},
    platform: 'linux',
    log: {
      error: () => {},
      warn: (m: string) => {
        warnings.push(m)
      }
    },
    openWorkbench: (o) => {
      const wb = new Workbench(o)
      const call = wb.call.bind(wb)
      wb.call = ((method: Parameters<Workbench['call']>[0], raw: unknown) => {
        serviceCalls.push(method)
        return call(method, raw)
      }) as Workbench['call']
      return wb
    }
  })
  before = [...electron.calls]
  electron.app.ready()
  await shell.ready
  win = FakeWindow.instances.at(-1)!
})
afterAll(async () => {
  electron.app.quit()
  await shell.closed
  FakeWindow.instances.length = 0
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('Electron security checklist', () => {
  it('1. only loads secure content: the window loads app://workbench, never http: or file:', () => {
    expect(win.loaded).toBe('app://workbench/index.html')
    expect(FakeWindow.instances.map((w) => w.loaded)).toEqual(['app://workbench/index.html'])
  })

  it('2. no Node.js integration in the renderer, its workers or subframes', () => {
    const wp = win.options.webPreferences
    expect(wp.nodeIntegration).toBe(false)
    expect(wp.nodeIntegrationInWorker).toBe(false)
    expect(wp.nodeIntegrationInSubFrames).toBe(false)
  })

  it('3. context isolation is on', () => {
    expect(win.options.webPreferences.contextIsolation).toBe(true)
  })

  it('4. process sandboxing: sandbox on the window and app.enableSandbox() before ready', () => {
    expect(win.options.webPreferences.sandbox).toBe(true)
    expect(before).toContain('enableSandbox')
    expect(before).not.toContain('ready')
  })

  it('5. permission requests and checks from web content are denied', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'clipboard-read',
      'clipboard-sanitized-write',
      'hid',
      'serial',
      'usb',
      'idle-detection',
      'display-capture',
      'unknown'
    ]) {
      const granted: boolean[] = []
      electron.permissionRequest!(win.webContents, p, (g) => granted.push(g))
      expect(granted, p).toEqual([false])
      expect(electron.permissionCheck!(win.webContents, p), p).toBe(false)
    }
  })

  it('6. webSecurity is not disabled', () => {
    expect(win.options.webPreferences.webSecurity).toBe(true)
  })

  it('7. a Content-Security-Policy header on every app:// response (200, 404, 405)', async () => {
    const handler = electron.protocolHandlers.get('app')!
    for (const [url, method, status] of [
      ['app://workbench/index.html', 'GET', 200],
      ['app://workbench/nope.js', 'GET', 404],
      ['app://workbench/../secret.txt', 'GET', 404],
      ['app://workbench/index.html', 'POST', 405]
    ] as const) {
      const r = await handler(new Request(url, { method }))
      expect(r.status, url).toBe(status)
      const csp = r.headers.get('content-security-policy')!
      for (const d of [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'"
      ])
        expect(csp, `${url} ${d}`).toContain(d)
      expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/)
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    }
  })

  it('8. allowRunningInsecureContent is off', () => {
    expect(win.options.webPreferences.allowRunningInsecureContent).toBe(false)
  })

  it('9. experimental features are off', () => {
    expect(win.options.webPreferences.experimentalFeatures).toBe(false)
  })

  it('10. no enableBlinkFeatures', () => {
    expect(Object.keys(win.options.webPreferences)).not.toContain('enableBlinkFeatures')
    expect(JSON.stringify(win.options)).not.toMatch(/enableBlinkFeatures|allowpopups/i)
  })

  it('11–12. <webview> is off, and attaching one is prevented on every web contents (also ones created later)', () => {
    expect(win.options.webPreferences.webviewTag).toBe(false)
    const later = new FakeWebContents('app://workbench/index.html')
    electron.app.emit('web-contents-created', new FakeEvent(), later)
    for (const wc of [win.webContents, later]) {
      const e = new FakeEvent()
      wc.emit('will-attach-webview', e, { nodeIntegration: true }, { src: 'https://evil.example' })
      expect(e.defaultPrevented).toBe(true)
    }
  })

  it('13. navigation is limited to app://workbench (will-navigate and will-redirect), on every web contents', () => {
    const later = new FakeWebContents('app://workbench/index.html')
    electron.app.emit('web-contents-created', new FakeEvent(), later)
    for (const wc of [win.webContents, later]) {
      for (const url of [
        'https://evil.example/',
        'http://127.0.0.1:1234/',
        'file:///etc/passwd',
        'app://evil/',
        'app://workbench.evil/',
        'app://user@workbench/',
        'javascript:alert(1)',
        'data:text/html,x',
        'about:blank',
        'chrome://settings',
        'devtools://devtools'
      ]) {
        expect(wc.navigate(url, 'will-navigate'), url).toBe(true)
        expect(wc.navigate(url, 'will-redirect'), url).toBe(true)
      }
      expect(wc.navigate('app://workbench/index.html#/experiments/1')).toBe(false)
    }
  })

  it('14. new windows are denied, every time (window.open, target=_blank, app:// included)', () => {
    for (const url of [
      'https://example.com/',
      'app://workbench/index.html',
      'about:blank',
      'javascript:alert(1)',
      'file:///etc/passwd',
      ''
    ]) {
      expect(win.webContents.windowOpenHandler!({ url }), url).toEqual({ action: 'deny' })
    }
    expect(FakeWindow.instances).toHaveLength(1)
  })

  it('15. shell.openExternal only receives vetted https links', async () => {
    electron.opened.length = 0
    const offered = [
      'https://pytorch.org/docs/stable/nn.html',
      'http://example.com/',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'https://user:pass@example.com/',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://x',
      'HTTPS://EXAMPLE.COM/ok',
      'data:,x'
    ]
    for (const url of offered) win.webContents.windowOpenHandler!({ url })
    await new Promise((r) => setTimeout(r, 0))
    expect(electron.opened).toEqual(['https://pytorch.org/docs/stable/nn.html', 'HTTPS://EXAMPLE.COM/ok'])
    for (const url of electron.opened) expect(new URL(url).protocol).toBe('https:')
  })

  it('16. a current Electron: the pinned major is supported (≥ 45) and is the one installed', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    const pinned = pkg.devDependencies.electron as string
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/)
    expect(Number(pinned.split('.')[0])).toBeGreaterThanOrEqual(45)
    const installed = createRequire(import.meta.url)('electron/package.json').version
    expect(installed).toBe(pinned)
  })

  it('17. every IPC handler validates its sender frame before reaching the service', async () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(
      [...REQUEST_NAMES.map(requestChannel), DOWNLOAD_CHANNEL].sort()
    )
    const main = win.webContents
    const other = new FakeWebContents('app://workbench/index.html')
    const intruders: [string, FakeWebContents, FakeFrame | null][] = [
      ['another web contents', other, other.mainFrame],
      ['a same-origin subframe', main, new FakeFrame('app://workbench/index.html', main.mainFrame)],
      ['a cross-origin subframe', main, new FakeFrame('https://evil.example/', main.mainFrame)],
      ['a frame that is gone', main, null],
      ['a different top frame', main, new FakeFrame('app://workbench/index.html')]
    ]
    serviceCalls.length = 0
    for (const name of REQUEST_NAMES) {
      for (const [what, sender, frame] of intruders) {
        const reply = (await electron.ipcMain.invoke(requestChannel(name), sender, frame, {})) as Envelope
        expect(reply, `${name} from ${what}`).toMatchObject({ ok: false, error: { name: 'ForbiddenError' } })
      }
    }
    // the main frame navigated off app:// (will-navigate prevents it; checked anyway)
    const url = main.mainFrame.url
    main.mainFrame.url = 'https://evil.example/'
    try {
      for (const name of REQUEST_NAMES) {
        const reply = (await electron.ipcMain.invoke(requestChannel(name), main, main.mainFrame, {})) as Envelope
        expect(reply, name).toMatchObject({ ok: false, error: { name: 'ForbiddenError' } })
      }
    } finally {
      main.mainFrame.url = url
    }
    expect(serviceCalls).toEqual([])
    // and the legitimate caller gets through
    expect(await electron.ipcMain.invoke(requestChannel('app.info'), main, main.mainFrame, {})).toMatchObject({
      ok: true
    })
    expect(serviceCalls).toEqual(['app.info'])
  })

  it('18. a custom app:// protocol instead of file://, serving only the bundle', async () => {
    expect(electron.privileged).toEqual([
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
    expect([...electron.protocolHandlers.keys()]).toEqual(['app'])
    const handler = electron.protocolHandlers.get('app')!
    for (const url of [
      'app://workbench/..%2fsecret.txt',
      'app://workbench/%2e%2e%2fsecret.txt',
      'app://other/index.html'
    ]) {
      const r = await handler(new Request(url))
      expect(r.status, url).toBe(404)
      expect(await r.text()).not.toContain('secret')
    }
  })

  it('19. fuses for packaged builds: runAsNode off, onlyLoadAppFromAsar on (build/afterPack.cjs)', () => {
    const { FUSES } = createRequire(import.meta.url)(join(ROOT, 'build/afterPack.cjs'))
    expect(FUSES).toMatchObject({
      RunAsNode: false,
      OnlyLoadAppFromAsar: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true
    })
  })

  it('20. Electron APIs are not exposed to web content: window.workbench is one function per request plus download() and on()', () => {
    const ipc = { invoke: async () => ({ ok: true, result: null }), on: () => ipc }
    const api = buildWorkbenchApi(ipc) as unknown as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, 'download', 'on'].sort())
    for (const v of Object.values(api)) expect(typeof v).toBe('function')
    expect(Object.isFrozen(api)).toBe(true)
    expect(Object.values(api)).not.toContain(ipc)
    const preload = readFileSync(join(ROOT, 'src-main/preload.ts'), 'utf8')
    expect(preload.match(/exposeInMainWorld|exposeWorkbench\(/g)).toEqual(['exposeWorkbench('])
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/)
  })
})
