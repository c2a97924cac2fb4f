// The whole shell wired with a fake electron and a real Workbench: scheme before ready, sandbox, the
// store in userData, a secure window on app://workbench, IPC + events, File → Import CSV…, quit closes.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DOWNLOAD_CHANNEL, EVENT_CHANNEL, REQUEST_NAMES, requestChannel } from '../../../../src-shared/channels'
import { startShell, USER_DATA_ENV, type Shell } from '../../../../src-main/shell/main'
import type { Workbench, WorkbenchOptions } from '../../../../src-main/services/workbench'
import { Workbench as RealWorkbench } from '../../../../src-main/services/workbench'
import { STORE_FILE } from '../../../../src-main/store/index'
import type { Envelope } from '../../../../src-main/shell/envelope'
import { fakeElectron, FakeWindow, type FakeElectron } from './fake-electron'
import { tsWorkerFactory } from './workbench-fixture'

const dirs: string[] = []
const quiet = { error: () => {}, warn: () => {} }

function tempRoot(built = true): string {
  const root = mkdtempSync(join(tmpdir(), 'wb-root-'))
  dirs.push(root)
  if (built) {
    mkdirSync(join(root, 'out', 'renderer'), { recursive: true })
    writeFileSync(join(root, 'out', 'renderer', 'index.html'), '<!doctype html>')
  }
  symlinkSync(resolve('resources'), join(root, 'resources'))
  return root
}

async function boot(
  opts: { built?: boolean; env?: NodeJS.ProcessEnv; openWorkbench?: (o: WorkbenchOptions) => Workbench } = {}
) {
  const userData = mkdtempSync(join(tmpdir(), 'wb-userdata-'))
  dirs.push(userData)
  const electron = fakeElectron(userData)
  const opened: WorkbenchOptions[] = []
  const shell = startShell(electron, {
    root: tempRoot(opts.built ?? true),
    workerFactory: tsWorkerFactory(),
    version: '9.9.9',
    env: opts.env ?? {},
    platform: 'linux',
    log: quiet,
    openWorkbench: (o) => {
      opened.push(o)
      return (opts.openWorkbench ?? ((x) => new RealWorkbench(x)))(o)
    }
  })
  const before = [...electron.calls]
  electron.app.ready()
  await shell.ready
  return { electron, shell, before, opened, userData }
}

async function quit(electron: FakeElectron, shell: Shell) {
  electron.app.quit()
  await shell.closed
}

