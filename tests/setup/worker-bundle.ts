// Vitest global setup: bundles the task worker (src-worker/index.ts) and the CLI (src-main/cli.ts) from their TypeScript
// sources with esbuild into out/test-worker/worker.js and cli.js once per test run, so that the tests' workers and CLI
// processes start from today's sources without the tsx loader compiling and resolving every module again in each
// worker thread or process (about a second of CPU each). As out/main/ does, the CLI there starts worker.js beside it.
// Packages stay external (loaded from node_modules as in the built app); `?raw` imports become strings as the app's
// bundler makes them; watch mode bundles again before each rerun. tests/helpers/workbench.ts points the tests' worker
// factory at these files.
import { build, type Plugin } from 'esbuild'
import type { TestProject } from 'vitest/node'
import { readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const REPO = resolve(import.meta.dirname, '..', '..')
const DIR = join(REPO, 'out', 'test-worker')
export const WORKER_BUNDLE = join(DIR, 'worker.js')
/** The CLI from sources as a program: `node CLI_BUNDLE <command> …`. */
export const CLI_BUNDLE = join(DIR, 'cli.js')

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

async function bundle(): Promise<void> {
  // Written beside and renamed into place: a second test run in the same folder never sees half a file.
  const tmp = join(DIR, `tmp-${process.pid}`)
  await build({
    entryPoints: { worker: join(REPO, 'src-worker', 'index.ts'), cli: join(REPO, 'src-main', 'cli.ts') },
    outdir: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [raw]
  })
  renameSync(join(tmp, 'worker.js'), WORKER_BUNDLE)
  renameSync(join(tmp, 'cli.js'), CLI_BUNDLE)
  rmSync(tmp, { recursive: true, force: true })
}

/** Bundles now, and again before each rerun of watch mode, so that a rerun sees the sources as they are then. */
export default async function setup(project: TestProject): Promise<void> {
  await bundle()
  project.onTestsRerun(bundle)
}
