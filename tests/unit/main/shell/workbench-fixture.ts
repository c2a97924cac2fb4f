// A real Workbench in a temp data folder for the shell tests (workers run from the sources' test bundle).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Workbench } from '../../../../src-main/services/workbench'
import { workerFactoryFor } from '../../../../src-main/services/worker-factory'
import { SOURCE_ENTRY } from '../../../helpers/workbench'

export const tsWorkerFactory = () => workerFactoryFor(SOURCE_ENTRY)
export const SAMPLES_DIR = resolve('resources/samples')

export function tempWorkbench(): { workbench: Workbench; dataDir: string; dispose(): Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-shell-'))
  const workbench = new Workbench({
    dataDir,
    mode: 'electron',
    workerFactory: tsWorkerFactory(),
    samplesDir: SAMPLES_DIR,
    version: 'test'
  })
  return {
    workbench,
    dataDir,
    async dispose() {
      await workbench.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
