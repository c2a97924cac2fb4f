// A typed event bus for the contract's events: the service emits, each shell forwards to its renderer.
import { events, type EventName, type EventPayload } from '../../src-shared/contract'

type Listener = (event: EventName, payload: unknown) => void

export class EventBus {
  private listeners = new Set<Listener>()

  /** Payloads are checked against the contract before they leave the service. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload)
    for (const l of this.listeners) l(event, checked)
  }

  /** Subscribe to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void {
    return this.subscribe((name, payload) => {
      if (name === event) cb(payload as EventPayload<E>)
    })
  }
}
