// Starts a TypeScript worker entry under tsx (used when the app runs from sources, e.g. in tests):
// Node 20 workers do not inherit --import loaders, so the worker registers tsx itself (and the `?raw` hooks).
import { register } from 'tsx/esm/api'
import { register as registerHooks } from 'node:module'
import { workerData } from 'node:worker_threads'

register()
registerHooks('./raw-loader.mjs', import.meta.url) // `?raw` template imports (run before tsx's own hooks)
await import(workerData.__entry)
