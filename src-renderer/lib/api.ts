// The renderer's one way to reach the service: Electron's preload bridge (window.workbench) when it
// exists, otherwise the browser-mode HTTP API (JSON POSTs to /api/<method>, events over SSE), every
// request carrying the launch's token in the X-Workbench-Token header (authFetch).
import type {
  Args,
  DatasetDetail,
  DatasetImportOptions,
  DownloadRequest,
  DownloadResult,
  EventName,
  EventPayload,
  RequestName,
  Result,
  WireError,
  WorkbenchApi
} from '../../src-shared/contract'
import { EVENT_NAMES, REQUEST_NAMES } from '../../src-shared/channels'
import { followEventStream } from './event-stream'

declare global {
  interface Window {
    workbench?: WorkbenchApi
  }
}

/** An error the service sent back; `issues` name the offending fields when it was a validation error. */
export class ApiError extends Error {
  readonly issues: { path: string; message: string }[]
  constructor(
    wire: WireError,
    readonly status?: number
  ) {
    super(wire.message)
    this.name = wire.name || 'Error'
    this.issues = wire.issues ?? []
  }
}

type Listener = (payload: unknown) => void

/** The event stream's state in browser mode ('open' always in Electron). */
export type Connection = 'connecting' | 'open' | 'retrying' | 'closed'
const connectionListeners = new Set<(c: Connection) => void>()
const setConnection = (c: Connection) => {
  for (const cb of connectionListeners) cb(c)
}

/** Follow the event stream's state; returns the unsubscribe function. */
export function onConnection(cb: (c: Connection) => void): () => void {
  connectionListeners.add(cb)
  return () => {
    connectionListeners.delete(cb)
  }
}

/**
 * Browser mode's access token: read once from the address the server printed (`/?token=…`) and kept in this
 * page's memory only — never a cookie, which every other port of 127.0.0.1 would receive. The address keeps
 * it, so a reload works; a page opened without it says to open the printed address.
 */
const TOKEN = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('token')

const NO_TOKEN = 'this page has no valid access token: open the address the server printed (it ends in ?token=…) again'

/**
 * The one way to make an authenticated request to the browser-mode server (API calls, the event stream,
 * downloads): `fetch` with the token in the X-Workbench-Token header, same origin only.
 */
export function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
  if (!TOKEN) return Promise.reject(new ApiError({ name: 'Unauthorized', message: NO_TOKEN }, 401))
  const headers = new Headers(init.headers)
  headers.set('X-Workbench-Token', TOKEN)
  return fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-store' })
}

function httpApi(base = '/api/'): WorkbenchApi {
  const listeners = new Map<EventName, Set<Listener>>()
  let following = false

  function ensureSource(): void {
    if (following || !TOKEN) return
    following = true
    followEventStream({
      open: (signal) => authFetch(base + 'events', { signal }),
      onState: setConnection,
      onEvent: (name, data) => {
        if (!(EVENT_NAMES as readonly string[]).includes(name)) return
        let payload: unknown
        try {
          payload = JSON.parse(data)
        } catch {
          return
        }
        for (const cb of listeners.get(name as EventName) ?? []) cb(payload)
      }
    })
  }

  async function request(method: RequestName, args: unknown): Promise<unknown> {
    let res: Response
    try {
      res = await authFetch(base + method, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args ?? {})
      })
    } catch (e) {
      if (e instanceof ApiError) throw e
      throw new ApiError({ name: 'NetworkError', message: 'cannot reach the workbench server — is it still running?' })
    }
    let body: { result?: unknown; error?: WireError } | null = null
    try {
      body = await res.json()
    } catch {
      /* not JSON: handled below */
    }
    if (res.status === 401) {
      throw new ApiError({ name: 'Unauthorized', message: NO_TOKEN }, 401)
    }
    if (!res.ok || !body || !('result' in body)) {
      throw new ApiError(
        body?.error ?? { name: 'HttpError', message: `${method}: the server answered ${res.status} ${res.statusText}` },
        res.status
      )
    }
    return body.result
  }

  /** Fetches the file with the token in its header (authFetch), then hands it to the browser as a blob download. */
  async function download(req: DownloadRequest): Promise<DownloadResult> {
    let res: Response
    try {
      res = await authFetch(base + 'download', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(req)
      })
    } catch (e) {
      if (e instanceof ApiError) throw e
      throw new ApiError({ name: 'NetworkError', message: 'cannot reach the workbench server — is it still running?' })
    }
    if (res.status === 401) throw new ApiError({ name: 'Unauthorized', message: NO_TOKEN }, 401)
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: WireError } | null
      throw new ApiError(
        body?.error ?? { name: 'HttpError', message: `download: the server answered ${res.status}` },
        res.status
      )
    }
    const fileName = decodeURIComponent(res.headers.get('x-file-name') ?? 'download')
    const blob = await res.blob()
    saveBlob(blob, fileName)
    return { fileName, bytes: blob.size, savedTo: null, cancelled: false }
  }

  const api: Record<string, unknown> = {}
  for (const name of REQUEST_NAMES) api[name] = (args: unknown) => request(name, args)
  api.download = download
  api.on = (event: EventName, cb: Listener) => {
    ensureSource()
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(cb)
    return () => {
      set.delete(cb)
    }
  }
  return api as unknown as WorkbenchApi
}