afterEach(() => {
  FakeWindow.instances.length = 0
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('startShell', () => {
  it('registers the app:// scheme and the sandbox before ready', async () => {
    const { electron, shell, before } = await boot()
    expect(before).toContain('registerSchemesAsPrivileged')
    expect(before).toContain('enableSandbox')
    expect(before).not.toContain('ready')
    expect(electron.privileged[0]).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true } })
    expect(electron.calls.indexOf('protocol.handle(app)')).toBeGreaterThan(electron.calls.indexOf('ready'))
    await quit(electron, shell)
  })

  it('opens the store in userData (no native binding when native/electron is absent) and a secure window on app://', async () => {
    const { electron, shell, opened, userData } = await boot()
    expect(opened[0]).toMatchObject({ dataDir: userData, mode: 'electron', version: '9.9.9' })
    expect(opened[0].store).toBeUndefined()
    expect(shell.workbench!.store).toBeDefined()
    const win = FakeWindow.instances[0]
    expect(win.loaded).toBe('app://workbench/index.html')
    expect(win.shown).toBe(true)
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true
    })
    expect(win.options.webPreferences.preload).toMatch(/out[\\/]preload[\\/]index\.cjs$/)
    expect(electron.calls).toContain('setApplicationMenu')
    // Guards were installed on the window's contents via web-contents-created.
    expect(win.webContents.navigate('https://example.com/')).toBe(true)
    expect(win.webContents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    const granted: boolean[] = []
    electron.permissionRequest!(win.webContents, 'media', (g) => granted.push(g))
    expect(granted).toEqual([false])
    // The protocol handler serves the renderer with the CSP.
    const r = await electron.protocolHandlers.get('app')!(new Request('app://workbench/index.html'))
    expect(r.status).toBe(200)
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'")
    await quit(electron, shell)
  })

  it('honours the user-data override used by the end-to-end tests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-override-'))
    dirs.push(dir)
    const { electron, shell, opened } = await boot({ env: { [USER_DATA_ENV]: dir } })
    expect(opened[0].dataDir).toBe(dir)
    await quit(electron, shell)
  })

  it('answers IPC from the window and forwards events; refuses other senders', async () => {
    const { electron, shell } = await boot()
    const win = FakeWindow.instances[0]
    const wc = win.webContents
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(
      [...REQUEST_NAMES.map(requestChannel), DOWNLOAD_CHANNEL].sort()
    )
    const info = (await electron.ipcMain.invoke(requestChannel('app.info'), wc, wc.mainFrame, {})) as Envelope<{
      mode: string
    }>
    expect(info).toMatchObject({ ok: true, result: { mode: 'electron' } })
    const bad = (await electron.ipcMain.invoke(requestChannel('datasets.get'), wc, wc.mainFrame, {
      id: 'x'
    })) as Envelope
    expect(bad).toMatchObject({ ok: false, error: { name: 'ValidationError', issues: [{ path: 'id' }] } })
    const intruder = new (electron.BrowserWindow as unknown as typeof FakeWindow)(win.options, electron.app)
    await intruder.loadURL('app://workbench/index.html')
    const refused = (await electron.ipcMain.invoke(
      requestChannel('datasets.list'),
      intruder.webContents,
      intruder.webContents.mainFrame,
      {}
    )) as Envelope
    expect(refused).toMatchObject({ ok: false, error: { name: 'ForbiddenError' } })
    shell.workbench!.bus.emit('experiments.changed', {})
    expect(wc.sent.at(-1)).toEqual({ channel: EVENT_CHANNEL, args: ['experiments.changed', {}] })
    expect(intruder.webContents.sent).toEqual([])
    await quit(electron, shell)
  })

  it('File → Import CSV… imports the chosen file in main and emits datasets.changed then app.command', async () => {
    const { electron, shell } = await boot()
    const wc = FakeWindow.instances[0].webContents
    electron.dialogAnswer = { canceled: false, filePaths: [resolve('resources/samples/co2-monthly.csv')] }
    const file = (
      electron.menuTemplate as { label?: string; submenu?: { label?: string; click?: () => void }[] }[]
    ).find((m) => m.label === 'File')!.submenu!
    expect(file[0].label).toBe('Import CSV…')
    const dataset = (await shell.importCsv()) as { id: number }
    expect(dataset.id).toBeGreaterThan(0)
    const names = wc.sent.map((s) => s.args[0])
    expect(names).toEqual(['datasets.changed', 'app.command'])
    expect(wc.sent[1].args[1]).toEqual({ command: 'import' })
    expect(electron.errorBoxes).toEqual([])
    const list = await shell.workbench!.call('datasets.list', {})
    expect(list).toHaveLength(1)
    await quit(electron, shell)
  })

  it('quitting stops the service, closes the store and removes the handlers, once', async () => {
    let closes = 0
    const { electron, shell } = await boot({
      openWorkbench: (o) => {
        const wb = new RealWorkbench(o)
        const close = wb.close.bind(wb)
        wb.close = async () => {
          closes++
          await close()
        }
        return wb
      }
    })
    const wb = shell.workbench!
    electron.app.quit()
    electron.app.quit()
    await shell.closed
    expect(closes).toBe(1)
    expect(electron.app.quitting).toBe(true)
    expect(electron.ipcMain.handlers.size).toBe(0)
    expect(shell.workbench).toBeNull()
    expect(wb.store.db.open).toBe(false)
  })

  it('restarting on the same userData finds the data again', async () => {
    const first = await boot()
    await first.shell.workbench!.call('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    await quit(first.electron, first.shell)
    const electron = fakeElectron(first.userData)
    const shell = startShell(electron, {
      root: tempRoot(),
      workerFactory: tsWorkerFactory(),
      version: 'x',
      env: {},
      platform: 'linux',
      log: quiet
    })
    electron.app.ready()
    await shell.ready
    expect(await shell.workbench!.call('datasets.list', {})).toHaveLength(1)
    await quit(electron, shell)
  })

  it('reports a missing renderer build instead of opening an empty window', async () => {
    const { electron, shell } = await boot({ built: false })
    expect(shell.failure).toMatch(/not built/)
    expect(electron.errorBoxes[0].content).toMatch(/npm start/)
    expect(electron.calls).toContain('exit(1)')
    expect(FakeWindow.instances).toHaveLength(0)
  })

  it('explains a store that cannot load (e.g. better-sqlite3 built for the wrong ABI)', async () => {
    const { electron, shell } = await boot({
      openWorkbench: () => {
        throw new Error(
          'The module better_sqlite3.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 150.'
        )
      }
    })
    expect(electron.errorBoxes[0].title).toMatch(/store/)
    expect(electron.errorBoxes[0].content).toMatch(/native[\\/]electron[\\/]better_sqlite3\.node/)
    expect(electron.errorBoxes[0].content).toMatch(/build-electron-sqlite/)
    expect(electron.calls).toContain('exit(1)')
    expect(shell.workbench).toBeNull()
  })

  it('passes native/electron/better_sqlite3.node to the store when it exists', async () => {
    const root = tempRoot()
    mkdirSync(join(root, 'native', 'electron'), { recursive: true })
    writeFileSync(join(root, 'native', 'electron', 'better_sqlite3.node'), '')
    const userData = mkdtempSync(join(tmpdir(), 'wb-userdata-'))
    dirs.push(userData)
    const electron = fakeElectron(userData)
    const seen: WorkbenchOptions[] = []
    const shell = startShell(electron, {
      root,
      workerFactory: tsWorkerFactory(),
      version: 'x',
      env: {},
      platform: 'linux',
      log: quiet,
      openWorkbench: (o) => {
        seen.push(o)
        throw new Error('stop here')
      }
    })
    electron.app.ready()
    await shell.ready
    expect(seen[0].store).toEqual({ nativeBinding: join(root, 'native', 'electron', 'better_sqlite3.node') })
    expect(STORE_FILE).toBe('workbench.db')
  })

  it('closing the last window quits (except on macOS, where activate reopens it)', async () => {
    const { electron, shell } = await boot()
    FakeWindow.instances[0].close()
    electron.app.emit('window-all-closed')
    await shell.closed
    expect(electron.app.quitting).toBe(true)

    const userData = mkdtempSync(join(tmpdir(), 'wb-userdata-'))
    dirs.push(userData)
    const mac = fakeElectron(userData)
    const macShell = startShell(mac, {
      root: tempRoot(),
      workerFactory: tsWorkerFactory(),
      version: 'x',
      env: {},
      platform: 'darwin',
      log: quiet
    })
    mac.app.ready()
    await macShell.ready
    FakeWindow.instances.at(-1)!.close()
    mac.app.emit('window-all-closed')
    expect(mac.app.quitting).toBe(false)
    expect(macShell.window).toBeNull()
    mac.app.emit('activate')
    expect(macShell.window).not.toBeNull()
    await quit(mac, macShell)
  })

  it('a second instance on the same user-data folder leaves at once', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'wb-userdata-'))
    dirs.push(userData)
    const electron = fakeElectron(userData)
    electron.app.requestSingleInstanceLock = () => false
    let opened = 0
    const shell = startShell(electron, {
      root: tempRoot(),
      workerFactory: tsWorkerFactory(),
      version: 'x',
      env: {},
      platform: 'linux',
      log: quiet,
      openWorkbench: (o) => {
        opened++
        return new RealWorkbench(o)
      }
    })
    electron.app.ready()
    await shell.ready
    await shell.closed
    expect(electron.calls).toContain('quit')
    expect(opened).toBe(0)
    expect(FakeWindow.instances).toHaveLength(0)
  })
})
