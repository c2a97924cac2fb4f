// Browser mode's CSV upload: the file travels as the raw request body (never a JSON string) and is written to a
// temporary file while its bytes are counted, so the import limit is reachable and memory stays flat; a body past the
// limit is refused as soon as it passes it. The import then reads the temporary file like any local file.
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importOptions, type DatasetImportOptions, ValidationError } from '../../src-shared/contract'
import { tooLarge, type BoundedFile } from '../services/bounded-input'
import { importLimit } from '../services/dataset-checks'
import { bodyChunks } from './http-io'

/** What the query string of POST /api/upload says: `fileName`, optional `name`, `importId`, `options` (JSON) and
 * `reuse` (`1`: datasets.import's `reuse`). */
export interface UploadArgs {
  fileName: string
  name?: string
  importId?: string
  options?: DatasetImportOptions
  reuse?: boolean
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`${path}: ${message}`, [{ path, message }])
}

export function uploadArgs(url: URL): UploadArgs {
  const q = url.searchParams
  const fileName = q.get('fileName')?.split(/[\\/]/).pop() ?? ''
  if (fileName === '' || fileName.length > 500)
    throw invalid('fileName', 'the file name is required (1 to 500 characters)')
  const importId = q.get('importId') ?? undefined
  if (importId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(importId))
    throw invalid('importId', 'letters, digits, _ and - (1 to 64)')
  const name = q.get('name')?.trim() || undefined
  let options: DatasetImportOptions | undefined
  const raw = q.get('options')
  if (raw !== null) {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw invalid('options', 'not JSON')
    }
    const r = importOptions.safeParse(parsed)
    if (!r.success) throw invalid('options', r.error.issues.map((i) => i.message).join('; '))
    options = r.data
  }
  const reuse = q.get('reuse')
  if (reuse !== null && reuse !== '1') throw invalid('reuse', 'only 1 (or absent)')
  return { fileName, name, importId, options, ...(reuse === '1' ? { reuse: true } : {}) }
}

/**
 * A file being written whose failure (a full disk, a folder at its path) rejects `write`/`end` instead of being an
 * unhandled 'error' event, which would end the process.
 */
class FileSink {
  private readonly out: WriteStream
  private readonly failed: Promise<never>

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'wx', mode: 0o600 })
    this.failed = new Promise<never>((_, fail) => this.out.on('error', fail))
    this.failed.catch(() => {})
  }

  async write(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await Promise.race([once(this.out, 'drain'), this.failed])
  }

  end(): Promise<void> {
    return Promise.race([new Promise<void>((done) => this.out.end(() => done())), this.failed])
  }

  destroy(): void {
    this.out.destroy()
  }
}

/**
 * Writes the request body to a temporary file, refusing it past `limit` bytes. The file's name on disk is fixed: the
 * upload's own name (`..`, `.`) only travels as the dataset's metadata.
 */
export async function receiveUpload(
  req: IncomingMessage,
  fileName: string,
  limit = importLimit()
): Promise<BoundedFile> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (declared > limit) throw tooLarge(fileName, declared, limit)
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-upload-'))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  const path = join(dir, 'upload.csv')
  const out = new FileSink(path)
  let bytes = 0
  try {
    for await (const chunk of bodyChunks(req)) {
      bytes += chunk.length
      if (bytes > limit) throw tooLarge(fileName, bytes, limit, true)
      await out.write(chunk)
    }
    await out.end()
  } catch (e) {
    out.destroy()
    cleanup()
    throw e
  }
  return { path, cleanup }
}
