// A fake `electron` for the shell tests: just enough of app, BrowserWindow, webContents, frames, ipcMain,
// ipcRenderer, contextBridge, Menu, dialog, protocol, session and shell to drive src-main/shell under Node.
import { EventEmitter } from 'node:events'
import type { ElectronDeps } from '../../../../src-main/shell/main'
import type { MainWindowOptions } from '../../../../src-main/shell/window'

let nextId = 1

export class FakeFrame {
  readonly processId: number
  readonly routingId: number
  constructor(
    public url: string,
    readonly parent: FakeFrame | null = null
  ) {
    this.processId = 7
    this.routingId = nextId++
  }
}

export class FakeEvent {
  defaultPrevented = false
  constructor(readonly url?: string) {}
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++
  readonly mainFrame: FakeFrame
  readonly sent: { channel: string; args: unknown[] }[] = []
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null
  destroyed = false
  constructor(url = 'app://workbench/index.html') {
    super()
    this.mainFrame = new FakeFrame(url)
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h
  }
  /** Simulates a navigation attempt; returns whether it was prevented. */
  navigate(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const e = new FakeEvent(url)
    this.emit(event, e, url)
    return e.defaultPrevented
  }
}

type Handler = (event: any, ...args: any[]) => unknown

export class FakeIpcMain {
  readonly handlers = new Map<string, Handler>()
  handle(channel: string, h: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, h)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /** Calls a handler as if `frame` of `sender` invoked it. */
  invoke(channel: string, sender: FakeWebContents, frame: FakeFrame | null, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel)
    if (!h) throw new Error(`no handler for ${channel}`)
    return Promise.resolve(h({ sender, senderFrame: frame }, ...args))
  }
}

/** An ipcRenderer wired to a FakeIpcMain, calling from the main frame of `contents`. */
export class FakeIpcRenderer {
  readonly listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>()
  constructor(
    readonly main: FakeIpcMain | null,
    readonly contents: FakeWebContents = new FakeWebContents()
  ) {}
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    if (!this.main) return Promise.resolve({ ok: true, result: { channel, args } })
    return this.main.invoke(channel, this.contents, this.contents.mainFrame, ...args)
  }
  on(channel: string, l: (event: unknown, ...args: unknown[]) => void): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), l])
    return this
  }
  /** Delivers what main sent with webContents.send. */
  deliver(channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l({ sender: this, ports: [] }, ...args)
  }
}

export class FakeWindow extends EventEmitter {
  static instances: FakeWindow[] = []
  readonly webContents: FakeWebContents
  loaded: string | null = null
  shown = false
  destroyed = false
  constructor(
    readonly options: MainWindowOptions,
    readonly app: FakeApp
  ) {
    super()
    this.webContents = new FakeWebContents('about:blank')
    FakeWindow.instances.push(this)
    app.emit('web-contents-created', new FakeEvent(), this.webContents)
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = url
    this.webContents.mainFrame.url = url
    this.emit('ready-to-show')
  }
  show(): void {
    this.shown = true
  }
  focus(): void {}
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed
  }
  close(): void {
    this.destroyed = true
    this.webContents.destroyed = true
    this.emit('closed')
  }
}

export class FakeApp extends EventEmitter {
  readonly calls: string[] = []
  readonly paths: Record<string, string> = {}
  exitCode: number | null = null
  quitting = false
  private readyResolve!: () => void
  private readyPromise = new Promise<void>((r) => {
    this.readyResolve = r
  })
  constructor(userData: string) {
    super()
    this.paths.userData = userData
  }
  whenReady(): Promise<void> {
    return this.readyPromise
  }
  ready(): void {
    this.calls.push('ready')
    this.readyResolve()
  }
  quit(): void {
    this.calls.push('quit')
    const e = new FakeEvent()
    this.emit('before-quit', e)
    if (!e.defaultPrevented) this.quitting = true
  }
  exit(code = 0): void {
    this.calls.push(`exit(${code})`)
    this.exitCode = code
  }
  getPath(name: string): string {
    return this.paths[name]
  }
  setPath(name: string, p: string): void {
    this.calls.push(`setPath(${name})`)
    this.paths[name] = p
  }
  enableSandbox(): void {
    this.calls.push('enableSandbox')
  }
  requestSingleInstanceLock(): boolean {
    return true
  }
}

export interface FakeElectron extends ElectronDeps {
  app: FakeApp
  ipcMain: FakeIpcMain
  calls: string[]
  menuTemplate: unknown[] | null
  dialogAnswer: { canceled: boolean; filePaths: string[] }
  errorBoxes: { title: string; content: string }[]
  opened: string[]
  protocolHandlers: Map<string, (r: Request) => Response | Promise<Response>>
  privileged: { scheme: string; privileges: Record<string, boolean> }[]
  permissionRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null
  permissionCheck: ((wc: unknown, permission: string) => boolean) | null
}

export function fakeElectron(userData: string): FakeElectron {
  const app = new FakeApp(userData)
  const fake: FakeElectron = {
    app,
    ipcMain: new FakeIpcMain(),
    calls: app.calls,
    menuTemplate: null,
    dialogAnswer: { canceled: true, filePaths: [] },
    errorBoxes: [],
    opened: [],
    protocolHandlers: new Map(),
    privileged: [],
    permissionRequest: null,
    permissionCheck: null,
    BrowserWindow: class extends FakeWindow {
      constructor(options: MainWindowOptions) {
        super(options, app)
      }
    },
    Menu: {
      buildFromTemplate: (t) => {
        fake.menuTemplate = t
        return { template: t }
      },
      setApplicationMenu: () => {
        app.calls.push('setApplicationMenu')
      }
    },
    dialog: {
      showOpenDialog: async () => fake.dialogAnswer,
      showSaveDialog: async () => ({ canceled: true }),
      showErrorBox: (title, content) => {
        fake.errorBoxes.push({ title, content })
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (s) => {
        app.calls.push('registerSchemesAsPrivileged')
        fake.privileged.push(...s)
      },
      handle: (scheme, h) => {
        app.calls.push(`protocol.handle(${scheme})`)
        fake.protocolHandlers.set(scheme, h)
      }
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h) => {
          fake.permissionRequest = h
        },
        setPermissionCheckHandler: (h) => {
          fake.permissionCheck = h
        }
      }
    },
    shell: {
      openExternal: async (url) => {
        fake.opened.push(url)
      }
    }
  }
  return fake
}
