// The Electron shell's wiring: app lifecycle, the Workbench service in the user-data folder, the app://
// protocol, the secure main window, IPC, events, menu and shutdown. Runtime: Electron main. Every Electron
// object comes in through `ElectronDeps`, so tests drive this with a fake electron under plain Node.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { MenuItemConstructorOptions } from 'electron'
import { Workbench, type WorkbenchOptions } from '../services/workbench'
import type { WorkerFactory } from '../services/worker-factory'
import { rendererDir, samplesDir } from '../paths'
import { APP_ENTRY_URL } from './origin'
import { installAppProtocol, registerAppScheme, type ProtocolLike } from './protocol'
import { denyAllPermissions, hardenContents, type GuardedContents, type SessionLike } from './security'
import { mainWindowOptions, type MainWindowOptions } from './window'
import { maxRunsFromEnv } from './max-runs'
import { forwardEvents, registerRequestHandlers, type ContentsLike, type IpcMainLike } from './ipc'
import { importCsvFromDialog, menuTemplate, type OpenDialogLike } from './menu'
import { registerDownloadHandler, type SaveDialogLike } from './download-ipc'
import { electronNativeBinding, storeOpenHint } from './native-binding'

export interface AppLike {
  whenReady(): Promise<unknown>
  on(event: string, listener: (...args: any[]) => void): unknown
  quit(): void
  exit(code?: number): void
  getPath(name: 'userData' | 'downloads'): string
  setPath(name: 'userData', path: string): void
  enableSandbox(): void
  requestSingleInstanceLock(): boolean
}

export interface WindowLike {
  readonly webContents: ContentsLike & GuardedContents
  loadURL(url: string): Promise<unknown>
  once(event: 'ready-to-show', listener: () => void): unknown
  on(event: 'closed', listener: () => void): unknown
  show(): void
  focus(): void
  isMinimized(): boolean
  restore(): void
  isDestroyed(): boolean
}

export interface ElectronDeps {
  app: AppLike
  BrowserWindow: new (options: MainWindowOptions) => WindowLike
  ipcMain: IpcMainLike
  Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): unknown
    setApplicationMenu(menu: any): void
  }
  dialog: OpenDialogLike & SaveDialogLike
  protocol: ProtocolLike
  session: { defaultSession: SessionLike }
  shell: { openExternal(url: string): Promise<void> }
}

export interface ShellOptions {
  /** The app's root folder (holds out/ and native/); appRoot(import.meta.url) in index.ts. */
  root: string
  workerFactory: WorkerFactory
  version: string
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  /** Tests may wrap the service; defaults to `new Workbench(options)`. */
  openWorkbench?: (options: WorkbenchOptions) => Workbench
  log?: Pick<Console, 'error' | 'warn'>
}

export interface Shell {
  /** Resolves when start-up is over: the window is loading the app, or start-up failed (then `failure` is set). */
  readonly ready: Promise<void>
  readonly workbench: Workbench | null
  readonly window: WindowLike | null
  readonly failure: string | null
  /** File → Import CSV… (also what the menu item runs). */
  importCsv(): Promise<unknown>
  /** Resolves once the service is closed after a quit. */
  readonly closed: Promise<void>
}

/** Environment variable that moves the user-data folder (end-to-end tests use a temp folder). */
export const USER_DATA_ENV = 'RNN_WORKBENCH_USER_DATA_DIR'

