import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openWorkbench, SAMPLES, tempDir } from '../../../helpers/workbench'
import type { Workbench } from '../../../../src-main/services/workbench'

const open: Workbench[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  while (open.length) await open.pop()!.close()
  while (cleanups.length) cleanups.pop()!()
})
function fresh(dir?: string): { wb: Workbench; dir: string } {
  if (!dir) {
    const t = tempDir()
    cleanups.push(t.cleanup)
    dir = t.dir
  }
  const wb = openWorkbench(dir)
  open.push(wb)
  return { wb, dir }
}

const co2 = () => readFileSync(join(SAMPLES, 'co2-monthly.csv'))
const config = {
  mapping: 'many-to-one' as const,
  target: 'CO2',
  inputs: [],
  window: 12,
  model: { cell: 'lstm' as const, hiddenSize: 16 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 4,
  batchSize: 32,
  seed: 7
}

describe('Workbench service', () => {
  it('imports a CSV in a worker, keeps its bytes and types its columns', async () => {
    const { wb } = fresh()
    const d = await wb.request('datasets.import', {
      source: { kind: 'bytes', fileName: 'co2.csv', base64: co2().toString('base64') }
    })
    expect(d.rows).toBe(741)
    expect(d.columns.map((c) => [c.name, c.type])).toEqual([
      ['Date', 'datetime'],
      ['CO2', 'numeric'],
      ['adjusted CO2', 'numeric']
    ])
    expect(d.preview[0]).toEqual(['1958-03-01', '315.70', '314.44'])
    expect(d.sha256).toMatch(/^[0-9a-f]{64}$/)
    // the list carries summaries only: no columns, warnings, options or preview rows (datasets.get has them)
    expect(await wb.request('datasets.list', {})).toEqual([
      {
        id: d.id,
        name: d.name,
        fileName: 'co2.csv',
        sha256: d.sha256,
        byteLength: d.byteLength,
        rows: 741,
        columnCount: 3,
        createdAt: d.createdAt
      }
    ])
  })

  it('names a cell that is not a number at import; refuses a file that is not a table and stores nothing', async () => {
    const { wb } = fresh()
    const odd = 'a,temp\n' + Array.from({ length: 20 }, (_, i) => `${i},${i === 5 ? 'abc' : i * 2}`).join('\n') + '\n'
    const d = await wb.request('datasets.import', {
      source: { kind: 'bytes', fileName: 'odd.csv', base64: Buffer.from(odd).toString('base64') }
    })
    expect(d.columns[1]).toMatchObject({ name: 'temp', type: 'numeric', invalid: 1 })
    expect(d.warnings).toEqual(['line 7, column "temp": "abc" is not a number'])
    await expect(
      wb.request('datasets.import', {
        source: { kind: 'bytes', fileName: 'header.csv', base64: Buffer.from('a,temp\n').toString('base64') }
      })
    ).rejects.toThrow('line 2: no data rows (the file has only a header)')
    expect((await wb.request('datasets.list', {})).map((x) => x.id)).toEqual([d.id])
  })

  it('trains in a worker thread with live events, the loss falls, and the run survives a restart', async () => {
    const { wb, dir } = fresh()
    const d = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const progress: number[] = []
    const epochs: { trainLoss: number | null; valLoss: number | null }[] = []
    wb.on('training.progress', (p) => progress.push(...p.steps.map((s) => s.step)))
    wb.on('training.epoch', (e) => epochs.push(e))
    const { experimentId } = await wb.request('experiments.start', { datasetId: d.id, config })
    expect(wb.training.isRunning(experimentId)).toBe(true)
    await wb.waitForRun(experimentId)
    const e = await wb.request('experiments.get', { id: experimentId })
    expect(e.status).toBe('completed')
    expect(e.error).toBeNull()
    expect(epochs).toHaveLength(4)
    expect(e.epochs).toHaveLength(4)
    expect(e.epochs[3].trainLoss!).toBeLessThan(e.epochs[0].trainLoss! * 0.5)
    expect(e.steps.length).toBeGreaterThan(20)
    expect(progress.length).toBe(e.steps.length)
    await wb.close()
    open.pop()
    const again = fresh(dir).wb
    const list = await again.request('experiments.list', {})
    expect(list.map((x) => [x.id, x.status])).toEqual([[experimentId, 'completed']])
    expect(list[0].trainLoss).toBe(e.trainLoss)
    expect((await again.request('experiments.get', { id: experimentId })).steps).toEqual(e.steps)
  })

  it('stops a run on request', async () => {
    const { wb } = fresh()
    const d = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const { experimentId } = await wb.request('experiments.start', {
      datasetId: d.id,
      config: { ...config, epochs: 500 }
    })
    await new Promise<void>((r) => {
      const off = wb.on('training.epoch', () => {
        off()
        r()
      })
    })
    expect((await wb.request('experiments.stop', { id: experimentId })).ok).toBe(true)
    await wb.waitForRun(experimentId)
    const e = await wb.request('experiments.get', { id: experimentId })
    expect(e.status).toBe('stopped')
    expect(e.epochsDone).toBeLessThan(500)
  })

  it('names the column when the config does not fit the dataset', async () => {
    const { wb } = fresh()
    const d = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    await expect(
      wb.request('experiments.start', { datasetId: d.id, config: { ...config, target: 'nope' } })
    ).rejects.toThrow('config.target: the dataset has no column "nope"')
    await expect(
      wb.request('experiments.start', { datasetId: d.id, config: { ...config, target: 'Date' } })
    ).rejects.toThrow('column "Date" is datetime, not numeric (regression) or categorical (classification)')
    await expect(
      wb.request('experiments.start', {
        datasetId: d.id,
        config: { ...config, model: { cell: 'lstm', hiddenSize: 1e9 } }
      })
    ).rejects.toThrow(/config\.model\.hiddenSize/)
    expect(await wb.request('experiments.list', {})).toEqual([])
  })
})
