// Server-sent events read through fetch, so the stream carries the same X-Workbench-Token header as every
// other call (EventSource cannot send headers, and the token is never a cookie). Reconnects after a dropped
// connection; stops for good when the server refuses the token (it restarted with a new one).

/** The stream's state: 'closed' means the server refused the token. */
export type StreamState = 'connecting' | 'open' | 'retrying' | 'closed'

export interface StreamOptions {
  open: (signal: AbortSignal) => Promise<Response>
  onEvent: (name: string, data: string) => void
  onState: (s: StreamState) => void
  /** Wait before reconnecting (ms). */
  retryMs?: number
}

/** Splits a text/event-stream body into (event, data) pairs; feed it chunks, it keeps the partial tail. */
export class SseParser {
  private buf = ''
  private event = 'message'
  private data: string[] = []
  constructor(private emit: (name: string, data: string) => void) {}

  push(chunk: string): void {
    this.buf += chunk
    let nl: number
    while ((nl = this.buf.search(/\r\n|\n|\r/)) !== -1) {
      const line = this.buf.slice(0, nl)
      this.buf = this.buf.slice(nl + (this.buf.startsWith('\r\n', nl) ? 2 : 1))
      this.line(line)
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length) this.emit(this.event, this.data.join('\n'))
      this.event = 'message'
      this.data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') this.event = value
    else if (field === 'data') this.data.push(value)
  }
}

/** Follows the stream until `stop()`; returns `stop`. */
export function followEventStream(opts: StreamOptions): () => void {
  let stopped = false
  let controller: AbortController | null = null
  const run = async (): Promise<void> => {
    opts.onState('connecting')
    while (!stopped) {
      controller = new AbortController()
      try {
        const res = await opts.open(controller.signal)
        if (res.status === 401) {
          opts.onState('closed')
          return
        }
        if (!res.ok || !res.body) throw new Error(`event stream: ${res.status}`)
        opts.onState('open')
        const parser = new SseParser(opts.onEvent)
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          parser.push(value)
        }
      } catch {
        /* dropped or unreachable: retry below */
      }
      if (stopped) return
      opts.onState('retrying')
      await new Promise((r) => setTimeout(r, opts.retryMs ?? 2000))
    }
  }
  void run()
  return () => {
    stopped = true
    controller?.abort()
  }
}
