// A stand-in for the renderer's service boundary (src-renderer/lib/api.ts): each test says what a request
// answers, sends service events, and reads which requests the state classes made. The module's pure parts
// (ApiError, messageOf) stay the real ones. Each test file replaces the module with:
//
//   vi.mock('../../../src-renderer/lib/api', async (original) => ({
//     ...(await original<object>()),
//     ...(await import('./fake-api')).api
//   }))
import type { Args, EventName, EventPayload, RequestName, Result } from '../../../src-shared/contract'

type Connection = 'connecting' | 'open' | 'retrying' | 'closed'
type Reply<K extends RequestName> = (args: Args<K>) => Result<K> | Promise<Result<K>>

const realSetTimeout = globalThis.setTimeout

class FakeService {
  readonly calls: { method: RequestName; args: unknown }[] = []
  private readonly replies = new Map<RequestName, (args: unknown) => unknown>()
  private readonly listeners = new Map<EventName, Set<(p: unknown) => void>>()
  private readonly connectionListeners = new Set<(c: Connection) => void>()

  /** What `method` answers from now on (a thrown error or a rejected promise is a failed call). */
  reply<K extends RequestName>(method: K, fn: Reply<K>): void {
    this.replies.set(method, fn as (args: unknown) => unknown)
  }

  /** The arguments of every call to `method`, oldest first. */
  argsOf<K extends RequestName>(method: K): Args<K>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args as Args<K>)
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const cb of this.listeners.get(event) ?? []) cb(payload)
  }

  setConnection(c: Connection): void {
    for (const cb of this.connectionListeners) cb(c)
  }

  reset(): void {
    this.calls.length = 0
    this.replies.clear()
    this.listeners.clear()
    this.connectionListeners.clear()
  }

  async call(method: RequestName, args: unknown): Promise<unknown> {
    this.calls.push({ method, args })
    const fn = this.replies.get(method)
    if (!fn) throw new Error(`the fake service has no reply for ${method}`)
    await Promise.resolve()
    return fn(args)
  }

  on(event: EventName, cb: (p: unknown) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(cb)
    return () => set.delete(cb)
  }

  onConnection(cb: (c: Connection) => void): () => void {
    this.connectionListeners.add(cb)
    return () => this.connectionListeners.delete(cb)
  }
}

export const service = new FakeService()

/** The functions that replace lib/api's own. */
export const api = {
  call: (method: RequestName, args: unknown) => service.call(method, args),
  on: (event: EventName, cb: (p: unknown) => void) => service.on(event, cb),
  onConnection: (cb: (c: Connection) => void) => service.onConnection(cb),
  fileToBase64: async (file: Blob) => Buffer.from(await file.arrayBuffer()).toString('base64'),
  // the service sees an upload as datasets.import with the file's bytes (as Electron sends it)
  importCsvFile: async (file: File, args: { importId?: string; options?: unknown }) =>
    service.call('datasets.import', {
      ...args,
      source: { kind: 'bytes', fileName: file.name, base64: Buffer.from(await file.arrayBuffer()).toString('base64') }
    })
}

/** Let every pending reply, event batch (setTimeout 0) and the work they start run (real timers). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => realSetTimeout(r, 0))
}

/** A promise the test resolves or rejects when it chooses (to order replies). */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
