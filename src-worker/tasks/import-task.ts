// Import task: stream a CSV (a file on disk, or bytes from the renderer) through the strict importer in
// chunks — progress at most ~10 times a second, cancellable between chunks through the control word —
// then hash and compress the original bytes. All off the main thread.
import { createHash } from 'node:crypto'
import { openSync, readSync, closeSync, fstatSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { createCsvStream, csvOptions } from '../data/csv'
import { CONTROL_STOP, type FromWorker, type ToWorker } from '../protocol'
import { InputError } from '../../src-shared/errors'

const CHUNK = 1 << 20
const PROGRESS_MS = 100

/** The refusal of an input that grew past the limit while it was read. */
function tooLarge(fileName: string, limit: number): InputError {
  const mib = Math.round(limit / 1024 / 1024)
  return new InputError(
    `"${fileName}" is more than ${limit.toLocaleString('en-US')} bytes; the limit is ${limit.toLocaleString('en-US')} bytes (${mib} MiB): split the file or keep fewer rows`
  )
}

export class ImportCancelled extends Error {
  override name = 'ImportCancelled'
  constructor() {
    super('the import was cancelled; nothing was stored')
  }
}

/** The file or buffer as a sequence of chunks. */
function* chunksOf(msg: ToWorker & { type: 'import' }): Generator<Uint8Array, void, void> {
  if (msg.bytes) {
    for (let o = 0; o < msg.bytes.byteLength; o += CHUNK) yield msg.bytes.subarray(o, o + CHUNK)
    return
  }
  const fd = openSync(msg.path!, 'r')
  try {
    for (;;) {
      const buf = new Uint8Array(CHUNK)
      const n = readSync(fd, buf, 0, CHUNK, null)
      if (n === 0) return
      yield buf.subarray(0, n)
    }
  } finally {
    closeSync(fd)
  }
}

function sizeOf(msg: ToWorker & { type: 'import' }): number {
  if (msg.bytes) return msg.bytes.byteLength
  const fd = openSync(msg.path!, 'r')
  try {
    return fstatSync(fd).size
  } finally {
    closeSync(fd)
  }
}

export function runImport(msg: ToWorker & { type: 'import' }, post: (m: FromWorker, t?: ArrayBuffer[]) => void): void {
  const control = msg.control ? new Int32Array(msg.control) : null
  const totalBytes = sizeOf(msg)
  const hash = createHash('sha256')
  const kept: Uint8Array[] = []
  let bytes = 0,
    last = 0
  const stream = createCsvStream(csvOptions(msg.options))
  const maxBytes = msg.maxBytes ?? Infinity
  for (const chunk of chunksOf(msg)) {
    if (control && Atomics.load(control, 0) === CONTROL_STOP) throw new ImportCancelled()
    if (bytes + chunk.byteLength > maxBytes) throw tooLarge(msg.fileName, maxBytes)
    hash.update(chunk)
    kept.push(chunk)
    stream.push(chunk)
    bytes += chunk.byteLength
    const now = performance.now()
    if (now - last >= PROGRESS_MS) {
      last = now
      post({ type: 'importProgress', taskId: msg.taskId, bytes, totalBytes })
    }
  }
  const cancelled = () => control !== null && Atomics.load(control, 0) === CONTROL_STOP
  if (cancelled()) throw new ImportCancelled()
  const table = stream.end()
  if (cancelled()) throw new ImportCancelled()
  const all = kept.length === 1 ? kept[0] : Buffer.concat(kept)
  const gz = gzipSync(all)
  post({ type: 'importProgress', taskId: msg.taskId, bytes, totalBytes })
  post({
    type: 'imported',
    taskId: msg.taskId,
    dataset: {
      sha256: hash.digest('hex'),
      byteLength: bytes,
      bytesGz: new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength),
      rows: table.rowCount,
      columns: table.columns,
      preview: table.preview,
      warnings: table.warnings
    }
  })
}