/** Starts the browser's download of a blob under a file name (an object URL, revoked once the click is handled). */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

let instance: WorkbenchApi | null = null

/** The API for this window (created once). */
export function api(): WorkbenchApi {
  instance ??= window.workbench ?? httpApi()
  return instance
}

/** Typed call helper: `call('datasets.list', {})`. */
export function call<K extends RequestName>(method: K, args: Args<K>): Promise<Result<K>> {
  return (api()[method] as unknown as (a: Args<K>) => Promise<Result<K>>)(args)
}

/**
 * Imports a CSV the user picked. In browser mode the file streams as the raw body of POST /api/upload (with the token
 * header, like every API call): no base64, no JSON string, so big files stay within the server's memory. In Electron
 * the bytes go through the contract's datasets.import.
 */
export async function importCsvFile(
  file: File,
  args: { importId?: string; options?: DatasetImportOptions; reuse?: boolean }
): Promise<DatasetDetail> {
  if (typeof window !== 'undefined' && window.workbench) {
    const base64 = await fileToBase64(file)
    return call('datasets.import', { ...args, source: { kind: 'bytes', fileName: file.name, base64 } })
  }
  const q = new URLSearchParams({ fileName: file.name })
  if (args.importId) q.set('importId', args.importId)
  if (args.options) q.set('options', JSON.stringify(args.options))
  if (args.reuse) q.set('reuse', '1')
  let res: Response
  try {
    res = await authFetch('/api/upload?' + q.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: file
    })
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw new ApiError({ name: 'NetworkError', message: 'cannot reach the workbench server — is it still running?' })
  }
  const body = (await res.json().catch(() => null)) as { result?: DatasetDetail; error?: WireError } | null
  if (res.status === 401) throw new ApiError({ name: 'Unauthorized', message: NO_TOKEN }, 401)
  if (!res.ok || !body?.result)
    throw new ApiError(
      body?.error ?? { name: 'HttpError', message: `upload: the server answered ${res.status}` },
      res.status
    )
  return body.result
}

/** Hands an export or predictions file to the user (a browser download, or Electron's Save dialog). */
export function download(req: DownloadRequest): Promise<DownloadResult> {
  return api().download(req)
}

export function on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void {
  return api().on(event, cb)
}

/** Base64 of a file's bytes, for `datasets.import` with `{kind:'bytes'}` (the browser encodes natively). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(new Error(`cannot read the file: ${reader.error?.message ?? 'unknown error'}`))
    reader.readAsDataURL(file)
  })
}

/** A message fit to show the user. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}
