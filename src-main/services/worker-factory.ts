// How the main side starts a task worker: the built `worker.js` next to the running entry, or — when
// the app runs from TypeScript sources (tests, tsx) — src-worker/index.ts through a tsx bootstrap.
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'

export type WorkerFactory = () => Worker

/** `entryUrl` is the import.meta.url of the program's entry file (index/serve/cli). */
export function workerFactoryFor(entryUrl: string): WorkerFactory {
  if (entryUrl.endsWith('.ts')) {
    const boot = new URL('../scripts/tsx-worker.mjs', entryUrl)
    const entry = new URL('../src-worker/index.ts', entryUrl).href
    return () => new Worker(fileURLToPath(boot), { workerData: { __entry: entry } })
  }
  const built = new URL('./' + 'worker.js', entryUrl)
  return () => new Worker(fileURLToPath(built))
}
