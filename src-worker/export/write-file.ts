// Every file the app writes outside the store (exports, predictions) goes through here: written in full to a
// private temporary name next to it, then renamed into place. So the path holds either the old file or the
// complete new one (never a 0-byte or half-written file after a full disk or a kill), a symlink planted at the
// path is replaced rather than written through, and new files and folders are private to the user (0600/0700).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { StorageError } from '../../src-shared/errors'

/** Mode of the files the app creates: readable by the user only. */
export const FILE_MODE = 0o600
/** Mode of the folders the app creates. */
export const DIR_MODE = 0o700

/** What went wrong, in words, naming the path; the OS code stays in the message for searches. */
export function fileSystemMessage(e: unknown, path: string): string {
  const code = (e as { code?: string }).code ?? ''
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
    ENOENT: 'the folder does not exist'
  }
  return `could not write ${path}: ${why[code] ?? (e as Error).message}${why[code] ? ` (${code})` : ''}; nothing was written there`
}

/** Creates `dir` (and its parents) as private folders. */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE })
  } catch (e) {
    throw new StorageError(fileSystemMessage(e, dir))
  }
}

/** Writes `data` to `path` atomically (temporary file, fsync, rename); throws a StorageError naming the path. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDir(dirname(path))
  const tmp = join(dirname(path), `.${basename(path)}.partial-${process.pid}`)
  try {
    rmSync(tmp, { force: true })
    // 'wx': O_CREAT|O_EXCL, so a symlink at the temporary name is never followed
    const fd = openSync(tmp, 'wx', FILE_MODE)
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
      for (let off = 0; off < bytes.byteLength;) off += writeSync(fd, bytes, off, bytes.byteLength - off)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw new StorageError(fileSystemMessage(e, path))
  }
}
