// Import task: parse and type a CSV, hash and compress its original bytes (all off the main thread).
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { parseCsv } from '../../src-main/data/csv'
import type { FromWorker, ToWorker } from '../protocol'

export function runImport(msg: ToWorker & { type: 'import' }, post: (m: FromWorker, t?: ArrayBuffer[]) => void): void {
  const table = parseCsv(msg.bytes)
  const sha256 = createHash('sha256').update(msg.bytes).digest('hex')
  const gz = gzipSync(msg.bytes)
  const bytesGz = new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength)
  post({
    type: 'imported',
    taskId: msg.taskId,
    dataset: {
      sha256, byteLength: msg.bytes.byteLength, bytesGz,
      rows: table.rowCount, columns: table.columns, preview: table.preview, warnings: table.warnings
    }
  })
}
