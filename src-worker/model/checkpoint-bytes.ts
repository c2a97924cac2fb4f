// The bytes a training state is stored as, written straight into memory the caller provides.
//
// Why not v8.serialize alone: it allocates a fresh buffer for every checkpoint, and on these VMs the first touch
// of fresh memory costs ~2.6 µs per 4 KiB page — 5+ ms for a 2 MB state, on the training thread, once a second.
// Written into memory that is reused (the shared slots of train-task.ts), the same bytes cost one copy.
//
// Layout: "RWC1" · u32 header length · header (v8.serialize of the state with each typed array replaced by
// { $a: index }, so numbers keep every bit: −0, NaN, ±Infinity) · from the next multiple of 8, each array's bytes
// at the 8-aligned offset the header's `$arrays` list gives ([kind, offset from there, length]). Bytes without the
// magic are a plain v8.serialize blob (the encoding of 'final' models); decodeState reads both. See docs/STORE.md.
import { deserialize, serialize } from 'node:v8'

const MAGIC = [0x52, 0x57, 0x43, 0x31] // "RWC1"
type Kind = 'f32' | 'f64' | 'i32'
type View = Float32Array | Float64Array | Int32Array
const CTOR = { f32: Float32Array, f64: Float64Array, i32: Int32Array } as const

const kindOf = (a: ArrayBufferView): Kind | null =>
  a instanceof Float32Array ? 'f32' : a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : null
const align8 = (n: number) => (n + 7) & ~7

/** A state prepared for writing: its header and the arrays it names, and the bytes it takes. */
export interface EncodedState {
  header: Uint8Array
  arrays: View[]
  offsets: number[]
  size: number
}

export function prepareState(state: unknown): EncodedState {
  const arrays: View[] = []
  const strip = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      if (!kindOf(v)) throw new Error(`checkpoint: unsupported array type ${v.constructor.name}`)
      arrays.push(v as View)
      return { $a: arrays.length - 1 }
    }
    if (Array.isArray(v)) return v.map(strip)
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) o[k] = strip(x)
      return o
    }
    return v
  }
  const body = strip(state) as Record<string, unknown>
  let at = 0
  const offsets = arrays.map((a) => {
    const o = at
    at = align8(at + a.byteLength)
    return o
  })
  const header = serialize({ body, $arrays: arrays.map((a, i) => [kindOf(a), offsets[i], a.length]) })
  const start = align8(8 + header.byteLength)
  return { header, arrays, offsets: offsets.map((o) => start + o), size: start + at }
}

/** Writes a prepared state into `out` (at least `size` bytes); returns the bytes written. */
export function writeState(e: EncodedState, out: Uint8Array): number {
  if (out.byteLength < e.size) throw new Error(`checkpoint: ${out.byteLength} bytes of room for ${e.size}`)
  out.set(MAGIC, 0)
  new DataView(out.buffer, out.byteOffset, 8).setUint32(4, e.header.byteLength, true)
  out.set(e.header, 8)
  for (let i = 0; i < e.arrays.length; i++) {
    const a = e.arrays[i]
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), e.offsets[i])
  }
  return e.size
}

/** A prepared state as fresh bytes of its own (when no shared room is free). */
export function bytesOf(e: EncodedState): Uint8Array {
  const out = new Uint8Array(e.size)
  writeState(e, out)
  return out
}

/** The state as fresh bytes of its own. */
export const encodeState = (state: unknown): Uint8Array => bytesOf(prepareState(state))

export function isEncodedState(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 8 && MAGIC.every((b, i) => bytes[i] === b)
}

/** The state from stored bytes: this format, or a plain v8.serialize blob (checkpoints written before it). */
export function decodeState(bytes: Uint8Array): unknown {
  if (!isEncodedState(bytes)) return deserialize(bytes)
  const h = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true)
  if (8 + h > bytes.byteLength) throw new Error('checkpoint: truncated header')
  const { body, $arrays } = deserialize(bytes.subarray(8, 8 + h)) as { body: unknown; $arrays: unknown }
  if (!Array.isArray($arrays)) throw new Error('checkpoint: damaged header (no array list)')
  const start = align8(8 + h)
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0
  const arrays = $arrays.map((entry: unknown, i) => {
    const [k, rel, n] = Array.isArray(entry) ? entry : []
    const C = Object.hasOwn(CTOR, k) ? CTOR[k as Kind] : undefined
    if (!C || !count(rel) || !count(n)) throw new Error(`checkpoint: damaged header (array ${i})`)
    const len = n * C.BYTES_PER_ELEMENT,
      o = start + rel
    if (o + len > bytes.byteLength) throw new Error('checkpoint: array out of bounds')
    // a copy into an array of its own (the stored bytes need not be aligned for a view)
    return new C(bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + len) as ArrayBuffer)
  })
  const fill = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fill)
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      if (typeof o.$a === 'number' && Object.keys(o).length === 1) {
        if (!(o.$a in arrays)) throw new Error(`checkpoint: damaged header (no array ${o.$a})`)
        return arrays[o.$a]
      }
      for (const k of Object.keys(o)) o[k] = fill(o[k])
      return o
    }
    return v
  }
  return fill(body)
}
