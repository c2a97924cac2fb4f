// Worker-thread entry used by worker.test.ts: parses bytes and builds windows inside a worker.
import { parentPort, workerData } from 'node:worker_threads'
import { parseCsv } from '../../../../src-worker/data/csv'
import { buildSeriesWindows } from '../../../../src-worker/data/sequences'

const { bytes } = workerData as { bytes: Uint8Array }
try {
  const table = parseCsv(bytes)
  const w = buildSeriesWindows(table, { mapping: 'many-to-one', targets: ['v'], inputs: [], window: 3 })
  parentPort!.postMessage({ ok: true, table, trainN: w.train.n, x: w.train.x }, [w.train.x.buffer as ArrayBuffer])
} catch (e) {
  parentPort!.postMessage({
    ok: false,
    name: (e as Error).name,
    message: (e as Error).message,
    line: (e as { line?: number }).line
  })
}
