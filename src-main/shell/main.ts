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
  const shell = new ElectronShell(electron, opts)
  shell.start()
  return shell
}

/** The shell's state: the service, the window, a start-up failure, and what a quit has to undo. */
class ElectronShell implements Shell {
  workbench: Workbench | null = null
  window: WindowLike | null = null
  failure: string | null = null
  ready: Promise<void> = Promise.resolve()
  readonly closed: Promise<void>
  private markClosed!: () => void
  private closing: Promise<void> | null = null
  private readonly disposers: (() => void)[] = []
  private readonly env: NodeJS.ProcessEnv
  private readonly platform: NodeJS.Platform
  private readonly log: Pick<Console, 'error' | 'warn'>
  private readonly preload: string
  private readonly renderer: string

  constructor(
    private readonly electron: ElectronDeps,
    private readonly opts: ShellOptions
  ) {
    this.env = opts.env ?? process.env
    this.platform = opts.platform ?? process.platform
    this.log = opts.log ?? console
    this.preload = join(opts.root, 'out', 'preload', 'index.cjs')
    this.renderer = rendererDir(opts.root)
    this.closed = new Promise<void>((r) => {
      this.markClosed = r
    })
  }

  start(): void {
    const { app, protocol } = this.electron
    // Before `ready`: the privileged scheme, the sandbox for every renderer, the data folder, one instance.
    registerAppScheme(protocol)
    app.enableSandbox()
    if (this.env[USER_DATA_ENV]) app.setPath('userData', resolve(this.env[USER_DATA_ENV]!))
    if (!app.requestSingleInstanceLock()) {
      // Another RNN Workbench owns this user-data folder; it gets focused (second-instance) and we leave.
      this.failure = 'another instance is running'
      app.quit()
      this.markClosed()
      return
    }
    this.listen()
    this.ready = app.whenReady().then(() => this.onReady())
  }

  /** File → Import CSV… (also what the menu item runs). */
  importCsv = (): Promise<unknown> => {
    if (!this.workbench) return Promise.resolve(null)
    const wb = this.workbench
    return importCsvFromDialog({
      dialog: this.electron.dialog,
      window: this.window && !this.window.isDestroyed() ? this.window : undefined,
      importPath: (path) => wb.importPath(path),
      announce: () => wb.bus.emit('app.command', { command: 'import' })
    })
  }

  private mainContents = (): ContentsLike | null =>
    this.window && !this.window.isDestroyed() ? this.window.webContents : null

  private fail(title: string, message: string): void {
    this.failure = `${title}: ${message}`
    this.log.error(`rnn-workbench: ${this.failure}`)
    this.electron.dialog.showErrorBox(title, message)
    this.electron.app.exit(1)
  }

  private createWindow(): void {
    const w = new this.electron.BrowserWindow(mainWindowOptions(this.preload))
    this.window = w
    w.once('ready-to-show', () => w.show())
    w.on('closed', () => {
      if (this.window === w) this.window = null
    })
    w.loadURL(APP_ENTRY_URL).catch((e: unknown) => this.log.error(`rnn-workbench: cannot load ${APP_ENTRY_URL}`, e))
  }

  private listen(): void {
    const { app } = this.electron
    app.on('second-instance', () => {
      const win = this.window
      if (!win || win.isDestroyed()) return
      if (win.isMinimized()) win.restore()
      win.focus()
    })
    // Every web contents (the window, and anything a bug might create) is kept on app:// and denied popups.
    app.on('web-contents-created', (_event: unknown, contents: GuardedContents) => {
      hardenContents(contents, {
        openExternal: (url) => this.electron.shell.openExternal(url),
        log: (m) => this.log.warn(m)
      })
    })
    app.on('window-all-closed', () => {
      if (this.platform !== 'darwin') app.quit()
    })
    app.on('activate', () => {
      if (this.workbench && !this.window) this.createWindow()
    })
    app.on('before-quit', (event: { preventDefault(): void }) => this.beforeQuit(event))
  }

  private beforeQuit(event: { preventDefault(): void }): void {
    if (!this.workbench) {
      this.markClosed()
      return
    }
    // Stop the runs and close the store before Electron exits; then quit for real.
    event.preventDefault()
    if (this.closing) return
    const wb = this.workbench
    this.closing = (async () => {
      for (const d of this.disposers.splice(0)) d()
      try {
        await wb.close()
      } catch (e) {
        this.log.error('rnn-workbench: closing the store failed', e)
      }
    })()
    void this.closing.finally(() => {
      this.workbench = null
      this.markClosed()
      this.electron.app.quit()
    })
  }

  private onReady(): void {
    const index = join(this.renderer, 'index.html')
    if (!existsSync(index)) {
      this.fail('RNN Workbench is not built', `${index} is missing. Run \`npm start\` or \`npm run build\` first.`)
      return
    }
    const wb = this.openWorkbench()
    if (!wb) return
    this.workbench = wb
    this.wire(wb)
    this.createWindow()
  }

  /** The service on the user-data folder, or null when its store cannot be opened (start-up fails). */
  private openWorkbench(): Workbench | null {
    const nativeBinding = electronNativeBinding(this.opts.root)
    const options: WorkbenchOptions = {
      dataDir: this.electron.app.getPath('userData'),
      mode: 'electron',
      workerFactory: this.opts.workerFactory,
      samplesDir: samplesDir(this.opts.root),
      version: this.opts.version,
      store: nativeBinding ? { nativeBinding } : undefined,
      maxConcurrent: maxRunsFromEnv(this.env)
    }
    try {
      return (this.opts.openWorkbench ?? ((o) => new Workbench(o)))(options)
    } catch (e) {
      this.fail('RNN Workbench cannot open its store', storeOpenHint(e, nativeBinding))
      return null
    }
  }

  /** Permissions, the app:// protocol, IPC, events, downloads and the menu for the opened service. */
  private wire(wb: Workbench): void {
    const { electron } = this
    const mainContents = this.mainContents
    denyAllPermissions(electron.session.defaultSession)
    installAppProtocol(electron.protocol, this.renderer)
    this.disposers.push(
      registerRequestHandlers({
        ipcMain: electron.ipcMain,
        service: wb,
        mainContents,
        log: (m, e) => (e ? this.log.error(m, e) : this.log.warn(m))
      }),
      forwardEvents(wb, mainContents),
      registerDownloadHandler({
        ipcMain: electron.ipcMain,
        service: wb,
        mainContents,
        dialog: electron.dialog,
        downloadsDir: electron.app.getPath('downloads'),
        dataDir: wb.opts.dataDir
      })
    )
    electron.Menu.setApplicationMenu(
      electron.Menu.buildFromTemplate(menuTemplate({ importCsv: () => void this.importCsv() }, this.platform))
    )
  }
}
