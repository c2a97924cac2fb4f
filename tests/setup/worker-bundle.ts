// Vitest global setup: bundles the task worker from its TypeScript sources (src-worker/index.ts) with esbuild into
// out/test-worker/worker.js once per test run, so that the tests' workers start from today's sources without the
// tsx loader compiling and resolving every module again in each worker thread (about a second of CPU per task).
// Packages stay external (loaded from node_modules as in the built app); `?raw` imports become strings as the app's
// bundler makes them. tests/helpers/workbench.ts points the tests' worker factory at this file.
import { build, type Plugin } from 'esbuild'
import { readFileSync, renameSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const REPO = resolve(import.meta.dirname, '..', '..')
export const WORKER_BUNDLE = join(REPO, 'out', 'test-worker', 'worker.js')

const raw: Plugin = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({
      path: join(a.resolveDir, a.path.slice(0, -'?raw'.length)),
      namespace: 'raw'
    }))
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => ({
      contents: readFileSync(a.path, 'utf8'),
      loader: 'text',
      resolveDir: dirname(a.path)
    }))
  }
}

export default async function setup(): Promise<void> {
  // Written beside and renamed into place: a second test run in the same folder never sees half a file.
  const tmp = `${WORKER_BUNDLE}.${process.pid}.tmp`
  await build({
    entryPoints: [join(REPO, 'src-worker', 'index.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [raw]
  })
  renameSync(tmp, WORKER_BUNDLE)
}
