// Requests and events between the renderer and the Workbench service over Electron IPC.
// Runtime: Electron main. For each contract request, `ipcMain.handle(requestChannel(name))` checks the
// sender (the main window's main frame, on app://workbench), then runs `workbench.call(name, args)`
// (which validates the args) and replies with an Envelope. Service events go to the window on EVENT_CHANNEL.
import { EVENT_CHANNEL, REQUEST_NAMES, requestChannel } from '../../src-shared/channels'
import type { EventName, RequestName } from '../../src-shared/contract'
import { isAppUrl } from './origin'
import { toWireError, type Envelope } from './envelope'
import { coalesceTrainingEvents } from './event-coalescer'

export interface FrameLike {
  readonly url: string
  readonly parent: FrameLike | null
  readonly processId?: number
  readonly routingId?: number
}

export interface ContentsLike {
  readonly mainFrame: FrameLike
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
}

export interface InvokeEventLike {
  readonly sender: unknown
  readonly senderFrame: FrameLike | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

/** What the IPC layer needs from the service. */
export interface ServiceLike {
  call(method: RequestName, raw: unknown): Promise<unknown>
  bus: { subscribe(listener: (event: EventName, payload: unknown) => void): () => void }
}

function sameFrame(a: FrameLike, b: FrameLike): boolean {
  if (a === b) return true
  return (
    a.processId !== undefined && a.routingId !== undefined && a.processId === b.processId && a.routingId === b.routingId
  )
}

/**
 * Whether an IPC call comes from the main window's top frame showing our own page. Refused: other
 * web contents, subframes (iframes), frames already gone, and any URL outside app://workbench.
 */
export function checkSender(event: InvokeEventLike, main: ContentsLike | null): string | null {
  if (!main || main.isDestroyed()) return 'the main window is not open'
  if (event.sender !== main) return 'the call does not come from the main window'
  const frame = event.senderFrame
  if (!frame) return 'the calling frame is gone'
  if (frame.parent !== null || !sameFrame(frame, main.mainFrame)) return 'the call comes from a subframe'
  if (!isAppUrl(frame.url)) return `the calling page is not on app://workbench (${frame.url})`
  return null
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError'
}

export interface IpcOptions {
  ipcMain: IpcMainLike
  service: ServiceLike
  /** The main window's web contents (null while there is none). */
  mainContents(): ContentsLike | null
  log?(message: string, error?: unknown): void
}

/** Registers one handler per contract request; returns a function removing them all. */
export function registerRequestHandlers(opts: IpcOptions): () => void {
  const log = opts.log ?? ((m: string, e?: unknown) => (e ? console.error(m, e) : console.warn(m)))
  for (const name of REQUEST_NAMES) {
    opts.ipcMain.handle(requestChannel(name), async (event, args): Promise<Envelope> => {
      const refused = checkSender(event, opts.mainContents())
      if (refused) {
        log(`rnn-workbench: refused IPC ${name}: ${refused}`)
        return { ok: false, error: toWireError(new ForbiddenError(`${name}: refused: ${refused}`)) }
      }
      try {
        return { ok: true, result: await opts.service.call(name, args) }
      } catch (e) {
        const error = toWireError(e)
        if (
          !['ValidationError', 'InputError', 'CsvImportError', 'NotFoundError', 'ConflictError'].includes(error.name)
        ) {
          log(`rnn-workbench: ${name} failed`, e)
        }
        return { ok: false, error }
      }
    })
  }
  return () => {
    for (const name of REQUEST_NAMES) opts.ipcMain.removeHandler(requestChannel(name))
  }
}

/**
 * Sends every service event to the main window as (EVENT_CHANNEL, name, payload), training events at
 * most 10 times a second per run (event-coalescer.ts); returns unsubscribe.
 */
export function forwardEvents(service: ServiceLike, mainContents: () => ContentsLike | null): () => void {
  const coalescer = coalesceTrainingEvents((event, payload) => {
    const wc = mainContents()
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, event, payload)
  })
  const unsubscribe = service.bus.subscribe((event, payload) => coalescer.push(event, payload))
  return () => {
    unsubscribe()
    coalescer.close()
  }
}
