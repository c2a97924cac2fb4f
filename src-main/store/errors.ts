// Turns SQLite failures into messages a person can act on.
export function storeErrorMessage(e: unknown): string {
  const code = (e as { code?: string })?.code ?? ''
  if (code === 'SQLITE_FULL')
    return 'the disk holding the experiment store is full: free some space, then resume the run (it continues from its last complete epoch)'
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return 'the experiment store is locked by another program: close it, then resume the run'
  if (code === 'SQLITE_READONLY') return 'the experiment store is read-only: check the permissions of the data folder'
  if (code.startsWith('SQLITE_IOERR'))
    return 'the experiment store could not be written (input/output error): check the disk'
  return e instanceof Error ? e.message : String(e)
}

export function isStoreError(e: unknown): boolean {
  return typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('SQLITE_')
}
