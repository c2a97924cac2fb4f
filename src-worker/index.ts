// Task worker entry (node:worker_threads): imports a CSV or trains a model off the main thread.
// A thin loop: it receives one task, delegates to plain modules, and posts typed messages back.
import { parentPort } from 'node:worker_threads'
import type { FromWorker, ToWorker, WorkerError } from './protocol'
import { runImport } from './tasks/import-task'
import { runTraining } from './tasks/train-task'
import { runSequences } from './tasks/sequences-task'
import { runInspect } from './tasks/inspect-task'
import { runExport, runExportProject } from './tasks/export-task'
import { runPredict } from './tasks/predict-task'
import { runCalibrate } from './tasks/calibrate-task'

function post(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  parentPort!.postMessage(msg, transfer)
}

function toWire(e: unknown): WorkerError {
  const err = e instanceof Error ? e : new Error(String(e))
  const extra = err as Error & { line?: number; column?: string }
  return { name: err.name, message: err.message, line: extra.line, column: extra.column }
}

if (parentPort) {
  parentPort.on('message', async (msg: ToWorker) => {
    try {
      if (msg.type === 'import') runImport(msg, post)
      else if (msg.type === 'train') runTraining(msg, post)
      else if (msg.type === 'sequences') runSequences(msg, post)
      else if (msg.type === 'inspect') runInspect(msg, post)
      else if (msg.type === 'export') await runExport(msg, post)
      else if (msg.type === 'exportProject') await runExportProject(msg, post)
      else if (msg.type === 'predict') runPredict(msg, post)
      else if (msg.type === 'calibrate') runCalibrate(msg, post)
    } catch (e) {
      post({ type: 'error', taskId: msg.taskId, error: toWire(e) })
    }
  })
}
