// The files a user can take away from the data folder: a model export as `models.export` wrote it and a predictions
// file as `models.predict` wrote it. One file goes as itself (model.onnx); several (TF.js, PyTorch, an
// encoder–decoder ONNX pair, predictions with their forecast) go as one .zip. Only files under the experiment's own
// `exports/experiment-<id>` folder are handed out, whatever paths the store's events name, and never through a
// symlink: a link planted there (to ~/.ssh/id_rsa, say) would otherwise hand its target to the page.
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { zipSync } from 'fflate'
import { downloadRequest, formatIssues, ValidationError, type DownloadRequest } from '../../src-shared/contract'
import { NotFoundError } from '../../src-shared/errors'
import type { Store } from '../store/index'
import { checkNoSymlinks } from '../out-path'

export interface DownloadFile {
  fileName: string
  mime: string
  bytes: Uint8Array
}

const MIME: Record<string, string> = {
  '.onnx': 'application/octet-stream',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.zip': 'application/zip'
}

/** Validates a download request (from a page or IPC) the way the contract validates requests. */
export function parseDownloadRequest(raw: unknown): DownloadRequest {
  const r = downloadRequest.safeParse(raw ?? {})
  if (!r.success) {
    const issues = formatIssues(r.error)
    throw new ValidationError(`download: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
  }
  return r.data
}

/** The experiment's folder of UI exports and predictions. */
export function exportsDir(dataDir: string, id: number): string {
  return join(dataDir, 'exports', `experiment-${id}`)
}

function inside(root: string, p: string): boolean {
  const r = resolve(root),
    f = resolve(p)
  return f.startsWith(r + sep)
}

/** The files of the newest export in `format` that lies in the experiment's folder. */
function exportFiles(store: Store, dataDir: string, id: number, format: string): string[] {
  const detail = store.experiments.detail(id)
  if (!detail) throw new NotFoundError(`experiment ${id} does not exist`)
  const dir = exportsDir(dataDir, id)
  const last = detail.exports
    .filter((x) => x.format === format && x.files.length > 0 && x.files.every((f) => inside(dir, f)))
    .at(-1)
  if (!last || !last.files.every((f) => existsSync(f)))
    throw new NotFoundError(`experiment ${id} has no ${format} export to download: export it first`)
  return last.files
}

function predictionFiles(store: Store, dataDir: string, id: number, datasetId: number | undefined): string[] {
  if (!store.experiments.get(id)) throw new NotFoundError(`experiment ${id} does not exist`)
  const main = join(
    exportsDir(dataDir, id),
    datasetId === undefined ? 'generated.csv' : `predictions-dataset-${datasetId}.csv`
  )
  if (!existsSync(main)) throw new NotFoundError(`experiment ${id} has no such predictions file: run Predict first`)
  const forecast = main.replace(/\.csv$/, '.forecast.csv')
  return existsSync(forecast) ? [main, forecast] : [main]
}

/** The common folder of some files (their own folder for one file). */
function commonDir(files: string[]): string {
  let dir = dirname(files[0]!)
  while (!files.every((f) => f.startsWith(dir + sep)) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/**
 * A regular file's bytes (undefined for anything else), read without following links: none on the way in the data
 * folder, and O_NOFOLLOW for the file itself, so a link swapped in after the check is not followed either.
 */
function readNoFollow(dataDir: string, f: string): Uint8Array | undefined {
  checkNoSymlinks(dataDir, f, 'read')
  let fd: number
  try {
    fd = openSync(f, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch (e) {
    if ((e as { code?: string }).code === 'ELOOP') checkNoSymlinks(dataDir, f, 'read')
    throw e
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined
  } finally {
    closeSync(fd)
  }
}

function pack(dataDir: string, files: string[], zipName: string): DownloadFile {
  if (files.length === 1) {
    const f = files[0]!
    const ext = f.slice(f.lastIndexOf('.'))
    const bytes = readNoFollow(dataDir, f)
    if (!bytes) throw new NotFoundError(`${f} is not a file`)
    return { fileName: basename(f), mime: MIME[ext] ?? 'application/octet-stream', bytes }
  }
  const root = commonDir(files)
  const entries: Record<string, Uint8Array> = {}
  for (const f of files) {
    const bytes = readNoFollow(dataDir, f)
    if (bytes) entries[relative(root, f).split(sep).join('/')] = bytes
  }
  return { fileName: zipName, mime: MIME['.zip']!, bytes: zipSync(entries, { level: 6 }) }
}

/** Reads the requested file (or zips the files) for a download. */
export function readDownload(store: Store, dataDir: string, req: DownloadRequest): DownloadFile {
  if (req.kind === 'export')
    return pack(dataDir, exportFiles(store, dataDir, req.id, req.format), `experiment-${req.id}-${req.format}.zip`)
  return pack(dataDir, predictionFiles(store, dataDir, req.id, req.datasetId), `experiment-${req.id}-predictions.zip`)
}
