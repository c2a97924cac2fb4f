/**
 * Strict byte decoding for the CSV import: BOM sniffing (UTF-8, UTF-16LE, UTF-16BE), otherwise UTF-8;
 * invalid UTF-8, unpaired UTF-16 surrogates and NUL characters are "not a text CSV".  Streaming: a multi-byte
 * sequence or surrogate pair split across chunks is carried to the next chunk.
 */

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be'

/** Offset of the first byte of the first ill-formed UTF-8 sequence in b (or -1). `final`: an incomplete tail is ill-formed. */
function firstBadUtf8(b: Uint8Array, final: boolean): number {
  const n = b.length
  let i = 0
  while (i < n) {
    const c = b[i]!
    if (c < 0x80) {
      i++
      continue
    }
    let need: number,
      lo = 0x80,
      hi = 0xbf
    if (c >= 0xc2 && c <= 0xdf) need = 1
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      if (c === 0xe0) lo = 0xa0
      if (c === 0xed) hi = 0x9f
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      if (c === 0xf0) lo = 0x90
      if (c === 0xf4) hi = 0x8f
    } else return i
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1
      const d = b[i + k]!
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i
    }
    i += need + 1
  }
  return -1
}

/** Length of an incomplete UTF-8 sequence at the end of b (0..3). */
function incompleteUtf8Tail(b: Uint8Array): number {
  const n = b.length
  for (let k = 1; k <= Math.min(3, n); k++) {
    const c = b[n - k]!
    if ((c & 0xc0) === 0x80) continue // continuation byte: keep looking for the lead byte
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1
    return len > k ? k : 0
  }
  return 0
}

export class NotTextError extends Error {
  constructor(
    public validText: string,
    public reason: string
  ) {
    super(reason)
  }
}

/** Streaming strict decoder: BOM sniffing, fatal on invalid UTF-8 / UTF-16 and on NUL characters. */
export class StrictDecoder {
  encoding: Encoding = 'utf-8'
  private started = false
  private head: Uint8Array = new Uint8Array(0)
  private carry: Uint8Array = new Uint8Array(0)
  private utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  private utf16?: TextDecoder
  private offset = 0 // absolute byte offset of carry[0]

  /** Returns decoded text; throws NotTextError carrying the valid text before the problem. */
  decode(chunk: Uint8Array, final: boolean): string {
    if (!this.started) {
      const h = concat(this.head, chunk)
      if (h.length < 3 && !final) {
        this.head = h
        return ''
      }
      this.started = true
      this.head = new Uint8Array(0)
      let skip = 0
      if (h.length >= 3 && h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf) skip = 3
      else if (h.length >= 2 && h[0] === 0xff && h[1] === 0xfe) {
        this.encoding = 'utf-16le'
        skip = 2
      } else if (h.length >= 2 && h[0] === 0xfe && h[1] === 0xff) {
        this.encoding = 'utf-16be'
        skip = 2
      }
      if (this.encoding !== 'utf-8') this.utf16 = new TextDecoder(this.encoding, { ignoreBOM: true })
      this.offset = skip
      chunk = h.subarray(skip)
    }
    let text: string
    if (this.utf16) {
      const le = this.encoding === 'utf-16le'
      const b = this.carry.length ? concat(this.carry, chunk) : chunk
      let end = b.length - (b.length % 2)
      const unit = (k: number) => (le ? b[k]! | (b[k + 1]! << 8) : (b[k]! << 8) | b[k + 1]!)
      if (!final && end >= 2) {
        const last = unit(end - 2)
        if (last >= 0xd800 && last <= 0xdbff) end -= 2 // keep a high surrogate for its pair
      }
      let bad = -1
      let why = ''
      for (let k = 0; k < end; k += 2) {
        const u = unit(k)
        if (u >= 0xdc00 && u <= 0xdfff) {
          bad = k
          why = 'unpaired low surrogate'
          break
        }
        if (u >= 0xd800 && u <= 0xdbff) {
          const v = k + 2 < end ? unit(k + 2) : -1
          if (v < 0xdc00 || v > 0xdfff) {
            bad = k
            why = 'unpaired high surrogate'
            break
          }
          k += 2
        }
      }
      if (bad < 0 && final && b.length % 2 === 1) {
        bad = b.length - 1
        why = 'odd number of bytes'
      }
      if (bad >= 0) {
        const valid = this.utf16.decode(b.subarray(0, bad))
        const nul = valid.indexOf('\0')
        if (nul >= 0) throw new NotTextError(valid.slice(0, nul), 'NUL character found')
        throw new NotTextError(valid, `invalid ${this.encoding.toUpperCase()}: ${why} at byte ${this.offset + bad}`)
      }
      text = this.utf16.decode(b.subarray(0, end))
      this.carry = b.slice(end)
      this.offset += end
    } else {
      const b = this.carry.length ? concat(this.carry, chunk) : chunk
      const tail = final ? 0 : incompleteUtf8Tail(b)
      const body = tail ? b.subarray(0, b.length - tail) : b
      try {
        text = this.utf8.decode(body)
      } catch {
        const bad = firstBadUtf8(body, true)
        const at = bad < 0 ? body.length : bad
        const valid = new TextDecoder('utf-8').decode(body.subarray(0, at))
        const nul = valid.indexOf('\0')
        if (nul >= 0) {
          throw new NotTextError(valid.slice(0, nul), 'NUL byte found; binary file or UTF-16 without a byte-order mark')
        }
        const byte = body[at]
        const truncated = byte === undefined || (final && firstBadUtf8(body.subarray(at), false) < 0)
        throw new NotTextError(
          valid,
          truncated
            ? `truncated UTF-8 sequence at the end of the file, byte ${this.offset + at}`
            : `invalid UTF-8 byte 0x${byte!.toString(16).padStart(2, '0')} at byte ${this.offset + at}; save the file as UTF-8`
        )
      }
      this.carry = tail ? b.slice(b.length - tail) : new Uint8Array(0)
      this.offset += body.length
    }
    const nul = text.indexOf('\0')
    if (nul >= 0) {
      throw new NotTextError(
        text.slice(0, nul),
        this.encoding === 'utf-8'
          ? 'NUL byte found; binary file or UTF-16 without a byte-order mark'
          : 'NUL character found'
      )
    }
    return text
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  if (b.length === 0) return a
  const r = new Uint8Array(a.length + b.length)
  r.set(a, 0)
  r.set(b, a.length)
  return r
}
