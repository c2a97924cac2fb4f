#!/usr/bin/env node
// `npm run serve [-- --port N --data-dir DIR]`: browser mode from the built tree (out/), which starts in a second or
// two; only when there is no built tree does it build first (`npm run build`). When a source file is newer than the
// build it says so on stderr and still starts: `npm run serve:build` rebuilds, then serves. Runtime: plain Node.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ENTRY = join(ROOT, 'out/main/serve.js')
const BUILT = [ENTRY, join(ROOT, 'out/renderer/index.html')]
const SOURCES = ['src-main', 'src-worker', 'src-shared', 'src-renderer', 'assembly']

/** The newest modification time under the source folders (a few hundred files: milliseconds). */
function newestSource() {
  let newest = 0
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else newest = Math.max(newest, statSync(p).mtimeMs)
    }
  }
  for (const d of SOURCES) if (existsSync(join(ROOT, d))) walk(join(ROOT, d))
  return newest
}

if (!BUILT.every((f) => existsSync(f))) {
  process.stderr.write('serve: no built app in out/ yet: building it once (npm run build)…\n')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
} else if (newestSource() > statSync(ENTRY).mtimeMs) {
  process.stderr.write('serve: the sources changed since the last build; `npm run serve:build` rebuilds first.\n')
}

const child = spawn(process.execPath, [ENTRY, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
