// The e2e specs' `test`: every test gets a `page` connected to a fresh RNN Workbench on a fresh data
// folder, and an `app` handle to stop and start it again on the same folder.
//
// Which shell runs is chosen by RNN_E2E_SHELL (set by playwright.electron.config.ts):
// - browser (default, playwright.config.ts): `node out/main/serve.js --data-dir DIR` plus the Debian
//   Chromium at the URL it prints (helpers/server.ts);
// - electron: the built app through Playwright's _electron with a fresh user-data folder
//   (tests/e2e-electron/launch.ts). When Electron's binary (or its better-sqlite3 build) is missing,
//   every test skips, printing `SKIP electron e2e: <reason>`.
// A fresh data folder starts with the engine calibration measured by an earlier test (helpers/calibration.ts).
// Uncaught errors in the page fail the test.
import { test as base, expect, type ElectronApplication, type Page, type TestInfo } from '@playwright/test'
import { freshDataDir, startServer, type Server } from './server'
import { launch, unavailable } from '../../e2e-electron/launch'
import { keepCalibration, seedCalibration } from './calibration'

export type Shell = 'browser' | 'electron'
export const SHELL: Shell = process.env.RNN_E2E_SHELL === 'electron' ? 'electron' : 'browser'

export interface App {
  readonly shell: Shell
  /** The data folder (Electron: the user-data folder); workbench.db lives in it. */
  readonly dataDir: string
  /** What the header's mode label says in this shell. */
  readonly modeLabel: string
  /** The window's page (a new one after `start` under Electron). */
  readonly page: Page
  /** The address the page was opened at: browser mode's URL with its token, or app://workbench/index.html. */
  readonly url: string
  /** Browser mode: the running server (null under Electron and while stopped). */
  readonly server: Server | null
  /** Electron: the running application (null in browser mode and while stopped). */
  readonly electron: ElectronApplication | null
  /** Stop the server / quit the app; the data folder stays. */
  stop(): Promise<void>
  /** Start again on the same data folder and open the window; returns its page. */
  start(): Promise<Page>
}

/** Skip the test in the other shell, saying why (e.g. a check of the browser-mode token). */
export function only(shell: Shell, why: string): void {
  if (SHELL === shell) return
  console.log(`SKIP ${SHELL} e2e: ${why}`)
  test.skip(true, why)
}

/** Waits until the page has asked the service who it is (the header shows the mode). */
async function ready(page: Page, label: string): Promise<void> {
  await expect(page.getByTestId('app-mode')).toContainText(label, { timeout: 60_000 })
}

function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(e.message))
}

class BrowserApp implements App {
  readonly shell = 'browser' as const
  readonly modeLabel = 'Browser mode'
  readonly electron = null
  server: Server | null = null
  url = ''
  private data = freshDataDir()
  private started = 0
  constructor(
    readonly page: Page,
    errors: string[],
    private env: Record<string, string>
  ) {
    watchErrors(page, errors)
  }
  get dataDir(): string {
    return this.data.dir
  }

  async start(): Promise<Page> {
    if (!this.started++) seedCalibration(this.data.dir)
    this.server = await startServer(this.data.dir, 30_000, this.env)
    this.url = this.server.url
    await this.page.goto(this.url)
    await ready(this.page, this.modeLabel)
    return this.page
  }

  async stop(): Promise<void> {
    await this.server?.stop()
    this.server = null
  }

  async dispose(): Promise<void> {
    await this.stop()
    if (Object.keys(this.env).length === 0) keepCalibration(this.data.dir)
    this.data.remove()
  }
}

class ElectronApp implements App {
  readonly shell = 'electron' as const
  readonly modeLabel = 'Desktop'
  readonly server = null
  electron: ElectronApplication | null = null
  url = ''
  private current: Page | null = null
  private data = freshDataDir()
  private started = 0
  constructor(
    private errors: string[],
    private env: Record<string, string>
  ) {}
  get dataDir(): string {
    return this.data.dir
  }
  get page(): Page {
    if (!this.current) throw new Error('the Electron app is not running (call app.start())')
    return this.current
  }

  async start(): Promise<Page> {
    if (!this.started++) seedCalibration(this.data.dir)
    const { app, page } = await launch(this.data.dir, this.env)
    this.electron = app
    this.current = page
    watchErrors(page, this.errors)
    await ready(page, this.modeLabel)
    this.url = page.url()
    return page
  }

  async stop(): Promise<void> {
    await this.electron?.close()
    this.electron = null
  }

  async dispose(): Promise<void> {
    await this.stop()
    if (Object.keys(this.env).length === 0) keepCalibration(this.data.dir)
    this.data.remove()
  }
}

function skipWithoutElectron(testInfo: TestInfo): void {
  const reason = unavailable()
  if (!reason) return
  console.log(`SKIP electron e2e: ${testInfo.title}: ${reason}`)
  testInfo.skip(true, reason)
}

interface Fixtures {
  app: App
  pageErrors: string[]
  /** Extra environment for the app, e.g. `test.use({ appEnv: { RNN_WORKBENCH_MAX_RUNS: '2' } })`. */
  appEnv: Record<string, string>
}

const browserTest = base.extend<Fixtures>({
  appEnv: [{}, { option: true }],
  pageErrors: async ({}, use) => {
    const errors: string[] = []
    await use(errors)
    expect(errors, 'uncaught errors in the page').toEqual([])
  },
  app: [
    async ({ page, pageErrors, appEnv }, use) => {
      const app = new BrowserApp(page, pageErrors, appEnv)
      try {
        await app.start()
        await use(app)
      } finally {
        await app.dispose()
      }
    },
    { auto: true }
  ]
})

const electronTest = base.extend<Fixtures>({
  appEnv: [{}, { option: true }],
  pageErrors: async ({}, use) => {
    const errors: string[] = []
    await use(errors)
    expect(errors, 'uncaught errors in the page').toEqual([])
  },
  app: [
    async ({ pageErrors, appEnv }, use, testInfo) => {
      skipWithoutElectron(testInfo)
      const app = new ElectronApp(pageErrors, appEnv)
      try {
        await app.start()
        await use(app)
      } finally {
        await app.dispose()
      }
    },
    { auto: true }
  ],
  // The window of the launched app, never a Chromium page (this overrides Playwright's own `page`,
  // so no browser is started under Electron).
  page: async ({ app }, use) => {
    await use(app.page)
  }
})

export const test = SHELL === 'electron' ? electronTest : browserTest
export { expect }
