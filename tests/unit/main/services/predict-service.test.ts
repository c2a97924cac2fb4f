// models.predict through the service API (the same call the UI makes): an experiment's trained model on an
// imported dataset read with the stored mapping, in a worker; the predictions file under the data directory, its
// first rows and the score come back, the run is recorded with the experiment; generators need no dataset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Papa from 'papaparse'
import { openWorkbench, tempDir } from '../../../helpers/workbench'
import { SAMPLES } from '../../../../src-main/services/samples'
import type { Workbench } from '../../../../src-main/services/workbench'
import type { ExperimentConfigInput } from '../../../../src-shared/contract'

let wb: Workbench
const t = tempDir()
beforeAll(() => {
  wb = openWorkbench(t.dir)
})
afterAll(async () => {
  await wb.close()
  t.cleanup()
})

const training = {
  model: { cell: 'gru' as const, hiddenSize: 12 },
  optimizer: { kind: 'adam' as const, lr: 0.02 },
  batchSize: 32,
  seed: 3
}

async function trained(
  sample: string,
  extra: Partial<ExperimentConfigInput> = {}
): Promise<{ experimentId: number; datasetId: number }> {
  const s = SAMPLES.find((x) => x.id === sample)!
  const { id: datasetId } = await wb.request('datasets.import', { source: { kind: 'sample', sample } })
  const { experimentId } = await wb.request('experiments.start', {
    datasetId,
    config: { ...s.suggested, ...training, epochs: 2, ...extra } as ExperimentConfigInput
  })
  await wb.waitForRun(experimentId)
  expect((await wb.request('experiments.get', { id: experimentId })).status).toBe('completed')
  return { experimentId, datasetId }
}

describe('models.predict', () => {
  it("runs a series model on a dataset: file under exports/, preview = the file's first rows, recorded with the run", async () => {
    const { experimentId, datasetId } = await trained('co2-monthly')
    const r = await wb.request('models.predict', { id: experimentId, datasetId, steps: 6 })
    expect(r.outPath).toBe(join(t.dir, 'exports', `experiment-${experimentId}`, `predictions-dataset-${datasetId}.csv`))
    const file = Papa.parse<string[]>(readFileSync(r.outPath, 'utf8'), { skipEmptyLines: true }).data
    expect(r.rows).toBe(file.length - 1)
    expect(r.rows).toBe(741 - 12 + 1) // one prediction per window of 12 rows (the last one forecasts past the file)
    expect(r.preview!.columns).toEqual(file[0])
    expect(r.preview!.rows).toEqual(file.slice(1, 21))
    // scored against the file's own CO2 column: MAE/RMSE over the windows whose target row is in the file
    const k = file[0]!.indexOf('predicted_CO2'),
      j = file[0]!.indexOf('actual_CO2')
    const pairs = file
      .slice(1)
      .filter((row) => row[j] !== '')
      .map((row) => Number(row[k]) - Number(row[j]))
    expect(r.score!.count).toBe(pairs.length)
    expect(r.score!.count).toBe(r.rows - 1)
    expect(r.score!.mae).toBeCloseTo(pairs.reduce((a, d) => a + Math.abs(d), 0) / pairs.length, 9)
    expect(r.score!.rmse).toBeCloseTo(Math.sqrt(pairs.reduce((a, d) => a + d * d, 0) / pairs.length), 9)
    expect(r.forecast).toHaveLength(6)
    expect(existsSync(r.forecastPath!)).toBe(true)
    const detail = await wb.request('experiments.get', { id: experimentId })
    expect(detail.events.some((e) => e.kind === 'predicted' && (e.detail as { rows: number }).rows === r.rows)).toBe(
      true
    )
  })

  it('samples a generator without a dataset, reproducibly for a seed', async () => {
    const { experimentId } = await trained('first-names', { maxLength: 8 })
    const a = await wb.request('models.predict', { id: experimentId, steps: 4, temperature: 0.9, seed: 11 })
    const b = await wb.request('models.predict', { id: experimentId, steps: 4, temperature: 0.9, seed: 11 })
    expect(a.outPath.endsWith('generated.csv')).toBe(true)
    expect(a.rows).toBeGreaterThanOrEqual(4)
    expect(a.generated).toEqual(b.generated)
    expect(a.preview!.rows.length).toBe(Math.min(20, a.rows))
  })

  it('refuses clearly: unknown dataset, no dataset for a data model, untrained run, missing columns', async () => {
    const { experimentId } = await trained('co2-monthly')
    await expect(wb.request('models.predict', { id: experimentId, datasetId: 987654 })).rejects.toThrow(
      /datasetId: dataset 987654 does not exist/
    )
    await expect(wb.request('models.predict', { id: experimentId })).rejects.toThrow(
      /datasetId: this model predicts from data/
    )
    const names = await wb.request('datasets.import', { source: { kind: 'sample', sample: 'first-names' } })
    await expect(wb.request('models.predict', { id: experimentId, datasetId: names.id })).rejects.toThrow(/CO2/)
    const co2 = (await wb.request('datasets.list', {})).find((d) => d.name.toLowerCase().includes('co2'))!
    // a run that never trained: queued behind a long one (one run at a time on 2 cores), stopped before it starts
    wb.training.maxConcurrent = 1
    const long = { ...SAMPLES[0]!.suggested, ...training, epochs: 100_000 } as ExperimentConfigInput
    const { experimentId: busy } = await wb.request('experiments.start', { datasetId: co2.id, config: long })
    const { experimentId: never } = await wb.request('experiments.start', { datasetId: co2.id, config: long })
    expect(wb.training.isQueued(never)).toBe(true)
    await wb.request('experiments.stop', { id: never })
    await wb.request('experiments.stop', { id: busy })
    await wb.waitForRun(busy)
    expect((await wb.request('experiments.get', { id: never })).epochsDone).toBe(0)
    await expect(wb.request('models.predict', { id: never, datasetId: co2.id })).rejects.toThrow(
      /has no trained model yet/
    )
    await expect(
      wb.request('models.predict', { id: experimentId, datasetId: co2.id, temperature: -1 } as never)
    ).rejects.toThrow(/temperature/)
  })
})
