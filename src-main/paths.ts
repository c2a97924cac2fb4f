// Where things live: the app's root folder (sources or the build), the shipped samples, the built
// renderer, and the default data folder for browser mode and the CLI.
import { statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `entryUrl` is import.meta.url of src-main/<entry>.ts or out/main/<entry>.js: both sit two levels down. */
export function appRoot(entryUrl: string): string {
  return resolve(fileURLToPath(new URL('../..', entryUrl)))
}

export function samplesDir(root: string): string {
  return join(root, 'resources', 'samples')
}
export function rendererDir(root: string): string {
  return join(root, 'out', 'renderer')
}

/**
 * Default store folder outside Electron: $RNN_WORKBENCH_DATA_DIR, else $XDG_DATA_HOME/rnn-workbench,
 * else ~/.local/share/rnn-workbench. (Electron uses its user-data folder.)
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RNN_WORKBENCH_DATA_DIR) return resolve(env.RNN_WORKBENCH_DATA_DIR)
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share')
  return join(base, 'rnn-workbench')
}

export const VERSION = '0.1.0'

/** A warning when an existing data folder can be read by other local users (the app creates it 0700). */
export function dataDirWarning(dir: string): string | null {
  try {
    const mode = statSync(dir).mode & 0o777
    if (process.platform === 'win32' || (mode & 0o077) === 0) return null
    return `warning: the data folder ${dir} is readable by other users (mode ${mode.toString(8)}); \`chmod 700 ${dir}\` makes it private`
  } catch {
    return null
  }
}
