// The engine's time calibration (about a second of training, src-main/services/calibration.ts) is measured by the
// first app of a test run that asks for it; every later fresh data folder starts with it in its store, as a user's
// store holds it after the first start on this machine. Apps given extra environment (appEnv) neither pass theirs on
// nor need to match: a worker measures again whenever the stored calibration is of another engine path.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CALIBRATION_KEY } from '../../../src-main/services/calibration'
import { Store, STORE_FILE } from '../../../src-main/store/index'

let measured: unknown = null

function withStore<T>(dataDir: string, f: (store: Store) => T): T {
  const store = Store.open(dataDir)
  try {
    return f(store)
  } finally {
    store.close()
  }
}

/** Before an app's first start on a fresh data folder: stores the calibration measured earlier in this run, if any. */
export function seedCalibration(dataDir: string): void {
  if (measured) withStore(dataDir, (s) => s.settings.set(CALIBRATION_KEY, measured))
}

/**
 * After a default app stopped: keeps the calibration it measured, if it did and none is kept yet. A store the test
 * left unreadable (made too new, damaged) has none to give, and the test's own assertions have spoken about it.
 */
export function keepCalibration(dataDir: string): void {
  if (measured || !existsSync(join(dataDir, STORE_FILE))) return
  try {
    measured = withStore(dataDir, (s) => s.settings.get(CALIBRATION_KEY)) ?? null
  } catch {
    /* no calibration from this folder */
  }
}
