// A big CSV imports off the main thread with progress events, and can be cancelled without a trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { once } from 'node:events'
import { openWorkbench, tempDir } from '../../../helpers/workbench'
import type { Workbench } from '../../../../src-main/services/workbench'

const ROWS = 300_000
const t = tempDir()
let wb: Workbench
const file = join(t.dir, 'big.csv')

beforeAll(async () => {
  const out = createWriteStream(file)
  out.write('t,' + Array.from({ length: 9 }, (_, i) => `x${i}`).join(',') + '\n')
  for (let r = 0; r < ROWS; r++) {
    let line = String(r)
    for (let c = 0; c < 9; c++) line += ',' + (((r * 7 + c * 13) % 1000) / 10).toFixed(1)
    if (!out.write(line + '\n')) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  wb = openWorkbench(join(t.dir, 'data'))
})
afterAll(async () => {
  await wb.close()
  t.cleanup()
})

describe('big imports', () => {
  it(`imports ${ROWS} rows × 10 columns with progress events while the main thread stays free`, async () => {
    const progress: number[] = []
    const off = wb.on('datasets.importProgress', (p) => {
      if (p.importId === 'big-1') progress.push(p.bytes / p.totalBytes)
    })
    let ticks = 0
    const timer = setInterval(() => {
      ticks++
    }, 10)
    const d = await wb.importPath(file, 'big', { importId: 'big-1' })
    clearInterval(timer)
    off()
    expect(d.rows).toBe(ROWS)
    expect(d.columns).toHaveLength(10)
    expect(d.columns.every((c) => c.type === 'numeric' || c.type === 'id')).toBe(true)
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.at(-1)).toBe(1)
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1])
    expect(ticks).toBeGreaterThan(3) // the event loop kept running during the import
  })

  it('cancels an import between chunks and stores nothing', async () => {
    const before = (await wb.request('datasets.list', {})).length
    const off = wb.on('datasets.importProgress', (p) => {
      if (p.importId === 'big-2') wb.cancelImport('big-2')
    })
    await expect(wb.importPath(file, 'big', { importId: 'big-2' })).rejects.toThrow(
      'the import was cancelled; nothing was stored'
    )
    off()
    expect((await wb.request('datasets.list', {})).length).toBe(before)
    expect(wb.cancelImport('big-2')).toBe(false)
  })
})
