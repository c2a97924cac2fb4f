// Starts a TypeScript worker entry under tsx (used when the app runs from sources, e.g. in tests):
// Node 20 workers do not inherit --import loaders, so the worker registers tsx itself.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.__entry)
