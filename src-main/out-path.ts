// Where `export --out` and `predict --out` may write. Never the store, its -wal/-shm/-journal files or anything
// else of the data folder's own layout (the store's sibling files, exports/); never the file being read; an
// existing file (or non-empty folder) only with --overwrite. Symlinks and `..` are resolved before comparing.
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { InputError, StorageError } from '../src-shared/errors'
import { STORE_FILE } from './store/index'

/** The path with its existing part resolved through symlinks (the rest appended as given). */
export function realPathOf(path: string): string {
  const abs = resolve(path)
  if (existsSync(abs)) return realpathSync(abs)
  const parent = dirname(abs)
  return parent === abs ? abs : join(realPathOf(parent), basename(abs))
}

/** The data folder's own entries (its first path component under the data folder): the store files and exports/. */
function inLayout(dataDir: string, path: string): string | null {
  const rel = relative(realPathOf(dataDir), realPathOf(path))
  if (rel.startsWith('..') || isAbsolute(rel)) return null
  const first = rel.split(sep)[0]!
  if (first === '') return 'the data folder itself'
  if (first === STORE_FILE) return 'the experiment store'
  if (first.startsWith(STORE_FILE)) return `a file of the experiment store (${first})`
  if (first === 'exports') return "the app's own exports folder"
  return null
}

function occupied(path: string): boolean {
  try {
    const st = statSync(path)
    return !st.isDirectory() || readdirSync(path).length > 0
  } catch {
    return false
  }
}

export interface OutPathCheck {
  dataDir: string
  overwrite: boolean
  /** Files the command reads (its CSV, a model file): never written over. */
  inputs?: (string | undefined)[]
  /** Further files the command will write next to `out` (e.g. the forecast). */
  alsoWrites?: string[]
}

/** Throws an InputError (exit 2) naming `flag` and the reason when `out` must not be written. */
export function checkOutPath(out: string, flag: string, opts: OutPathCheck): void {
  for (const path of [out, ...(opts.alsoWrites ?? [])]) {
    const layout = inLayout(opts.dataDir, path)
    if (layout) throw new InputError(`${flag} ${path}: that is ${layout} in ${opts.dataDir}; choose a path outside it`)
    for (const input of opts.inputs ?? [])
      if (input !== undefined && realPathOf(input) === realPathOf(path))
        throw new InputError(`${flag} ${path}: that is the file being read; choose another name`)
    if (!opts.overwrite && occupied(path))
      throw new InputError(`${flag} ${path}: it exists; choose another name, or pass --overwrite to replace it`)
  }
}

/**
 * Refuses a path in the data folder that passes through a symlink: the app never writes (nor, for downloads, reads)
 * through a link there.
 */
export function checkNoSymlinks(dataDir: string, path: string, action: 'write' | 'read' = 'write'): void {
  let at = resolve(dataDir)
  for (const part of relative(at, resolve(path)).split(sep)) {
    if (!part || part === '..') return
    at = join(at, part)
    let link: boolean
    try {
      link = lstatSync(at).isSymbolicLink()
    } catch {
      return // not there yet: created by the writer
    }
    if (link)
      throw new StorageError(
        `${at} is a symbolic link: the app does not ${action} through links in its data folder (remove it, then try again)`
      )
  }
}
