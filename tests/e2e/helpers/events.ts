// Recording the training events as the page receives them: through window.workbench.on (Electron's
// preload bridge) or, in browser mode, a second event stream on the same server (the server sends every
// client the same coalesced stream), read with fetch and the page's token header as the app reads it.
import type { Page } from '@playwright/test'

export interface Received {
  kind: 'progress' | 'epoch'
  id: number
  t: number
  steps: number[]
}

export function recordTrainingEvents(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const w = window as unknown as {
          __received: Received[]
          workbench?: { on(e: string, cb: (p: unknown) => void): () => void }
        }
        w.__received = []
        const add = (kind: 'progress' | 'epoch', p: { experimentId: number; steps?: { step: number }[] }) =>
          w.__received.push({
            kind,
            id: p.experimentId,
            t: performance.now(),
            steps: (p.steps ?? []).map((s) => s.step)
          })
        if (w.workbench) {
          w.workbench.on('training.progress', (p) => add('progress', p as never))
          w.workbench.on('training.epoch', (p) => add('epoch', p as never))
          resolve()
          return
        }
        const token = new URLSearchParams(location.search).get('token') ?? ''
        void fetch('/api/events', { headers: { 'x-workbench-token': token } }).then(async (res) => {
          resolve()
          const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
          let buf = ''
          for (;;) {
            const { done, value } = await reader.read()
            if (done) return
            buf += value
            let end: number
            while ((end = buf.indexOf('\n\n')) !== -1) {
              const frame = buf.slice(0, end)
              buf = buf.slice(end + 2)
              const event = /^event: (.*)$/m.exec(frame)?.[1]
              const data = /^data: (.*)$/m.exec(frame)?.[1]
              if (data && (event === 'training.progress' || event === 'training.epoch'))
                add(event === 'training.progress' ? 'progress' : 'epoch', JSON.parse(data))
            }
          }
        })
      })
  )
}

export function received(page: Page): Promise<Received[]> {
  return page.evaluate(() => (window as unknown as { __received: Received[] }).__received)
}

/** The largest number of `times` (ms) inside any window [t, t + span). */
export function maxInWindow(times: number[], span = 1000): number {
  const ts = [...times].sort((a, b) => a - b)
  let best = 0
  for (let i = 0, j = 0; j < ts.length; j++) {
    while (ts[j]! - ts[i]! >= span) i++
    best = Math.max(best, j - i + 1)
  }
  return best
}
