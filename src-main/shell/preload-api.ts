// Builds window.workbench for the preload: one function per contract request (keys are the request
// names, e.g. 'datasets.import') and `on(event, cb) → unsubscribe` for the contract's events. It never
// exposes ipcRenderer or the IPC event object. Runtime: sandboxed preload; imports only the
// dependency-free channel names (a sandboxed preload cannot require npm packages; types are erased).
import { DOWNLOAD_CHANNEL, EVENT_CHANNEL, EVENT_NAMES, REQUEST_NAMES, requestChannel } from '../../src-shared/channels'
import type { WorkbenchApi } from '../../src-shared/contract'
import { isEnvelope, WorkbenchError } from './envelope'

/** The part of ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void
}

type Callback = (payload: unknown) => void

function unwrap(name: string, reply: unknown): unknown {
  if (!isEnvelope(reply))
    throw new WorkbenchError({ name: 'ProtocolError', message: `${name}: malformed reply from the main process` })
  if (reply.ok) return reply.result
  // Across contextBridge only `message` of an Error survives, so messages name the field themselves.
  throw new WorkbenchError(reply.error)
}

export function buildWorkbenchApi(ipc: IpcRendererLike): WorkbenchApi {
  const api: Record<string, unknown> = {}
  for (const name of REQUEST_NAMES) {
    api[name] = (args?: unknown) => ipc.invoke(requestChannel(name), args).then((reply) => unwrap(name, reply))
  }
  // The main process shows the Save dialog and writes the file; the page only names what to download.
  api.download = (req?: unknown) => ipc.invoke(DOWNLOAD_CHANNEL, req).then((reply) => unwrap('download', reply))

  const known = new Set<string>(EVENT_NAMES)
  const listeners = new Map<string, Set<Callback>>()
  let listening = false
  api.on = (event: unknown, cb: unknown): (() => void) => {
    if (typeof event !== 'string' || !known.has(event)) {
      throw new TypeError(`workbench.on: unknown event "${String(event)}" (events: ${EVENT_NAMES.join(', ')})`)
    }
    if (typeof cb !== 'function') throw new TypeError(`workbench.on("${event}"): the callback must be a function`)
    if (!listening) {
      listening = true
      ipc.on(EVENT_CHANNEL, (_event, name, payload) => {
        for (const fn of listeners.get(name as string) ?? []) {
          try {
            fn(payload)
          } catch (e) {
            console.error(`workbench.on("${String(name)}") callback failed`, e)
          }
        }
      })
    }
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    const fn = cb as Callback
    set.add(fn)
    return () => {
      set.delete(fn)
    }
  }
  return Object.freeze(api) as WorkbenchApi
}

/** Exposes the API as window.workbench. */
export function exposeWorkbench(contextBridge: ContextBridgeLike, ipc: IpcRendererLike): void {
  contextBridge.exposeInMainWorld('workbench', buildWorkbenchApi(ipc))
}
