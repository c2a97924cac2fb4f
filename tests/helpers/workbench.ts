// Test helpers: a Workbench on a fresh temporary data folder, running its workers from TS sources.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Workbench, type WorkbenchOptions } from '../../src-main/services/workbench'
import { workerFactoryFor } from '../../src-main/services/worker-factory'

export const REPO = resolve(import.meta.dirname, '..', '..')
export const SAMPLES = join(REPO, 'resources', 'samples')
/** Entry URL for code run from sources: workers start through the tsx bootstrap. */
export const SOURCE_ENTRY = pathToFileURL(join(REPO, 'src-main', 'cli.ts')).href

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
