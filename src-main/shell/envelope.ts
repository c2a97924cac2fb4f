// The reply of every IPC request: `{ok:true,result}` or `{ok:false,error}` as plain data. Electron keeps
// only `message` of an Error thrown from ipcMain.handle, so errors travel as data and the preload rethrows.
// Runtime: any; dependency-free (the sandboxed preload bundles it).
import type { WireError } from '../../src-shared/contract'

export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError }

/** An error as plain data: name, message and (for validation errors) the issues naming each field. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const issues = (e as { issues?: unknown }).issues
    const wire: WireError = { name: e.name || 'Error', message: e.message }
    if (Array.isArray(issues)) {
      wire.issues = issues.map((i: { path?: unknown; message?: unknown }) => ({
        path: String(i?.path ?? ''),
        message: String(i?.message ?? '')
      }))
    }
    return wire
  }
  return { name: 'Error', message: String(e) }
}

/** The Error the preload throws for a failed envelope (name, message and issues restored). */
export class WorkbenchError extends Error {
  readonly issues?: { path: string; message: string }[]
  constructor(wire: WireError) {
    super(wire.message)
    this.name = wire.name
    if (wire.issues) this.issues = wire.issues
  }
}

export function isEnvelope(x: unknown): x is Envelope {
  return typeof x === 'object' && x !== null && typeof (x as { ok?: unknown }).ok === 'boolean'
}
