// Test helpers: a Workbench on a fresh temporary data folder, its workers started from the worker's sources as bundled
// for this test run (tests/setup/worker-bundle.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Workbench, type WorkbenchOptions } from '../../src-main/services/workbench'
import { workerFactoryFor } from '../../src-main/services/worker-factory'
import { CLI_BUNDLE, WORKER_BUNDLE } from '../setup/worker-bundle'

export const REPO = resolve(import.meta.dirname, '..', '..')
export const SAMPLES = join(REPO, 'resources', 'samples')
export { CLI_BUNDLE, WORKER_BUNDLE }
/**
 * Entry URL for the service and CLI run from sources in tests (the CLI bundle's): the worker factory starts the worker
 * bundle beside it, and the app's root is two folders up (the repository), as for out/main/<entry>.js.
 */
export const SOURCE_ENTRY = pathToFileURL(CLI_BUNDLE).href

export function tempDir(prefix = 'rnnwb-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function openWorkbench(
  dataDir: string,
  mode: 'browser' | 'cli' = 'cli',
  extra: Partial<WorkbenchOptions> = {}
): Workbench {
  return new Workbench({
    dataDir,
    mode,
    version: 'test',
    workerFactory: workerFactoryFor(SOURCE_ENTRY),
    samplesDir: SAMPLES,
    ...extra
  })
}
