// A dataset read again with other options (the Data screen's column types) replaces the one it was read from unless
// an experiment trained on it or a model predicted from it; `reuse` gives back a stored reading of the same bytes and
// options instead of a copy; and datasets.import passes both from the request.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { gzipSync } from 'node:zlib'
import { Store } from '../../../../src-main/store/index'
import type { NewDataset } from '../../../../src-main/store/datasets'
import { datasetHandlers } from '../../../../src-main/services/handlers/datasets'
import { uploadArgs } from '../../../../src-main/server/upload'
import type { Workbench } from '../../../../src-main/services/workbench'
import { experimentConfig, type DatasetImportOptions } from '../../../../src-shared/contract'
import { tempDir } from '../../../helpers/workbench'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})
function fresh(): Store {
  const t = tempDir()
  const store = Store.open(t.dir)
  cleanups.push(t.cleanup, () => store.close())
  return store
}

function reading(importOptions: DatasetImportOptions = {}, sha = 'ab'): NewDataset {
  return {
    name: 'small',
    fileName: 'small.csv',
    sha256: sha.repeat(32),
    byteLength: 10,
    bytesGz: new Uint8Array(gzipSync('t,v\n1,2\n')),
    rows: 1,
    columns: [{ name: 'v', type: 'numeric', missing: 0, distinct: 1, min: 2, max: 2, mean: 2 }],
    preview: [['1', '2']],
    warnings: [],
    importOptions
  }
}
const config = experimentConfig.parse({
  mapping: 'many-to-one',
  target: 'v',
  inputs: [],
  window: 2,
  model: { cell: 'lstm', hiddenSize: 4 },
  optimizer: { kind: 'adam', lr: 0.01 },
  epochs: 1
})
const ids = (s: Store) => s.datasets.list().map((d) => d.id)
const reread = (s: Store, from: number, options: DatasetImportOptions) =>
  s.datasets.store(reading(options), { reuse: true, replaces: from })

describe('re-reading a dataset', () => {
  it('three type changes leave one dataset, and a removed id is never given again', () => {
    const s = fresh()
    const first = s.datasets.store(reading(), { reuse: true })
    const a = reread(s, first, { types: { v: 'categorical' } })
    const b = reread(s, a, { types: { v: 'text' } })
    const c = reread(s, b, { types: { v: 'ignore' } })
    expect([first, a, b, c]).toEqual([1, 2, 3, 4])
    expect(ids(s)).toEqual([4])
    expect(s.datasets.get(4)).toMatchObject({ name: 'small', importOptions: { types: { v: 'ignore' } } })
    expect(s.datasets.removeUnused(4)).toBe(true)
    expect(s.datasets.store(reading())).toBe(5)
  })

  it("keeps an experiment's dataset and one a model predicted from exactly as they were", () => {
    const s = fresh()
    const trained = s.datasets.store(reading())
    const predicted = s.datasets.store(reading({}, 'cd'))
    const exp = s.experiments.create(trained, 'run', config)
    s.experiments.addEvent(exp, 'predicted', { datasetId: predicted, rows: 1 })
    const before = [s.datasets.get(trained), s.datasets.get(predicted)]
    const fromTrained = reread(s, trained, { types: { v: 'categorical' } })
    const fromPredicted = s.datasets.store(reading({ types: { v: 'text' } }, 'cd'), { replaces: predicted })
    expect(ids(s)).toEqual([fromPredicted, fromTrained, predicted, trained])
    expect([s.datasets.get(trained), s.datasets.get(predicted)]).toEqual(before)
    expect(s.datasets.removeUnused(trained)).toBe(false)
    // back to the reading the experiment uses: that dataset is the answer and the unused re-read goes
    expect(reread(s, fromTrained, {})).toBe(trained)
    expect(ids(s)).toEqual([fromPredicted, predicted, trained])
  })

  it('reuse finds the same bytes, options (in any order) and name; without it every import is a new dataset', () => {
    const s = fresh()
    const first = s.datasets.store(reading({ types: { v: 'categorical', t: 'numeric' }, missingWords: ['-'] }))
    const reordered = { missingWords: ['-'], types: { t: 'numeric' as const, v: 'categorical' as const } }
    expect(s.datasets.store(reading(reordered), { reuse: true })).toBe(first)
    expect(s.datasets.store(reading(reordered, 'cd'), { reuse: true })).not.toBe(first)
    expect(s.datasets.store({ ...reading(reordered), name: 'other name' }, { reuse: true })).not.toBe(first)
    expect(s.datasets.store(reading({ types: { v: 'text' } }), { reuse: true })).not.toBe(first)
    expect(s.datasets.store(reading(reordered))).not.toBe(first)
    expect(ids(s)).toHaveLength(5)
  })
})

describe('datasets.import', () => {
  it('passes reuse, and replace for a stored dataset read again, to the import', async () => {
    const s = fresh()
    const id = s.datasets.store(reading())
    const importSource = vi.fn(async () => s.datasets.get(id)!)
    const wb = { store: s, importSource } as unknown as Workbench
    const run = datasetHandlers['datasets.import']
    await run(wb, { source: { kind: 'dataset', datasetId: id, replace: true }, options: {}, reuse: true })
    await run(wb, { source: { kind: 'dataset', datasetId: id } })
    await run(wb, { source: { kind: 'bytes', fileName: 'a.csv', base64: 'YQ==' }, reuse: true })
    expect(importSource.mock.calls.map((c) => (c as unknown[])[3])).toEqual([
      { importId: undefined, options: {}, reuse: true, replaces: id },
      { importId: undefined, options: undefined, reuse: undefined, replaces: undefined },
      { importId: undefined, options: undefined, reuse: true }
    ])
  })
  it("browser mode's upload takes reuse=1 and refuses any other value", () => {
    const url = (q: string) => new URL(`http://localhost/api/upload?fileName=a.csv${q}`)
    expect(uploadArgs(url('&reuse=1')).reuse).toBe(true)
    expect(uploadArgs(url('')).reuse).toBeUndefined()
    expect(() => uploadArgs(url('&reuse=yes'))).toThrow('reuse: only 1 (or absent)')
  })
})
