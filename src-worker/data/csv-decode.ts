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
    public reason: string,
    /** binary data (found in the first bytes): no record before it is worth reading */
    public binary = false
  ) {
    super(reason)
  }
}

/** Bytes that never occur in text: NUL and the C0 controls other than tab, line breaks, form feed and Ctrl-Z. */
function isBinaryByte(c: number): boolean {
  return (c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 0x1a) || c === 0x7f
}

/** File kinds often saved or renamed as .csv by mistake, by the bytes they start with (read as Latin-1), and what to
 * do instead. Each signature holds a byte no text file starts with, or is long enough that no header starts so. */
const FILE_SIGNATURES: [string, string][] = [
  ['\x1f\x8b', 'gzip-compressed data; decompress it (gunzip) and import the CSV inside'],
  ['PK\x03\x04', 'a ZIP archive (an Excel .xlsx or OpenDocument .ods workbook is one); save the sheet as CSV'],
  ['\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', 'a Microsoft Office file (an Excel .xls workbook); save the sheet as CSV'],
  ['%PDF-', 'a PDF document'],
  ['BZh91AY&SY', 'bzip2-compressed data; decompress it (bunzip2) and import the CSV inside'],
  ['\xfd7zXZ\x00', 'xz-compressed data; decompress it (unxz) and import the CSV inside'],
  ['\x28\xb5\x2f\xfd', 'zstd-compressed data; decompress it (unzstd) and import the CSV inside'],
  ['7z\xbc\xaf\x27\x1c', 'a 7-Zip archive; extract the CSV inside and import that'],
  ['SQLite format 3\x00', 'an SQLite database']
]

