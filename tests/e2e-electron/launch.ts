// Launching the built Electron app for the e2e specs, or the reason it cannot run on this machine.
// The binary is located from node_modules/electron/path.txt, never through `require('electron')`, which
// would try to download it (and fail offline).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron, type ElectronApplication, type Page } from '@playwright/test'

export const ROOT = resolve(import.meta.dirname, '../..')

export function electronExecutable(): string | null {
  const pkg = join(ROOT, 'node_modules', 'electron')
  const pathTxt = join(pkg, 'path.txt')
  const name = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : ''
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist')
  const exe = join(dist, name || 'electron')
  return (name || process.env.ELECTRON_OVERRIDE_DIST_PATH) && existsSync(exe) ? exe : null
}

/** Why the Electron e2e cannot run here, or null when it can. */
export function unavailable(): string | null {
  if (!electronExecutable()) {
    return (
      "Electron's binary is not installed (node_modules/electron/path.txt or dist/ missing; it downloads from GitHub, " +
      'which this machine cannot reach). Install it with `npx install-electron --no` on a networked machine.'
    )
  }
  if (!existsSync(join(ROOT, 'native', 'electron', 'better_sqlite3.node'))) {
    return (
      'native/electron/better_sqlite3.node is missing (the Electron build of better-sqlite3 needs Electron headers ' +
      'from the network): run `node scripts/build-electron-sqlite.mjs` or `npm start` once.'
    )
  }
  // A missing build (out/main/index.js) is not a reason to skip: launch() fails and says `npm run build`.
  return null
}

export function freshUserData(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-wb-electron-e2e-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** `env`: extra environment for the app, e.g. { RNN_WORKBENCH_MAX_RUNS: '2' }. */
export async function launch(
  userData: string,
  env: Record<string, string> = {}
): Promise<{ app: ElectronApplication; page: Page }> {
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js')))
    throw new Error('out/main/index.js is missing: run `npm run build` first')
  const args = [ROOT]
  // Chromium refuses to run as root without --no-sandbox (CI containers); the renderer stays JS-sandboxed.
  if (process.getuid?.() === 0) args.unshift('--no-sandbox')
  const app = await _electron.launch({
    executablePath: electronExecutable()!,
    args,
    cwd: ROOT,
    env: { ...process.env, ...env, RNN_WORKBENCH_USER_DATA_DIR: userData, ELECTRON_ENABLE_LOGGING: '1' },
    timeout: 60_000
  })
  const page = await app.firstWindow()
  return { app, page }
}
