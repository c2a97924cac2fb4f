// The data layer runs inside a worker thread, and its results and errors cross the thread boundary.
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'

const boot = fileURLToPath(new URL('../../../../scripts/tsx-worker.mjs', import.meta.url))
const entry = new URL('./worker-entry.ts', import.meta.url).href

function run(text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const w = new Worker(boot, { workerData: { __entry: entry, bytes: new TextEncoder().encode(text) } })
    w.once('message', (m) => {
      resolve(m)
      void w.terminate()
    })
    w.once('error', reject)
  })
}

describe('data layer in a worker thread', () => {
  it('parses and builds windows; typed arrays cross the boundary', async () => {
    const m = await run('v\n' + Array.from({ length: 30 }, (_, k) => k).join('\n'))
    expect(m.ok).toBe(true)
    const table = m.table as { rowCount: number; values: unknown[] }
    expect(table.rowCount).toBe(30)
    expect(table.values[0]).toBeInstanceOf(Float64Array)
    expect(m.x).toBeInstanceOf(Float32Array)
    expect(m.trainN).toBe(24 - 4 + 1)
  })
  it('a refusal keeps its message and line', async () => {
    const m = await run('v\n1\n2,3\n')
    expect(m).toEqual({
      ok: false,
      name: 'CsvImportError',
      message: 'line 3: expected 1 field (as in the header), found 2: "2,3"',
      line: 3
    })
  })
})
