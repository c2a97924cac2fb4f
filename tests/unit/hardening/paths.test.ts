// No request can make the service touch a path of the caller's choosing: the only name a payload carries
// (datasets.import's fileName) is reduced to a base name and only stored; nothing is written outside the
// data folder, whatever the name says (.., absolute, Windows, NUL, very long).
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workbench } from '../../../src-main/services/workbench'
import { openWorkbench, tempDir } from '../../helpers/workbench'

let wb: Workbench
let root: string
let cleanup: () => void

/** Every file under `dir`, recursively (relative paths). */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? tree(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]
  )
}

beforeAll(() => {
  const t = tempDir('rnnwb-paths-')
  root = t.dir
  cleanup = t.cleanup
  wb = openWorkbench(join(root, 'nest', 'data'), 'cli')
})
afterAll(async () => {
  await wb.close()
  cleanup()
})

describe('file names in payloads', () => {
  it('are reduced to a base name and never used as a path', async () => {
    const csv = Buffer.from('t,x\n1,2\n2,3\n3,4\n4,5\n').toString('base64')
    const names = [
      '../../../evil.csv',
      '../../evil/../evil2.csv',
      '/etc/passwd',
      '/tmp/owned.csv',
      'C:\\Windows\\evil.csv',
      '..\\..\\evil.csv',
      'a/b/c.csv',
      'x'.repeat(500),
      'nul\u0000.csv',
      '.hidden.csv',
      '..',
      '.'
    ]
    const before = tree(root)
    for (const fileName of names) {
      let stored: string
      try {
        stored = (await wb.request('datasets.import', { source: { kind: 'bytes', fileName, base64: csv } })).fileName
      } catch (e) {
        // a refusal is fine too, as long as it names the input and writes nothing
        expect((e as Error).name, fileName).toMatch(/ValidationError|InputError|CsvImportError/)
        continue
      }
      // metadata only (shown in the UI, never joined to a path): no directory part survives
      expect(stored.includes('/'), fileName).toBe(false)
    }
    // Nothing appeared outside the data folder; inside it only the store's own files.
    const after = tree(root)
    const outside = after.filter((f) => !f.startsWith('nest/data/') && !before.includes(f))
    expect(outside).toEqual([])
    expect(
      after.filter((f) => f.startsWith('nest/data/')).every((f) => /^nest\/data\/workbench\.db(-wal|-shm)?$/.test(f))
    ).toBe(true)
  })
})
