// Training events on their way to a window, at most one delivery per run every `intervalMs` (10 a
// second by default), whatever the worker sends: a run with tiny epochs reports each epoch's end
// at once, so dozens of messages a second can arrive. Used by both shells (browser mode's event
// stream, Electron's IPC forwarding) between the service's bus and the renderer.
//
// Per run, progress events that arrive within the interval are merged into one (their `steps`
// concatenated in order, every other field from the newest); epoch events are held and delivered,
// in order, right after that merged progress. Nothing is dropped. Any other event about the run
// (training.finished, experiments.changed) first delivers what is held, so the order a window sees
// is the order of the service, minus the splits.
import type { EventName } from '../../src-shared/contract'

export const TRAINING_UPDATES_PER_SECOND = 10

type Deliver = (event: EventName, payload: unknown) => void

interface Progress {
  experimentId: number
  steps: unknown[]
  [k: string]: unknown
}
interface Held {
  last: number
  progress: Progress | null
  epochs: unknown[]
  timer: ReturnType<typeof setTimeout> | null
}

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout>
  clearTimeout(t: ReturnType<typeof setTimeout>): void
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t
  },
  clearTimeout: (t) => clearTimeout(t)
}

export interface Coalescer {
  /** Hand one service event over; it is delivered now or within the interval. */
  push(event: EventName, payload: unknown): void
  /** Forget everything held and cancel the timers (the window or the server is closing). */
  close(): void
}

const runOf = (payload: unknown): number | null => {
  const id = (payload as { experimentId?: unknown } | null)?.experimentId
  return typeof id === 'number' ? id : null
}

export function coalesceTrainingEvents(
  deliver: Deliver,
  intervalMs = 1000 / TRAINING_UPDATES_PER_SECOND,
  clock: Clock = realClock
): Coalescer {
  const runs = new Map<number, Held>()

  const flush = (h: Held) => {
    if (h.timer) {
      clock.clearTimeout(h.timer)
      h.timer = null
    }
    if (!h.progress && !h.epochs.length) return
    h.last = clock.now()
    const progress = h.progress,
      epochs = h.epochs
    h.progress = null
    h.epochs = []
    if (progress) deliver('training.progress', progress)
    for (const e of epochs) deliver('training.epoch', e)
  }

  const schedule = (h: Held) => {
    if (h.timer) return
    const wait = h.last + intervalMs - clock.now()
    if (wait <= 0) {
      flush(h)
      return
    }
    // A timer may fire a little early; it then waits for the rest instead of delivering.
    h.timer = clock.setTimeout(() => {
      h.timer = null
      schedule(h)
    }, Math.ceil(wait))
  }

  const held = (id: number): Held => {
    let h = runs.get(id)
    if (!h) runs.set(id, (h = { last: -Infinity, progress: null, epochs: [], timer: null }))
    return h
  }

  return {
    push(event, payload) {
      const id = runOf(payload)
      if (id === null) {
        deliver(event, payload)
        return
      }
      if (event === 'training.progress') {
        const h = held(id)
        const p = payload as Progress
        h.progress = h.progress ? { ...p, steps: [...h.progress.steps, ...p.steps] } : { ...p, steps: [...p.steps] }
        schedule(h)
      } else if (event === 'training.epoch') {
        const h = held(id)
        h.epochs.push(payload)
        schedule(h)
      } else {
        const h = runs.get(id)
        if (h) flush(h)
        if (event === 'training.finished') runs.delete(id)
        deliver(event, payload)
      }
    },
    close() {
      for (const h of runs.values()) if (h.timer) clock.clearTimeout(h.timer)
      runs.clear()
    }
  }
}
