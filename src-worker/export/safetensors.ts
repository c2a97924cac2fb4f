// The safetensors format, written and read by hand: 8-byte little-endian header length N, N bytes of JSON
// header ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, padded with
// spaces to a multiple of 8), then the raw little-endian tensor bytes. https://github.com/huggingface/safetensors
export type StDtype = 'F32' | 'F64'
export interface StTensor {
  name: string
  dtype: StDtype
  shape: number[]
  data: Float64Array
}

const WIDTH: Record<StDtype, number> = { F32: 4, F64: 8 }
/** Headers larger than this are refused (the reference implementation's limit is 100 MB). */
const MAX_HEADER = 100_000_000

export function encodeSafetensors(
  tensors: { name: string; shape: number[]; data: ArrayLike<number> }[],
  metadata: Record<string, string> = {},
  dtype: StDtype = 'F32'
): Uint8Array {
  const header: Record<string, unknown> = {}
  if (Object.keys(metadata).length) header.__metadata__ = metadata
  let off = 0
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1)
    if (n !== t.data.length)
      throw new Error(`safetensors: ${t.name} has ${t.data.length} values for shape [${t.shape}]`)
    if (t.name === '__metadata__' || t.name in header)
      throw new Error(`safetensors: duplicate or reserved tensor name ${t.name}`)
    header[t.name] = { dtype, shape: t.shape, data_offsets: [off, off + n * WIDTH[dtype]] }
    off += n * WIDTH[dtype]
  }
  let json = JSON.stringify(header)
  const enc = new TextEncoder()
  let hb = enc.encode(json)
  const pad = (8 - (hb.length % 8)) % 8
  if (pad) {
    json += ' '.repeat(pad)
    hb = enc.encode(json)
  }
  const out = new Uint8Array(8 + hb.length + off),
    v = new DataView(out.buffer)
  v.setBigUint64(0, BigInt(hb.length), true)
  out.set(hb, 8)
  let p = 8 + hb.length
  for (const t of tensors) {
    for (let k = 0; k < t.data.length; k++) {
      if (dtype === 'F32') {
        v.setFloat32(p, t.data[k]!, true)
        p += 4
      } else {
        v.setFloat64(p, t.data[k]!, true)
        p += 8
      }
    }
  }
  return out
}

export interface Safetensors {
  metadata: Record<string, string>
  tensors: StTensor[]
}

/** Parse and check a safetensors file: header bounds, dtypes, shapes against offsets, no gaps or overlaps. */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8)
    throw new Error(`safetensors: file is ${bytes.length} bytes, shorter than the 8-byte header length`)
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n64 = v.getBigUint64(0, true)
  if (n64 > BigInt(Math.min(MAX_HEADER, bytes.length - 8)))
    throw new Error(`safetensors: header length ${n64} exceeds the file (${bytes.length} bytes)`)
  const n = Number(n64)
  let header: unknown
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)))
  } catch (e) {
    throw new Error(`safetensors: header is not valid JSON (${(e as Error).message})`)
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw new Error('safetensors: header is not a JSON object')
  const dataStart = 8 + n,
    dataLen = bytes.length - dataStart
  const metadata: Record<string, string> = {}
  const tensors: StTensor[] = []
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      for (const [k, val] of Object.entries((info ?? {}) as Record<string, unknown>)) {
        if (typeof val !== 'string') throw new Error(`safetensors: __metadata__.${k} is not a string`)
        metadata[k] = val
      }
      continue
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
    if (t.dtype !== 'F32' && t.dtype !== 'F64')
      throw new Error(`safetensors: ${name}: dtype ${JSON.stringify(t.dtype)} is not supported (F32, F64)`)
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new Error(`safetensors: ${name}: bad shape ${JSON.stringify(t.shape)}`)
    const off = t.data_offsets
    if (
      !Array.isArray(off) ||
      off.length !== 2 ||
      !off.every((d) => Number.isInteger(d) && d >= 0) ||
      off[0] > off[1] ||
      off[1] > dataLen
    ) {
      throw new Error(`safetensors: ${name}: data_offsets ${JSON.stringify(off)} outside the ${dataLen} data bytes`)
    }
    const count = (t.shape as number[]).reduce((a, b) => a * b, 1),
      w = WIDTH[t.dtype]
    if (off[1] - off[0] !== count * w)
      throw new Error(
        `safetensors: ${name}: ${off[1] - off[0]} bytes for shape [${t.shape}] of ${t.dtype} (expected ${count * w})`
      )
    const data = new Float64Array(count)
    for (let k = 0, p = dataStart + off[0]; k < count; k++, p += w)
      data[k] = w === 4 ? v.getFloat32(p, true) : v.getFloat64(p, true)
    tensors.push({ name, dtype: t.dtype, shape: t.shape as number[], data, begin: off[0], end: off[1] } as StTensor & {
      begin: number
      end: number
    })
  }
  // the data buffer must be covered exactly, without holes or overlaps
  const spans = (tensors as (StTensor & { begin: number; end: number })[])
    .map((t) => [t.begin, t.end, t.name] as const)
    .sort((a, b) => a[0] - b[0])
  let pos = 0
  for (const [b, e, name] of spans) {
    if (b !== pos)
      throw new Error(`safetensors: ${name} starts at byte ${b}, expected ${pos} (hole or overlap in the data)`)
    pos = e
  }
  if (pos !== dataLen) throw new Error(`safetensors: ${dataLen - pos} trailing data bytes belong to no tensor`)
  for (const t of tensors) {
    delete (t as { begin?: number }).begin
    delete (t as { end?: number }).end
  }
  return { metadata, tensors }
}
