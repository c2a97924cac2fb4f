#!/usr/bin/env node
// `npm start`: build the app (electron-vite), make sure better-sqlite3 has an Electron build
// (scripts/build-electron-sqlite.mjs → native/electron/better_sqlite3.node), then launch Electron on the
// built main (out/main/index.js). Runtime: plain Node. Each missing prerequisite is named with its fix,
// and the script exits non-zero instead of starting an app that would crash. See docs/ELECTRON.md.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const MODULES = join(ROOT, 'node_modules')
const say = (m) => process.stdout.write(`start: ${m}\n`)
const problem = (lines) => process.stderr.write(`\nstart: ${[].concat(lines).join('\n  ')}\n`)

function step(title, args) {
  say(title)
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' })
  return r.status ?? 1
}

/** Electron's binary, or null with the reason printed. `import 'electron'` downloads it on first use. */
async function electronBinary() {
  const pkg = join(MODULES, 'electron')
  if (!existsSync(join(pkg, 'package.json'))) {
    problem('Electron is not installed (node_modules/electron is missing): run `npm install`.')
    return null
  }
  const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version
  const pathTxt = join(pkg, 'path.txt')
  const present = existsSync(pathTxt) && existsSync(join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim()))
  if (!present && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    say(
      `Electron ${version}'s binary is not installed yet; trying to download it (electron downloads it on first use)…`
    )
  }
  try {
    const { default: path } = await import('electron')
    if (typeof path === 'string' && existsSync(path)) return path
    throw new Error(`no executable at ${path}`)
  } catch (e) {
    problem([
      `Electron ${version}'s binary is not installed, and it could not be downloaded (${String(e?.message ?? e).split('\n')[0]}).`,
      'The npm package `electron` only holds a downloader; the binary comes from GitHub releases',
      `(https://github.com/electron/electron/releases/tag/v${version}), which this machine cannot reach.`,
      'Fix, either:',
      `  - on a machine with network access: \`npx install-electron --no\` (or delete node_modules/electron and \`npm install\`), then \`npm start\`; or`,
      `  - unpack electron-v${version}-${process.platform}-${process.arch}.zip somewhere and run with ELECTRON_OVERRIDE_DIST_PATH=<that folder>.`,
      'Without Electron you can still use the app in a browser: `npm run serve`.'
    ])
    return null
  }
}

async function main() {
  const vite = join(MODULES, 'electron-vite', 'bin', 'electron-vite.js')
  if (!existsSync(vite)) {
    problem('electron-vite is not installed: run `npm install`.')
    return 1
  }
  if (
    step('building the WebAssembly kernels…', [join(ROOT, 'scripts', 'build-wasm.mjs')]) !== 0 ||
    step('building the app (electron-vite build)…', [vite, 'build']) !== 0
  ) {
    problem('the build failed (see above).')
    return 1
  }
  const sqlite = step('checking the Electron build of better-sqlite3…', [
    join(ROOT, 'scripts', 'build-electron-sqlite.mjs')
  ])
  const electron = await electronBinary()
  if (sqlite !== 0 || !electron) {
    const missing = [
      sqlite !== 0 && 'the Electron build of better-sqlite3 (native/electron/better_sqlite3.node)',
      !electron && "Electron's binary"
    ].filter(Boolean)
    problem([`cannot launch: missing ${missing.join(' and ')}. Details above; docs/ELECTRON.md explains both.`])
    return 1
  }

  say(`launching ${electron}`)
  const env = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  const child = spawn(electron, [ROOT, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env })
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
      if (!child.killed) child.kill(sig)
    })
  return new Promise((done) => {
    child.on('error', (e) => {
      problem(`cannot start Electron: ${e.message}`)
      done(1)
    })
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)))
  })
}

main().then(
  (code) => process.exit(code),
  (e) => {
    problem(`unexpected failure: ${e?.stack ?? e}`)
    process.exit(1)
  }
)
