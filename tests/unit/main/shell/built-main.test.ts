// The BUILT app (out/main/index.js + out/main/worker.js + out/preload/index.cjs + out/renderer) run under
// plain Node with a fake `electron` module (fixtures/fake-electron-module.mjs, via a resolve hook): start-up
// order, the secure window, app:// with the CSP, the preload's api over IPC, an import and a one-epoch run
// in the bundled worker, events, and a clean quit. Run after `npm run build`; skipped (saying so) without it.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REQUEST_NAMES } from '../../../../src-shared/channels'

const OUT = resolve('out')
const built = ['main/index.js', 'main/worker.js', 'preload/index.cjs', 'renderer/index.html'].every((f) =>
  existsSync(join(OUT, f))
)
if (!built) console.log('SKIP built-main test: out/ is not built (run `npm run build`)')

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe.skipIf(!built)('built Electron main under a fake electron', () => {
  it('starts, serves, bridges, trains in the bundled worker and quits cleanly', () => {
    // A copy of the app root without native/ (a real Electron build there would not load in Node 20).
    const root = mkdtempSync(join(tmpdir(), 'wb-built-'))
    const userData = mkdtempSync(join(tmpdir(), 'wb-built-data-'))
    dirs.push(root, userData)
    cpSync(OUT, join(root, 'out'), { recursive: true })
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'))
    symlinkSync(resolve('resources'), join(root, 'resources'))
    cpSync(resolve('package.json'), join(root, 'package.json'))
    const reportFile = join(userData, 'report.json')
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        resolve('tests/unit/main/shell/fixtures/register-fake-electron.mjs'),
        join(root, 'out/main/index.js')
      ],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          FAKE_ELECTRON_USERDATA: userData,
          FAKE_ELECTRON_REPORT: reportFile,
          FAKE_ELECTRON_PRELOAD: join(root, 'out/preload/index.cjs')
        }
      }
    )
    expect(existsSync(reportFile), `exit ${r.status}\n${r.stdout}\n${r.stderr}`).toBe(true)
    const report = JSON.parse(readFileSync(reportFile, 'utf8'))
    expect(report.errors, r.stderr).toEqual([])
    expect(r.status).toBe(0)

    const calls: string[] = report.calls
    expect(calls.indexOf('registerSchemesAsPrivileged')).toBe(0)
    expect(calls).toContain('enableSandbox')
    expect(calls.indexOf('protocol.handle(app)')).toBeGreaterThan(0)
    expect(report.privileged[0]).toMatchObject({
      scheme: 'app',
      privileges: { standard: true, secure: true, bypassCSP: false }
    })
    expect(report.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true
    })
    expect(report.webPreferences.preload).toBe(join(root, 'out/preload/index.cjs'))
    expect(report.loaded).toBe('app://workbench/index.html')
    expect(report.protocol).toMatchObject({ status: 200, html: true })
    expect(report.protocol.csp).toContain("script-src 'self'")

    // Exactness is checked from the sources (preload-api.test.ts); a stale out/ may lag behind them.
    expect(report.results.apiKeys).toEqual(
      expect.arrayContaining(['app.info', 'datasets.import', 'experiments.start', 'experiments.get', 'on'])
    )
    expect(
      report.results.apiKeys
        .filter((k: string) => k !== 'on' && k !== 'download')
        .every((k: string) => (REQUEST_NAMES as readonly string[]).includes(k))
    ).toBe(true)
    expect(report.results.info).toEqual({ mode: 'electron', dataDir: userData })
    expect(report.results.invalid).toMatchObject({ name: 'ValidationError', issues: [{ path: 'id' }] })
    expect(report.results.dataset.rows).toBeGreaterThan(100)
    expect(report.results.finished).toMatchObject({ status: 'completed' })
    expect(report.results.detail).toEqual({ status: 'completed', epochs: 1 })
    expect(report.events).toEqual(expect.arrayContaining(['datasets.changed', 'training.epoch', 'training.finished']))
    // Quit waited for the service to close, then quit for real.
    expect(calls.filter((c) => c === 'quit').length).toBe(2)
    expect(existsSync(join(userData, 'workbench.db'))).toBe(true)
  }, 120_000)
})
