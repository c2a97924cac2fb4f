// Downloads hand out the files of a run's own exports folder: one file as itself, several as one zip holding them
// under their names; a path outside the folder, a missing export or a bad request is refused by name.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { Store } from '../../../../src-main/store/index'
import { exportsDir, parseDownloadRequest, readDownload } from '../../../../src-main/services/downloads'
import { experimentConfig } from '../../../../src-shared/contract'
import { tempDir } from '../../../helpers/workbench'

const dataset = {
  name: 'co2',
  fileName: 'co2.csv',
  sha256: 'ab'.repeat(32),
  byteLength: 10,
  bytesGz: new Uint8Array([1, 2, 3]),
  rows: 5,
  columns: [{ name: 'x', type: 'numeric' as const, missing: 0, distinct: 5, min: 1, max: 5, mean: 3 }],
  preview: [['1'], ['2']],
  warnings: []
}
const config = experimentConfig.parse({
  mapping: 'many-to-one',
  target: 'x',
  window: 3,
  model: { cell: 'lstm', hiddenSize: 4 },
  optimizer: { kind: 'adam', lr: 0.01 },
  epochs: 2
})

const open: { store: Store; cleanup: () => void }[] = []
/** Folders outside the data folder, for what a planted link points at. */
const outsides: (() => void)[] = []
afterEach(() => {
  for (const o of open.splice(0)) {
    o.store.close()
    o.cleanup()
  }
  for (const c of outsides.splice(0)) c()
})

function setup() {
  const { dir: dataDir, cleanup } = tempDir()
  const store = Store.open(dataDir)
  open.push({ store, cleanup })
  const id = store.experiments.create(store.datasets.insert(dataset), 'run', config)
  const dir = exportsDir(dataDir, id)
  const put = (rel: string, text: string) => {
    const p = join(dir, rel)
    mkdirSync(join(p, '..'), { recursive: true })
    writeFileSync(p, text)
    return p
  }
  const exported = (format: string, files: string[]) =>
    store.experiments.addEvent(id, 'exported', { format, verified: true, maxAbsDiff: 0, runtime: 'x', files })
  return { dataDir, store, id, put, exported }
}

describe('downloads', () => {
  it('gives one exported file as itself and several as a zip of their relative names', () => {
    const { dataDir, store, id, put, exported } = setup()
    exported('onnx', [put('onnx/model.onnx', 'ONNX')])
    const one = readDownload(store, dataDir, { kind: 'export', id, format: 'onnx' })
    expect(one.fileName).toBe('model.onnx')
    expect(Buffer.from(one.bytes).toString()).toBe('ONNX')
    exported('tfjs', [put('tfjs/model.json', '{}'), put('tfjs/group1-shard1of1.bin', 'W')])
    const zip = readDownload(store, dataDir, { kind: 'export', id, format: 'tfjs' })
    expect(zip.fileName).toBe(`experiment-${id}-tfjs.zip`)
    expect(zip.mime).toBe('application/zip')
    const entries = unzipSync(zip.bytes)
    expect(Object.keys(entries).sort()).toEqual(['group1-shard1of1.bin', 'model.json'])
    expect(Buffer.from(entries['model.json']!).toString()).toBe('{}')
  })

  it('refuses an export that lies outside the run folder or was never made', () => {
    const { dataDir, store, id, exported } = setup()
    const outside = join(dataDir, 'elsewhere.onnx')
    writeFileSync(outside, 'X')
    exported('onnx', [outside])
    expect(() => readDownload(store, dataDir, { kind: 'export', id, format: 'onnx' })).toThrow(
      /no onnx export to download: export it first/
    )
    expect(() => readDownload(store, dataDir, { kind: 'export', id: id + 1, format: 'json' })).toThrow(
      /experiment \d+ does not exist/
    )
  })

  it('gives predictions as their CSV, with a forecast as one zip', () => {
    const { dataDir, store, id, put } = setup()
    expect(() => readDownload(store, dataDir, { kind: 'predictions', id, datasetId: 1 })).toThrow(/run Predict first/)
    put('predictions-dataset-1.csv', 'window,predicted_x\n')
    expect(readDownload(store, dataDir, { kind: 'predictions', id, datasetId: 1 }).fileName).toBe(
      'predictions-dataset-1.csv'
    )
    put('predictions-dataset-1.forecast.csv', 'step,predicted_x\n')
    const zip = readDownload(store, dataDir, { kind: 'predictions', id, datasetId: 1 })
    expect(Object.keys(unzipSync(zip.bytes)).sort()).toEqual([
      'predictions-dataset-1.csv',
      'predictions-dataset-1.forecast.csv'
    ])
  })

  it('never reads through a symlink in the data folder: a linked file or a linked run folder is refused', () => {
    const { dataDir, store, id, put, exported } = setup()
    const outside = tempDir()
    outsides.push(outside.cleanup)
    const secret = join(outside.dir, 'secret.txt')
    writeFileSync(secret, 'PRIVATE KEY')
    const file = put('json/model.json', '{}')
    rmSync(file)
    symlinkSync(secret, file)
    exported('json', [file])
    expect(() => readDownload(store, dataDir, { kind: 'export', id, format: 'json' })).toThrow(
      /model\.json is a symbolic link: the app does not read through links in its data folder/
    )
    // a link among several files: the zip is refused too, not packed without it
    exported('tfjs', [put('tfjs/group1-shard1of1.bin', 'W'), file])
    expect(() => readDownload(store, dataDir, { kind: 'export', id, format: 'tfjs' })).toThrow(/is a symbolic link/)
    // the run's whole folder a link to another folder holding a predictions file
    const elsewhere = join(outside.dir, 'elsewhere')
    mkdirSync(elsewhere)
    writeFileSync(join(elsewhere, 'predictions-dataset-1.csv'), 'PRIVATE')
    rmSync(exportsDir(dataDir, id), { recursive: true })
    symlinkSync(elsewhere, exportsDir(dataDir, id))
    expect(() => readDownload(store, dataDir, { kind: 'predictions', id, datasetId: 1 })).toThrow(
      new RegExp(`experiment-${id} is a symbolic link`)
    )
  })

  it('names the field of a malformed request', () => {
    expect(() => parseDownloadRequest({ kind: 'export', id: 1, format: 'exe' })).toThrow(/download: format:/)
    expect(() => parseDownloadRequest({ kind: 'file', path: '/etc/passwd' })).toThrow(/download: kind/)
  })
})
