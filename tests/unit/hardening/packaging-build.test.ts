// A real (offline) electron-builder run of electron-builder.json5: `--linux dir` in a temp copy of the
// project, with a stand-in Electron distribution (a file carrying Electron's fuse sentinel and its default
// fuse wire), so no download is needed. Proves that the asar holds the built app and samples, that the
// Electron build of better-sqlite3 lands in app.asar.unpacked, and that the afterPack hook flipped the
// fuses in the packaged binary. Skips with the reason when electron-builder or out/ is missing.
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const require = createRequire(import.meta.url)
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
// Electron's default V1 wire: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity,
// OnlyLoadAppFromAsar, BrowserV8Snapshot, FileProtocolExtraPrivileges, WasmTrapHandlers ('1' on, '0' off).
const DEFAULT_WIRE = '101100011'
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('electron-builder --linux dir (offline, stand-in Electron)', () => {
  it('packs the app into the asar, unpacks the native code, and flips the fuses', async (ctx) => {
    const builder = join(ROOT, 'node_modules/.bin/electron-builder')
    if (!existsSync(builder)) {
      console.log('skip: electron-builder is not installed (npm i -D electron-builder@26.17.0)')
      ctx.skip()
      return
    }
    if (!existsSync(join(ROOT, 'out/main/index.js'))) {
      console.log('skip: out/ is not built (npm run build)')
      ctx.skip()
      return
    }
    const tmp = mkdtempSync(join(tmpdir(), 'wb-pack-'))
    dirs.push(tmp)
    // Stand-in Electron distribution.
    const dist = join(tmp, 'electron-dist')
    mkdirSync(dist)
    writeFileSync(
      join(dist, 'electron'),
      Buffer.concat([
        Buffer.alloc(4096, 0x7f),
        Buffer.from(SENTINEL),
        Buffer.from([1, DEFAULT_WIRE.length]),
        Buffer.from(DEFAULT_WIRE),
        Buffer.alloc(4096)
      ])
    )
    chmodSync(join(dist, 'electron'), 0o755)
    writeFileSync(join(dist, 'version'), '45.5.0')
    writeFileSync(join(dist, 'LICENSE'), 'MIT')
    // The project: the real config, hook, built app, samples and icons; a stand-in native/electron build;
    // runtime dependencies trimmed to better-sqlite3 + zod to keep the run short.
    const proj = join(tmp, 'project')
    mkdirSync(join(proj, 'native', 'electron'), { recursive: true })
    for (const p of ['electron-builder.json5', 'build/afterPack.cjs', 'out', 'resources/samples', 'resources/icons'])
      cpSync(join(ROOT, p), join(proj, p), { recursive: true })
    writeFileSync(join(proj, 'native/electron/better_sqlite3.node'), 'stand-in for the Electron build')
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    pkg.dependencies = { 'better-sqlite3': pkg.dependencies['better-sqlite3'], zod: pkg.dependencies.zod }
    pkg.devDependencies = { electron: pkg.devDependencies.electron }
    pkg.author = 'RNN Workbench contributors'
    delete pkg.scripts
    writeFileSync(join(proj, 'package.json'), JSON.stringify(pkg, null, 2))
    symlinkSync(join(ROOT, 'node_modules'), join(proj, 'node_modules'))

    const r = spawnSync(
      builder,
      ['--linux', 'dir', '--publish', 'never', `-c.electronDist=${dist}`, '-c.electronVersion=45.5.0'],
      {
        cwd: proj,
        encoding: 'utf8',
        timeout: 240_000,
        env: { ...process.env, CI: '1' }
      }
    )
    const log = `${r.stdout}\n${r.stderr}`
      .split('\n')
      .filter((l) => !l.includes('duplicate dependency'))
      .join('\n')
    expect(r.status, log.slice(-3000)).toBe(0)
    expect(log).toMatch(/afterPack: fuses set on .*rnn-workbench/)

    const out = join(proj, 'dist', 'linux-unpacked')
    const binary = join(out, 'rnn-workbench')
    expect(existsSync(binary)).toBe(true)
    const fuses = await import('@electron/fuses' as string).then((m) => (m.flipFuses ? m : m.default))
    const wire = await fuses.getCurrentFuseWire(binary)
    const on = (name: string) => wire[fuses.FuseV1Options[name]] === fuses.FuseState.ENABLE
    expect(on('RunAsNode')).toBe(false)
    expect(on('OnlyLoadAppFromAsar')).toBe(true)
    expect(on('EnableNodeOptionsEnvironmentVariable')).toBe(false)
    expect(on('EnableNodeCliInspectArguments')).toBe(false)
    expect(on('EnableEmbeddedAsarIntegrityValidation')).toBe(true)
    expect(on('GrantFileProtocolExtraPrivileges')).toBe(false)

    const asar = require('@electron/asar')
    const files: string[] = asar
      .listPackage(join(out, 'resources', 'app.asar'))
      .map((f: string) => f.replaceAll('\\', '/'))
    for (const f of [
      '/package.json',
      '/out/main/index.js',
      '/out/main/worker.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/resources/samples/co2-monthly.csv',
      '/native/electron/better_sqlite3.node',
      '/node_modules/better-sqlite3/lib/database.js',
      '/node_modules/zod/package.json'
    ]) {
      expect(files, f).toContain(f)
    }
    for (const bad of [
      /^\/src-/,
      /^\/tests\//,
      /^\/docs\//,
      /\.map$/,
      /^\/electron-builder\.json5$/,
      /^\/build\//,
      /better-sqlite3\/(src|deps)\//,
      /better-sqlite3\/build\/Release\/obj/
    ]) {
      expect(
        files.filter((f) => bad.test(f)),
        String(bad)
      ).toEqual([])
    }
    // Native code is outside the asar, where Electron's require/dlopen can load it.
    const unpacked = join(out, 'resources', 'app.asar.unpacked')
    expect(readFileSync(join(unpacked, 'native/electron/better_sqlite3.node'), 'utf8')).toBe(
      'stand-in for the Electron build'
    )
    expect(existsSync(join(unpacked, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true)
    expect(existsSync(join(unpacked, 'node_modules/better-sqlite3/build/Release/obj'))).toBe(false)
    expect(existsSync(join(unpacked, 'out'))).toBe(false)
    console.log(
      `electron-builder --linux dir: ${files.length} entries in app.asar; fuses ${Object.keys(wire)
        .filter((k) => k !== 'version')
        .map((k) => String.fromCharCode(wire[k]))
        .join('')} (was ${DEFAULT_WIRE})`
    )
  }, 300_000)
})