/** Text documents that are not tables, by how they start (after spaces; case-insensitive). */
const DOCUMENT_STARTS: [RegExp, string][] = [
  [/^(<!doctype html|<html)/, 'an HTML web page (a link that gave a page instead of the file?); save the table as CSV'],
  [/^<\?xml/, 'an XML document; export the table as CSV'],
  [/^[[{]\s*["{[]/, 'a JSON document; convert it to CSV']
]

/** What kind of document the text starting with `h` (UTF-8 bytes) is, when it is plainly not a CSV table. */
function knownDocumentKind(h: Uint8Array): string | null {
  const start = String.fromCharCode(...h.subarray(0, 64))
    .trimStart()
    .toLowerCase()
  for (const [re, kind] of DOCUMENT_STARTS) if (re.test(start)) return kind
  return null
}

/** What kind of non-text file `h` (the first bytes) is, when its signature says so. */
function knownFileKind(h: Uint8Array): string | null {
  const start = String.fromCharCode(...h.subarray(0, 16))
  for (const [sig, kind] of FILE_SIGNATURES) if (start.startsWith(sig)) return kind
  return null
}

/** Bytes looked at before the encoding is decided (BOM, and whether the bytes after it agree with it). */
const HEAD_BYTES = 512

/** Streaming strict decoder: BOM sniffing, fatal on invalid UTF-8 / UTF-16, on NUL characters and on a BOM the bytes
 * contradict. */
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
      if (h.length < HEAD_BYTES && !final) {
        this.head = h
        return ''
      }
      this.started = true
      this.head = new Uint8Array(0)
      chunk = h.subarray(this.sniffBom(h))
    }
    const text = this.utf16 ? this.decodeUtf16(chunk, final) : this.decodeUtf8(chunk, final)
    const nul = text.indexOf('\0')
    if (nul >= 0) throw new NotTextError(text.slice(0, nul), this.nulReason(text, nul))
    return text
  }

  /** Picks the encoding from the BOM and checks that the bytes after it agree; returns the BOM's length. */
  private sniffBom(h: Uint8Array): number {
    const kind = knownFileKind(h)
    if (kind) throw new NotTextError('', `not a text file: ${kind}`, true)
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
    const body = h.subarray(skip)
    if (skip > 0 && contradictsBom(body, this.encoding)) {
      const name = this.encoding.toUpperCase()
      throw new NotTextError(
        '',
        `the byte-order mark says ${name}, but the bytes after it are not ${name} text; save the file again as UTF-8`
      )
    }
    if (this.encoding === 'utf-8') {
      const doc = knownDocumentKind(body)
      if (doc) throw new NotTextError('', `not a CSV file: ${doc}`, true)
      const n = Math.min(body.length, HEAD_BYTES)
      for (let k = 0; k < n; k++) {
        if (!isBinaryByte(body[k]!)) continue
        const what = body[k] === 0 ? 'NUL byte' : `control byte 0x${body[k]!.toString(16).padStart(2, '0')}`
        const hint = body[k] === 0 ? ' (binary data, or UTF-16 without a byte-order mark)' : ''
        const before = new TextDecoder('utf-8').decode(body.subarray(0, k))
        throw new NotTextError(before, `not a text file: ${what} at offset ${skip + k}${hint}`, true)
      }
    }
    return skip
  }

  private nulReason(text: string, nul: number): string {
    const at = this.utf16 ? this.offset - 2 * (text.length - nul) : this.nulOffset
    const hint = this.utf16 ? '' : ' (binary data, or UTF-16 without a byte-order mark)'
    return `not a text file: NUL byte at offset ${at}${hint}`
  }

  /** absolute offset of the first NUL byte of the last UTF-8 chunk */
  private nulOffset = -1

  private decodeUtf16(chunk: Uint8Array, final: boolean): string {
    const le = this.encoding === 'utf-16le'
    const b = this.carry.length ? concat(this.carry, chunk) : chunk
    let end = b.length - (b.length % 2)
    const unit = (k: number) => (le ? b[k]! | (b[k + 1]! << 8) : (b[k]! << 8) | b[k + 1]!)
    if (!final && end >= 2) {
      const last = unit(end - 2)
      if (last >= 0xd800 && last <= 0xdbff) end -= 2 // keep a high surrogate for its pair
    }
    let [bad, why] = firstBadUtf16(unit, end)
    if (bad < 0 && final && b.length % 2 === 1) [bad, why] = [b.length - 1, 'odd number of bytes']
    if (bad >= 0) {
      const valid = this.utf16!.decode(b.subarray(0, bad))
      const nul = valid.indexOf('\0')
      if (nul >= 0) {
        throw new NotTextError(valid.slice(0, nul), `not a text file: NUL byte at offset ${this.offset + 2 * nul}`)
      }
      throw new NotTextError(valid, `invalid ${this.encoding.toUpperCase()}: ${why} at byte ${this.offset + bad}`)
    }
    const text = this.utf16!.decode(b.subarray(0, end))
    this.carry = b.slice(end)
    this.offset += end
    return text
  }

  private decodeUtf8(chunk: Uint8Array, final: boolean): string {
    const b = this.carry.length ? concat(this.carry, chunk) : chunk
    const tail = final ? 0 : incompleteUtf8Tail(b)
    const body = tail ? b.subarray(0, b.length - tail) : b
    let text: string
    try {
      text = this.utf8.decode(body)
    } catch {
      throw this.utf8Error(body, final)
    }
    const nul = body.indexOf(0)
    this.nulOffset = nul < 0 ? -1 : this.offset + nul
    this.carry = tail ? b.slice(b.length - tail) : new Uint8Array(0)
    this.offset += body.length
    return text
  }

  private utf8Error(body: Uint8Array, final: boolean): NotTextError {
    const bad = firstBadUtf8(body, true)
    const at = bad < 0 ? body.length : bad
    const valid = new TextDecoder('utf-8').decode(body.subarray(0, at))
    const nul = body.subarray(0, at).indexOf(0)
    if (nul >= 0) {
      this.nulOffset = this.offset + nul
      const end = valid.indexOf('\0')
      return new NotTextError(end < 0 ? valid : valid.slice(0, end), this.nulReason('', 0))
    }
    const byte = body[at]
    const truncated = byte === undefined || (final && firstBadUtf8(body.subarray(at), false) < 0)
    return new NotTextError(
      valid,
      truncated
        ? `truncated UTF-8 sequence at the end of the file, byte ${this.offset + at}`
        : `invalid UTF-8 byte 0x${byte!.toString(16).padStart(2, '0')} at byte ${this.offset + at}; save the file as UTF-8`
    )
  }
}

/** The first unpaired surrogate among the first `end` bytes' code units: [byte index, why] or [-1, '']. */
function firstBadUtf16(unit: (k: number) => number, end: number): [number, string] {
  for (let k = 0; k < end; k += 2) {
    const u = unit(k)
    if (u >= 0xdc00 && u <= 0xdfff) return [k, 'unpaired low surrogate']
    if (u >= 0xd800 && u <= 0xdbff) {
      const v = k + 2 < end ? unit(k + 2) : -1
      if (v < 0xdc00 || v > 0xdfff) return [k, 'unpaired high surrogate']
      k += 2
    }
  }
  return [-1, '']
}

/**
 * A BOM the bytes after it contradict: after a UTF-16 BOM, text (even CJK) has ASCII delimiters, digits and line
 * breaks, so fewer than 1 in 10 ASCII code units means the bytes are something else (UTF-8 text, random data);
 * after a UTF-8 BOM, NUL bytes in a quarter of the bytes mean UTF-16.
 */
function contradictsBom(body: Uint8Array, encoding: Encoding): boolean {
  const n = Math.min(body.length, HEAD_BYTES) & ~1
  if (n < 4) return false
  if (encoding === 'utf-8') {
    let zeros = 0
    for (let k = 0; k < n; k++) if (body[k] === 0) zeros++
    return zeros >= n / 4
  }
  const hi = encoding === 'utf-16le' ? 1 : 0
  let ascii = 0
  for (let k = 0; k < n; k += 2) if (body[k + hi] === 0 && body[k + 1 - hi]! < 0x80) ascii++
  return ascii < n / 2 / 10
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  if (b.length === 0) return a
  const r = new Uint8Array(a.length + b.length)
  r.set(a, 0)
  r.set(b, a.length)
  return r
}
