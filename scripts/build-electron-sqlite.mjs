#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron (its own Node ABI) into native/electron/better_sqlite3.node,
// leaving node_modules/better-sqlite3/build (the Node build used by tests, the CLI and browser mode) alone.
// Runtime: plain Node (run by `npm start`, or by hand). It compiles in a temporary copy of the package with
// node-gyp `--runtime=electron --target=<electron version>`, with npm's `nodedir` removed from the
// environment: the machine-wide npmrc sets nodedir=/usr, which would silently build against Node 20's
// headers (ABI 115) instead of Electron's (ABI 150). Electron's headers come from electronjs.org, so the
// first build needs network (or ELECTRON_HEADERS_DIR). Skips when an up-to-date build exists.
//
//   node scripts/build-electron-sqlite.mjs [--force]
//   ELECTRON_HEADERS_DIR=<unpacked Electron headers>  build offline from headers fetched elsewhere
// Test hooks: RNN_WORKBENCH_NATIVE_DIR (output folder; the app itself only looks in native/electron),
// RNN_WORKBENCH_NODE_GYP (node-gyp entry), RNN_WORKBENCH_ELECTRON_VERSION (target another Electron).
// Exit codes: 0 built or up to date; 1 cannot build (the message says what is missing).
import { spawn, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const MODULES = join(ROOT, 'node_modules')
const OUT_DIR = process.env.RNN_WORKBENCH_NATIVE_DIR
  ? resolve(process.env.RNN_WORKBENCH_NATIVE_DIR)
  : join(ROOT, 'native', 'electron')
const OUT_FILE = join(OUT_DIR, 'better_sqlite3.node')
const INFO_FILE = join(OUT_DIR, 'build-info.json')
const DIST_URL = 'https://electronjs.org/headers'
/** npm config that must not reach node-gyp: it would pick Node's headers or another target. */
const STRIPPED_CONFIG = ['nodedir', 'target', 'runtime', 'disturl', 'dist_url', 'build_from_source']

const say = (m) => process.stdout.write(`build-electron-sqlite: ${m}\n`)
function die(lines) {
  process.stderr.write(`\nbuild-electron-sqlite: ${[].concat(lines).join('\n  ')}\n\n`)
  process.exit(1)
}
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'))

/** The versions this build is for. */
export function target() {
  const electronPkg = join(MODULES, 'electron', 'package.json')
  const sqlitePkg = join(MODULES, 'better-sqlite3', 'package.json')
  if (!existsSync(electronPkg)) die('node_modules/electron is not installed; run `npm install` first.')
  if (!existsSync(sqlitePkg)) die('node_modules/better-sqlite3 is not installed; run `npm install` first.')
  const electron = process.env.RNN_WORKBENCH_ELECTRON_VERSION || readJson(electronPkg).version
  let abi = null
  const abiFile = join(MODULES, 'electron', 'abi_version')
  if (!process.env.RNN_WORKBENCH_ELECTRON_VERSION && existsSync(abiFile)) abi = readFileSync(abiFile, 'utf8').trim()
  if (!abi) {
    try {
      const r = spawnSync(
        process.execPath,
        ['-e', `process.stdout.write(String(require('node-abi').getAbi(${JSON.stringify(electron)}, 'electron')))`],
        { cwd: ROOT, encoding: 'utf8' }
      )
      if (r.status === 0 && /^\d+$/.test(r.stdout)) abi = r.stdout
    } catch {
      /* below */
    }
  }
  if (!abi)
    die(
      `cannot tell the Node ABI of Electron ${electron} (no node_modules/electron/abi_version, node-abi does not know it).`
    )
  return {
    electron,
    abi,
    betterSqlite3: readJson(sqlitePkg).version,
    platform: process.platform,
    arch: process.arch
  }
}

/** Whether `file` is a native module for ABI `abi` (it exports node_register_module_v<abi>). */
export function hasAbi(file, abi) {
  try {
    return readFileSync(file).includes(Buffer.from(`node_register_module_v${abi}\0`))
  } catch {
    return false
  }
}

/** The environment for node-gyp: npm's nodedir/target/runtime/disturl removed (any case). */
export function cleanEnv(env) {
  const out = {}
  for (const [k, v] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(k)
    if (m && STRIPPED_CONFIG.includes(m[1].toLowerCase().replace(/-/g, '_'))) continue
    if (/^nodedir$/i.test(k)) continue
    out[k] = v
  }
  return out
}

/** node-gyp's JS entry: $RNN_WORKBENCH_NODE_GYP, npm's own copy, or one on PATH. */
function findNodeGyp() {
  const candidates = [process.env.RNN_WORKBENCH_NODE_GYP, process.env.npm_config_node_gyp]
  const npmCli = process.env.npm_execpath
  if (npmCli) candidates.push(join(dirname(dirname(npmCli)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'))
  const npm = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8' })
  if (npm.status === 0 && npm.stdout.trim()) {
    try {
      const real = realpathSync(npm.stdout.trim().split(/\r?\n/)[0])
      candidates.push(join(dirname(dirname(real)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'))
    } catch {
      /* not resolvable */
    }
  }
  candidates.push(join(MODULES, 'node-gyp', 'bin', 'node-gyp.js'))
  return candidates.find((c) => c && existsSync(c)) ?? null
}

/** Where node-gyp keeps downloaded headers (its default devdir). */
function headersCache(version) {
  const base = process.env.npm_config_devdir || process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return process.env.npm_config_devdir ? join(base, version) : join(base, 'node-gyp', version)
}

function run(cmd, args, opts) {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const keep = (chunk, stream) => {
      output += chunk
      stream.write(chunk)
    }
    child.stdout.on('data', (c) => keep(c, process.stdout))
    child.stderr.on('data', (c) => keep(c, process.stderr))
    child.on('error', (e) => {
      output += String(e)
      resolveRun({ code: 127, output })
    })
    child.on('close', (code) => resolveRun({ code: code ?? 1, output }))
  })
}

async function main() {
  const force = process.argv.includes('--force')
  const t = target()
  const label = `better-sqlite3 ${t.betterSqlite3} for Electron ${t.electron} (ABI ${t.abi}, ${t.platform}-${t.arch})`
  const rel = OUT_FILE.startsWith(ROOT + sep) ? relative(ROOT, OUT_FILE) : OUT_FILE

  if (!force && existsSync(OUT_FILE) && existsSync(INFO_FILE)) {
    let info = null
    try {
      info = readJson(INFO_FILE)
    } catch {
      /* rebuild */
    }
    if (
      info &&
      ['electron', 'abi', 'betterSqlite3', 'platform', 'arch'].every((k) => String(info[k]) === String(t[k])) &&
      hasAbi(OUT_FILE, t.abi)
    ) {
      say(`${rel} is up to date (${label})`)
      return
    }
  }

  const nodeGyp = findNodeGyp()
  if (!nodeGyp) {
    die([
      `cannot build ${label}: node-gyp was not found.`,
      'It ships with npm (npm/node_modules/node-gyp); set RNN_WORKBENCH_NODE_GYP=<path to node-gyp.js> if yours is elsewhere.'
    ])
  }

  const headersDir = process.env.ELECTRON_HEADERS_DIR ? resolve(process.env.ELECTRON_HEADERS_DIR) : null
  if (headersDir && !existsSync(join(headersDir, 'include', 'node', 'node_version.h'))) {
    die(`ELECTRON_HEADERS_DIR=${headersDir} does not hold Electron's headers (no include/node/node_version.h).`)
  }
  const cached = existsSync(join(headersCache(t.electron), 'include', 'node', 'node_version.h'))
  say(
    `building ${label}${headersDir ? ` with the headers in ${headersDir}` : cached ? ' (Electron headers cached)' : ` (node-gyp downloads Electron's headers from ${DIST_URL})`}`
  )

  const work = mkdtempSync(join(tmpdir(), 'wb-electron-sqlite-'))
  try {
    const src = join(MODULES, 'better-sqlite3')
    const pkg = join(work, 'better-sqlite3')
    // A private copy without build/: the Node build in node_modules is never touched.
    cpSync(src, pkg, {
      recursive: true,
      filter: (p) => p !== join(src, 'build') && !p.startsWith(join(src, 'build') + sep)
    })
    const args = [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${t.electron}`,
      '--runtime=electron',
      `--dist-url=${DIST_URL}`,
      `--arch=${t.arch}`,
      '--jobs=max'
    ]
    if (headersDir) args.push(`--nodedir=${headersDir}`)
    const { code, output } = await run(process.execPath, args, { cwd: pkg, env: cleanEnv(process.env) })
    const built = join(pkg, 'build', 'Release', 'better_sqlite3.node')

    if (code !== 0 || !existsSync(built)) {
      const network =
        /ENOTFOUND|EAI_AGAIN|getaddrinfo|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|fetch failed|network|socket hang up|certificate|tunneling socket/i.test(
          output
        )
      if (!headersDir && !cached && network) {
        die([
          `cannot build ${label}.`,
          `Missing: Electron ${t.electron}'s C/C++ headers. node-gyp has to download them from`,
          `  ${DIST_URL}/v${t.electron}/node-v${t.electron}-headers.tar.gz`,
          'and this machine cannot reach it (no network; see the node-gyp output above).',
          'Fix, either:',
          `  - run \`npm start\` (or \`node scripts/build-electron-sqlite.mjs\`) once on a machine with network access`,
          `    (same OS and CPU: ${t.platform}-${t.arch}), then copy its native/electron/ folder here; or`,
          '  - download that tarball elsewhere, unpack it here and run',
          '    ELECTRON_HEADERS_DIR=<unpacked folder with include/node> node scripts/build-electron-sqlite.mjs',
          `(Building with nodedir=/usr, as the machine-wide npmrc sets, would use Node ${process.versions.node}'s headers and make a`,
          `module Electron refuses: NODE_MODULE_VERSION ${process.versions.modules} instead of ${t.abi}. That is why nodedir is removed.)`
        ])
      }
      die([
        `cannot build ${label}: node-gyp exited with code ${code} (its output is above).`,
        'Compiling needs python3, make and a C++ compiler (Debian: apt-get install python3 make g++).'
      ])
    }
    if (!hasAbi(built, t.abi)) {
      die([
        `node-gyp built ${built} but it is not a module for ABI ${t.abi} (wrong headers?).`,
        'Nothing was installed.'
      ])
    }
    mkdirSync(OUT_DIR, { recursive: true })
    const partial = `${OUT_FILE}.partial`
    cpSync(built, partial)
    renameSync(partial, OUT_FILE)
    writeFileSync(INFO_FILE, JSON.stringify({ ...t, builtAt: new Date().toISOString() }, null, 2) + '\n')
    say(`wrote ${rel} (${label})`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => die(`unexpected failure: ${e?.stack ?? e}`))
}
