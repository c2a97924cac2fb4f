// The server-sent event stream: every client of GET /api/events receives the service's events, training
// events at most 10 times a second per run (src-main/shell/event-coalescer.ts). A client that stops reading is dropped
// once MAX_UNREAD bytes wait for it.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Workbench } from '../services/workbench'
import { coalesceTrainingEvents } from '../shell/event-coalescer'

/** Bytes a client may leave unread: one that stops reading (a stalled tab) is dropped, not buffered for ever. */
export const MAX_UNREAD = 8 * 1024 * 1024

export class EventStream {
  private readonly clients = new Set<ServerResponse>()
  private readonly coalescer = coalesceTrainingEvents((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const c of this.clients) {
      if (c.writableLength > MAX_UNREAD) this.drop(c)
      else c.write(frame)
    }
  })
  private readonly unsubscribeBus: () => void

  constructor(workbench: Workbench) {
    this.unsubscribeBus = workbench.bus.subscribe((event, payload) => this.coalescer.push(event, payload))
  }

  /** Keeps the response open as a client of the stream until the request closes. */
  add(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' })
    res.write(': connected\n\n')
    this.clients.add(res)
    req.on('close', () => this.clients.delete(res))
  }

  private drop(c: ServerResponse): void {
    this.clients.delete(c)
    c.destroy()
  }

  /** Stops listening to the service and ends every client's stream. */
  close(): void {
    this.unsubscribeBus()
    this.coalescer.close()
    for (const c of this.clients) c.end()
  }
}
