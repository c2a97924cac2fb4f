/**
 * Import straight from a file on disk, in chunks (Node fs only: works in the main process and in worker threads).
 * Same result as parseCsv(readFileSync(path)) for any chunk size; progress and cancellation between chunks.
 */
import { open } from 'node:fs/promises'
import { createCsvStream, TYPE_SAMPLE, type CsvStreamOptions, type ParsedTable } from './csv'

export interface FileImportOptions extends CsvStreamOptions {
  /** bytes read per chunk (default 1 MiB) */
  chunkSize?: number
}

export interface FileProgress {
  bytes: number
  totalBytes: number
  rows: number
  line: number
}

/** Stream a CSV file through the strict importer. Rejects with CsvImportError, or an AbortError when cancelled. */
export async function importCsvFile(
  path: string,
  opts: Omit<FileImportOptions, 'onProgress'> & { onProgress?: (p: FileProgress) => void } = {}
): Promise<ParsedTable> {
  const fh = await open(path, 'r')
  try {
    const totalBytes = (await fh.stat()).size
    const { onProgress, chunkSize = 1 << 20, ...rest } = opts
    const s = createCsvStream({
      ...rest,
      onProgress: onProgress ? (p) => onProgress({ ...p, totalBytes }) : undefined
    })
    const buf = new Uint8Array(Math.max(1, chunkSize))
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      s.push(buf.subarray(0, bytesRead))
      if (s.done) break
    }
    return s.end()
  } finally {
    await fh.close()
  }
}

/**
 * Fast preview of a big file: reads only until `maxRows` data rows (default 1000, the rows the full import decides column types on) are parsed; column types and
 * stats describe those rows. `bytesRead` says how much of the file was looked at.
 */
export async function previewCsvFile(
  path: string,
  opts: FileImportOptions & { maxRows?: number } = {}
): Promise<ParsedTable & { bytesRead: number; totalBytes: number }> {
  let bytesRead = 0
  const fh = await open(path, 'r')
  try {
    const totalBytes = (await fh.stat()).size
    const s = createCsvStream({ ...opts, maxRows: opts.maxRows ?? TYPE_SAMPLE })
    const buf = new Uint8Array(opts.chunkSize ?? 64 * 1024)
    while (!s.done) {
      const { bytesRead: n } = await fh.read(buf, 0, buf.length, null)
      if (n === 0) break
      bytesRead += n
      s.push(buf.subarray(0, n))
    }
    return Object.assign(s.end(), { bytesRead, totalBytes })
  } finally {
    await fh.close()
  }
}
