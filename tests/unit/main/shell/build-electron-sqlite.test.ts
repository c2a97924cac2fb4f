// scripts/build-electron-sqlite.mjs, run as a program with a fake node-gyp: it builds in a temp copy with
// --runtime=electron and without npm's nodedir, refuses a module for the wrong ABI, installs into
// native/electron with a stamp, skips when up to date, and explains a missing network clearly.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SCRIPT = resolve('scripts/build-electron-sqlite.mjs')
const ELECTRON_VERSION = JSON.parse(readFileSync(resolve('node_modules/electron/package.json'), 'utf8'))
  .version as string
const ABI = readFileSync(resolve('node_modules/electron/abi_version'), 'utf8').trim()

const FAKE_GYP = `
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
writeFileSync(process.env.FAKE_GYP_LOG, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, hadBuild: existsSync('build'), hasSrc: existsSync('binding.gyp') }))
const mode = process.env.FAKE_GYP_MODE
if (mode === 'offline') {
  console.error('gyp http GET https://electronjs.org/headers/v${ELECTRON_VERSION}/node-v${ELECTRON_VERSION}-headers.tar.gz')
  console.error('gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org')
  process.exit(1)
}
if (mode === 'compile-error') { console.error('make: *** [sqlite3.o] Error 1'); process.exit(1) }
mkdirSync('build/Release', { recursive: true })
writeFileSync('build/Release/better_sqlite3.node', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.from('node_register_module_v' + (mode === 'wrong-abi' ? '115' : '${ABI}') + '\\0')]))
`

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-sqlite-build-'))
  writeFileSync(join(dir, 'node-gyp.mjs'), FAKE_GYP)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function runScript(mode: string, extraEnv: Record<string, string> = {}) {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) env[k] = v
  Object.assign(env, {
    RNN_WORKBENCH_NODE_GYP: join(dir, 'node-gyp.mjs'),
    RNN_WORKBENCH_NATIVE_DIR: join(dir, 'native'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    FAKE_GYP_LOG: join(dir, 'gyp.json'),
    FAKE_GYP_MODE: mode,
    ...extraEnv
  })
  const r = spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8' })
  const log = existsSync(join(dir, 'gyp.json')) ? JSON.parse(readFileSync(join(dir, 'gyp.json'), 'utf8')) : null
  rmSync(join(dir, 'gyp.json'), { force: true })
  return {
    code: r.status,
    out: r.stdout + r.stderr,
    gyp: log as null | { argv: string[]; cwd: string; env: Record<string, string>; hadBuild: boolean; hasSrc: boolean }
  }
}

describe('build-electron-sqlite.mjs', () => {
  it('builds for Electron in a temp copy, without npm nodedir, and installs with a stamp; then skips', () => {
    const first = runScript('ok', {
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      nodedir: '/usr',
      npm_config_target: '20.0.0',
      npm_config_runtime: 'node'
    })
    expect(first.code, first.out).toBe(0)
    const gyp = first.gyp!
    expect(gyp.argv).toEqual(
      expect.arrayContaining([
        'rebuild',
        `--target=${ELECTRON_VERSION}`,
        '--runtime=electron',
        '--dist-url=https://electronjs.org/headers'
      ])
    )
    expect(gyp.argv.some((a) => a.startsWith('--nodedir'))).toBe(false)
    expect(Object.keys(gyp.env).filter((k) => /nodedir|^npm_config_(target|runtime)$/i.test(k))).toEqual([])
    expect(gyp.cwd).not.toContain('node_modules')
    expect(gyp.hasSrc).toBe(true)
    expect(gyp.hadBuild).toBe(false)
    expect(readFileSync(join(dir, 'native', 'better_sqlite3.node')).includes(`node_register_module_v${ABI}`)).toBe(true)
    const info = JSON.parse(readFileSync(join(dir, 'native', 'build-info.json'), 'utf8'))
    expect(info).toMatchObject({ electron: ELECTRON_VERSION, abi: ABI, betterSqlite3: expect.any(String) })
    expect(first.out).toMatch(/wrote .*better_sqlite3\.node/)

    const second = runScript('offline')
    expect(second.code).toBe(0)
    expect(second.out).toMatch(/up to date/)
    expect(second.gyp).toBeNull()
  })

  it('never touches node_modules/better-sqlite3/build', () => {
    const node = resolve('node_modules/better-sqlite3/build/Release/better_sqlite3.node')
    const before = readFileSync(node)
    runScript('ok')
    expect(readFileSync(node).equals(before)).toBe(true)
  })

  it('says exactly what is missing when the Electron headers cannot be downloaded, and exits non-zero', () => {
    const r = runScript('offline', { npm_config_nodedir: '/usr' })
    expect(r.code).toBe(1)
    expect(r.out).toContain(`Missing: Electron ${ELECTRON_VERSION}'s C/C++ headers`)
    expect(r.out).toContain(
      `https://electronjs.org/headers/v${ELECTRON_VERSION}/node-v${ELECTRON_VERSION}-headers.tar.gz`
    )
    expect(r.out).toMatch(/network/)
    expect(r.out).toContain('ELECTRON_HEADERS_DIR')
    expect(existsSync(join(dir, 'native', 'better_sqlite3.node'))).toBe(false)
  })

  it('refuses a module built for the wrong ABI (e.g. against Node headers)', () => {
    const r = runScript('wrong-abi')
    expect(r.code).toBe(1)
    expect(r.out).toContain(`not a module for ABI ${ABI}`)
    expect(existsSync(join(dir, 'native', 'better_sqlite3.node'))).toBe(false)
  })

  it('rebuilds when the stamp does not match, and reports compile errors', () => {
    expect(runScript('ok').code).toBe(0)
    const info = join(dir, 'native', 'build-info.json')
    writeFileSync(info, JSON.stringify({ ...JSON.parse(readFileSync(info, 'utf8')), electron: '44.0.0' }))
    const r = runScript('compile-error')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/node-gyp exited with code 1/)
  })

  it('passes ELECTRON_HEADERS_DIR to node-gyp as --nodedir, and checks it holds headers', () => {
    const bad = runScript('ok', { ELECTRON_HEADERS_DIR: dir })
    expect(bad.code).toBe(1)
    expect(bad.out).toMatch(/does not hold Electron's headers/)
    const headers = join(dir, 'headers')
    spawnSync('mkdir', ['-p', join(headers, 'include', 'node')])
    writeFileSync(join(headers, 'include', 'node', 'node_version.h'), '')
    const ok = runScript('ok', { ELECTRON_HEADERS_DIR: headers })
    expect(ok.code, ok.out).toBe(0)
    expect(ok.gyp!.argv).toContain(`--nodedir=${headers}`)
  })
})
