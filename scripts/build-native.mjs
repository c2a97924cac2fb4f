// Builds the native kernel library (native-kernels/, a Node-API addon in C) from source with node-gyp, offline:
// the headers come from the installed Node (npm passes nodedir=/usr here; else <node prefix>/include/node is
// used when it has node_api.h), node-gyp is npm's own (npm_config_node_gyp inside npm scripts), else the one in
// node_modules, else the one bundled with npm. The output goes to native-kernels/build/ (git-ignored; never the
// top-level build/, which holds tracked files).
//
// Runs at `npm install` / `npm ci` (postinstall) and as `npm run build:native`. A failed build (no compiler, no
// headers) does not fail the install: it prints why and records it in native-kernels/build/status.json, and the
// engine uses its WebAssembly kernels (src-worker/engine/wasm/native.ts says why). `--strict` exits 1 instead
// (CI). Nothing is rebuilt when the sources, binding.gyp and the Node-API headers' version are unchanged.
// RNN_NATIVE_BUILD=0 skips the build (and records that as the reason).
//
// Usage: node scripts/build-native.mjs [--strict] [--force]

import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'native-kernels')
const buildDir = join(dir, 'build')
const addon = join(buildDir, 'Release', 'rnn_kernels.node')
const statusFile = join(buildDir, 'status.json')
const strict = process.argv.includes('--strict')
const force = process.argv.includes('--force')

function log(msg) {
  console.log(`build-native: ${msg}`)
}

function record(status) {
  mkdirSync(buildDir, { recursive: true })
  writeFileSync(statusFile, JSON.stringify(status, null, 2) + '\n')
}

function failed(reason) {
  record({ ok: false, reason })
  const msg = `native kernels not built: ${reason}. The engine will use its WebAssembly kernels.`
  if (strict) {
    console.error(`build-native: ${msg}`)
    process.exit(1)
  }
  console.warn(`build-native: ${msg}`)
  process.exit(0)
}

function stampOf() {
  const h = createHash('sha256')
  h.update(readFileSync(join(dir, 'binding.gyp')))
  for (const f of readdirSync(join(dir, 'src')).sort()) h.update(f).update(readFileSync(join(dir, 'src', f)))
  h.update(`${process.platform} ${process.arch} napi ${process.versions.napi}`)
  return h.digest('hex')
}

function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp
  if (fromNpm && existsSync(fromNpm)) return fromNpm
  try {
    return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js')
  } catch {
    /* not in node_modules */
  }
  const candidates = [
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules/node-gyp/bin/node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')
  ]
  return candidates.find((c) => c && existsSync(c)) ?? null
}

/** Node's own headers (no download): npm's nodedir, else the installed Node's include/node. */
function findNodeDir() {
  const fromNpm = process.env.npm_config_nodedir
  if (fromNpm && existsSync(join(fromNpm, 'include/node/node_api.h'))) return fromNpm
  const prefix = resolve(dirname(process.execPath), '..')
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : null
}

if (process.env.RNN_NATIVE_BUILD === '0') failed('skipped (RNN_NATIVE_BUILD=0)')
const stamp = stampOf()
if (!force && existsSync(addon) && existsSync(statusFile)) {
  try {
    const st = JSON.parse(readFileSync(statusFile, 'utf8'))
    if (st.ok && st.stamp === stamp) {
      log(`${addon} is up to date`)
      process.exit(0)
    }
  } catch {
    /* rebuild */
  }
}
const gyp = findNodeGyp()
if (!gyp) failed('node-gyp not found (neither npm_config_node_gyp, node_modules/node-gyp nor npm’s own)')
const nodedir = findNodeDir()
const argv = [gyp, 'rebuild', '--release', '--jobs', '2']
if (nodedir) argv.push(`--nodedir=${nodedir}`)
const t0 = Date.now()
const r = spawnSync(process.execPath, argv, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 })
if (r.status !== 0 || !existsSync(addon)) {
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').filter((l) => l.trim())
  const err = out.filter((l) => /error|not found|No such|cannot/i.test(l)).slice(-3)
  failed(
    `node-gyp ${r.error ? r.error.message : `exited with ${r.status}`}: ${(err.length ? err : out.slice(-3)).join(' | ')}`
  )
}
record({ ok: true, stamp, nodedir, built: new Date().toISOString() })
log(`${addon} (${((Date.now() - t0) / 1000).toFixed(1)} s${nodedir ? `, headers from ${nodedir}/include/node` : ''})`)
