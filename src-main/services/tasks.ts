// Runs one task in its own worker thread and settles when the worker reports its result.
// A worker that throws, runs out of memory or exits early rejects the task; the app goes on.
import type { Worker } from 'node:worker_threads'
import type { FromWorker, ToWorker, WorkerError } from '../../src-worker/protocol'
import type { WorkerFactory } from './worker-factory'
import { InputError } from '../../src-shared/errors'

/** Messages that end a task. */
const TERMINAL = new Set(['done', 'imported', 'sequences', 'inspected', 'exported', 'predicted', 'calibrated'])

let nextTaskId = 1
export const newTaskId = (): number => nextTaskId++

/** Rebuild an error that crossed the thread boundary, keeping its category and location. */
export function fromWire(e: WorkerError): Error {
  if (e.name === 'CsvImportError' || e.name === 'InputError' || e.name === 'ImportCancelled')
    return new InputError(e.message, e.line, e.column)
  const err = new Error(e.message)
  err.name = e.name
  return err
}

export interface TaskHandle {
  worker: Worker
  done: Promise<void>
}

/**
 * Start `msg` on a fresh worker. `onMessage` sees every message; the promise resolves after the
 * terminal message ('imported' / 'done') and rejects on 'error' or an unexpected exit.
 */
export function runTask(
  factory: WorkerFactory,
  msg: ToWorker,
  onMessage: (m: FromWorker) => void,
  transfer: ArrayBuffer[] = []
): TaskHandle {
  const worker = factory()
  const done = new Promise<void>((resolve, reject) => {
    let settled = false
    const settle = (err?: Error) => {
      if (settled) return
      settled = true
      void worker.terminate()
      if (err) reject(err)
      else resolve()
    }
    worker.on('message', (m: FromWorker) => {
      if (settled) return
      try {
        if (m.type === 'error') return settle(fromWire(m.error))
        onMessage(m)
        if (TERMINAL.has(m.type)) settle()
      } catch (e) {
        settle(e instanceof Error ? e : new Error(String(e)))
      }
    })
    worker.on('error', (e) => settle(e))
    worker.on('exit', (code) => settle(new Error(`the worker thread exited unexpectedly (code ${code})`)))
  })
  worker.postMessage(msg, transfer)
  return { worker, done }
}