export function startShell(electron: ElectronDeps, opts: ShellOptions): Shell {
  const { app, protocol } = electron
  const env = opts.env ?? process.env
  const platform = opts.platform ?? process.platform
  const log = opts.log ?? console
  const preload = join(opts.root, 'out', 'preload', 'index.cjs')
  const renderer = rendererDir(opts.root)

  let workbench: Workbench | null = null
  let win: WindowLike | null = null
  let failure: string | null = null
  const disposers: (() => void)[] = []
  let closing: Promise<void> | null = null
  let markClosed!: () => void
  const closed = new Promise<void>((r) => {
    markClosed = r
  })

  // Before `ready`: the privileged scheme, the sandbox for every renderer, the data folder, one instance.
  registerAppScheme(protocol)
  app.enableSandbox()
  if (env[USER_DATA_ENV]) app.setPath('userData', resolve(env[USER_DATA_ENV]!))

  const mainContents = (): ContentsLike | null => (win && !win.isDestroyed() ? win.webContents : null)

  const fail = (title: string, message: string): void => {
    failure = `${title}: ${message}`
    log.error(`rnn-workbench: ${failure}`)
    electron.dialog.showErrorBox(title, message)
    app.exit(1)
  }

  const importCsv = () => {
    if (!workbench) return Promise.resolve(null)
    const wb = workbench
    return importCsvFromDialog({
      dialog: electron.dialog,
      window: win && !win.isDestroyed() ? win : undefined,
      importPath: (path) => wb.importPath(path),
      announce: () => wb.bus.emit('app.command', { command: 'import' })
    })
  }

  const createWindow = (): void => {
    const w = new electron.BrowserWindow(mainWindowOptions(preload))
    win = w
    w.once('ready-to-show', () => w.show())
    w.on('closed', () => {
      if (win === w) win = null
    })
    w.loadURL(APP_ENTRY_URL).catch((e: unknown) => log.error(`rnn-workbench: cannot load ${APP_ENTRY_URL}`, e))
  }

  const shell = {
    get workbench() {
      return workbench
    },
    get window() {
      return win
    },
    get failure() {
      return failure
    },
    importCsv,
    closed,
    ready: Promise.resolve()
  }

  if (!app.requestSingleInstanceLock()) {
    // Another RNN Workbench owns this user-data folder; it gets focused (second-instance) and we leave.
    failure = 'another instance is running'
    app.quit()
    markClosed()
    return shell
  }

  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  // Every web contents (the window, and anything a bug might create) is kept on app:// and denied popups.
  app.on('web-contents-created', (_event: unknown, contents: GuardedContents) => {
    hardenContents(contents, { openExternal: (url) => electron.shell.openExternal(url), log: (m) => log.warn(m) })
  })
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (workbench && !win) createWindow()
  })
  app.on('before-quit', (event: { preventDefault(): void }) => {
    if (!workbench) {
      markClosed()
      return
    }
    // Stop the runs and close the store before Electron exits; then quit for real.
    event.preventDefault()
    if (closing) return
    const wb = workbench
    closing = (async () => {
      for (const d of disposers.splice(0)) d()
      try {
        await wb.close()
      } catch (e) {
        log.error('rnn-workbench: closing the store failed', e)
      }
    })()
    void closing.finally(() => {
      workbench = null
      markClosed()
      app.quit()
    })
  })

  shell.ready = app.whenReady().then(() => {
    if (!existsSync(join(renderer, 'index.html'))) {
      fail(
        'RNN Workbench is not built',
        `${join(renderer, 'index.html')} is missing. Run \`npm start\` or \`npm run build\` first.`
      )
      return
    }
    const dataDir = app.getPath('userData')
    const nativeBinding = electronNativeBinding(opts.root)
    const options: WorkbenchOptions = {
      dataDir,
      mode: 'electron',
      workerFactory: opts.workerFactory,
      samplesDir: samplesDir(opts.root),
      version: opts.version,
      store: nativeBinding ? { nativeBinding } : undefined,
      maxConcurrent: maxRunsFromEnv(env)
    }
    try {
      workbench = (opts.openWorkbench ?? ((o) => new Workbench(o)))(options)
    } catch (e) {
      fail('RNN Workbench cannot open its store', storeOpenHint(e, nativeBinding))
      return
    }
    const wb = workbench
    denyAllPermissions(electron.session.defaultSession)
    installAppProtocol(protocol, renderer)
    disposers.push(
      registerRequestHandlers({
        ipcMain: electron.ipcMain,
        service: wb,
        mainContents,
        log: (m, e) => (e ? log.error(m, e) : log.warn(m))
      }),
      forwardEvents(wb, mainContents),
      registerDownloadHandler({
        ipcMain: electron.ipcMain,
        service: wb,
        mainContents,
        dialog: electron.dialog,
        downloadsDir: app.getPath('downloads')
      })
    )
    electron.Menu.setApplicationMenu(
      electron.Menu.buildFromTemplate(menuTemplate({ importCsv: () => void importCsv() }, platform))
    )
    createWindow()
  })
  return shell
}
