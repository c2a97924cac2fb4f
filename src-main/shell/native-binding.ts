// Where the Electron build of better-sqlite3 lives (made by scripts/build-electron-sqlite.mjs), and the
// hint shown when the store cannot load. Runtime: Electron main (and the build script's tests).
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** Relative to the app root. node_modules/better-sqlite3/build stays the Node build (tests, CLI, serve). */
export const ELECTRON_BINDING_REL = join('native', 'electron', 'better_sqlite3.node')

/** The Electron build's path when it exists, else undefined (the store then tries better-sqlite3's default build). */
export function electronNativeBinding(root: string, exists: (p: string) => boolean = existsSync): string | undefined {
  const p = join(root, ELECTRON_BINDING_REL)
  return exists(p) ? p : undefined
}

/** A readable explanation for a store that failed to open in Electron. */
export function storeOpenHint(error: unknown, binding: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error)
  const abi = /NODE_MODULE_VERSION|different Node\.js version|invalid ELF|was compiled against/i.test(message)
  const build =
    'Run `npm start` (it builds it) or `node scripts/build-electron-sqlite.mjs` on a machine with network access: ' +
    "the build needs Electron's headers from electronjs.org. See docs/ELECTRON.md."
  if (!binding)
    return `${message}\n\nThe Electron build of better-sqlite3 (${ELECTRON_BINDING_REL}) is missing. ${build}`
  if (abi) return `${message}\n\n${binding} does not match this Electron version. ${build}`
  return message
}
