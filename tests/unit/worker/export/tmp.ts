// A fresh temporary directory per test file, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rnnwb-export-${tag}-`))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}
