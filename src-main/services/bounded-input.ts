// Local inputs (import, predict --csv, predict MODEL.json) as regular files within the size limit. A regular file is
// checked by its size (the import worker counts its bytes again as they arrive); anything else — a FIFO, a pipe,
// /dev/stdin, a device, which report size 0 — is copied to a temporary file while its bytes are counted, and refused
// as soon as they pass the limit, so an endless stream stops within a second or two.
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, type Stats } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { InputError } from '../../src-shared/errors'
import { importLimit } from './dataset-checks'
import { parseNativeModel } from '../../src-worker/export/native'
import type { SavedModel } from '../../src-worker/protocol'

export interface BoundedFile {
  /** a regular file to read (the input itself, or the temporary copy) */
  path: string
  /** removes the temporary copy, if any */
  cleanup: () => void
}

/** The refusal for an input over the limit. */
export function tooLarge(name: string, bytes: number, limit = importLimit(), stopped = false): InputError {
  const mib = Math.round(limit / 1024 / 1024)
  const size = stopped ? `more than ${limit.toLocaleString('en-US')} bytes` : `${bytes.toLocaleString('en-US')} bytes`
  return new InputError(
    `"${name}" is ${size}; the limit is ${limit.toLocaleString('en-US')} bytes (${mib} MiB): split the file or keep fewer rows`
  )
}

function statOf(path: string): Stats {
  try {
    return statSync(path)
  } catch {
    throw new InputError(`cannot read "${path}": no such file`)
  }
}

export async function boundedFile(path: string, limit = importLimit(), what = 'a CSV file'): Promise<BoundedFile> {
  const st = statOf(path)
  const name = basename(path)
  if (st.isDirectory()) throw new InputError(`"${path}" is a folder, not ${what}`)
  if (st.isFile()) {
    if (st.size > limit) throw tooLarge(name, st.size, limit)
    return { path: resolve(path), cleanup: () => {} }
  }
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-input-'))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  const copy = join(dir, name.replace(/[^\w.-]/g, '_') || 'input.csv')
  try {
    await copyCapped(path, copy, limit, name)
  } catch (e) {
    cleanup()
    throw e
  }
  return { path: copy, cleanup }
}

/** Copies a stream to a file, refusing it as soon as more than `limit` bytes have arrived. */
function copyCapped(from: string, to: string, limit: number, name: string): Promise<void> {
  return new Promise((done, fail) => {
    const src = createReadStream(from)
    const dst = createWriteStream(to)
    let bytes = 0
    const stop = (e: Error) => {
      src.destroy()
      dst.destroy()
      fail(e)
    }
    src.on('data', (chunk) => {
      bytes += chunk.length
      if (bytes > limit) stop(tooLarge(name, bytes, limit, true))
    })
    src.on('error', (e) => stop(new InputError(`cannot read "${from}": ${e.message}`)))
    dst.on('error', (e) => stop(e))
    dst.on('finish', () => done())
    src.pipe(dst)
  })
}

/** A native JSON model file (predict MODEL.json) read within the same limit: a multi-gigabyte file or an endless FIFO
 * is refused by its size instead of being read whole into memory. */
export async function readModelFile(path: string): Promise<SavedModel> {
  const input = await boundedFile(path, importLimit(), 'a model file')
  try {
    return parseNativeModel(readFileSync(input.path, 'utf8'), path)
  } catch (e) {
    throw new InputError((e as Error).message) // it names the file
  } finally {
    input.cleanup()
  }
}
