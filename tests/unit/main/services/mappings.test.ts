// Each of the five mappings learns from its shipped sample: the run completes and its loss falls.
import { afterAll, describe, expect, it } from 'vitest'
import { openWorkbench, tempDir } from '../../../helpers/workbench'
import { SAMPLES } from '../../../../src-main/services/samples'
import type { ExperimentConfigInput } from '../../../../src-shared/contract'

const t = tempDir()
const wb = openWorkbench(t.dir, 'cli', { maxConcurrent: 1 })
afterAll(async () => {
  await wb.close()
  t.cleanup()
})

const training = {
  model: { cell: 'lstm' as const, hiddenSize: 24 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  batchSize: 32,
  seed: 3
}

const cases: { name: string; sample: string; config: Partial<ExperimentConfigInput>; epochs: number }[] = [
  { name: 'many-to-one (CO2 next month)', sample: 'co2-monthly', config: {}, epochs: 4 },
  { name: 'many-to-many aligned (Seattle weather per day)', sample: 'seattle-weather', config: {}, epochs: 3 },
  { name: 'seq2seq (spelling → pronunciation)', sample: 'cmudict-pronunciations', config: {}, epochs: 3 },
  { name: 'one-to-many (first names by gender)', sample: 'first-names', config: { maxLength: 8 }, epochs: 2 },
  {
    name: 'one-to-one (Seattle weather label of a day)',
    sample: 'seattle-weather',
    config: { mapping: 'one-to-one', window: undefined },
    epochs: 4
  }
]

describe('every mapping learns from its sample', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const sample = SAMPLES.find((s) => s.id === c.sample)!
      const { id: datasetId } = await wb.request('datasets.import', { source: { kind: 'sample', sample: c.sample } })
      const config = { ...sample.suggested, ...c.config, ...training, epochs: c.epochs } as ExperimentConfigInput
      const { experimentId } = await wb.request('experiments.start', { datasetId, config })
      await wb.waitForRun(experimentId)
      const e = await wb.request('experiments.get', { id: experimentId })
      expect(e.error).toBeNull()
      expect(e.status).toBe('completed')
      expect(e.config.mapping).toBe(config.mapping)
      const first = e.steps.slice(0, 5).reduce((a, s) => a + s.loss!, 0) / 5
      const last = e.steps.slice(-5).reduce((a, s) => a + s.loss!, 0) / 5
      expect(last).toBeLessThan(first * 0.8)
      expect(e.valLoss).not.toBeNull()

      // the trained model over its validation split, and one probe sequence's gates
      const ins = await wb.request('experiments.inspect', { id: experimentId, probe: 1 })
      expect(ins.split).toBe('validation')
      if (ins.kind === 'regression') {
        expect(ins.series!.target).toHaveLength(ins.shown)
        expect(ins.series!.prediction.every(Number.isFinite)).toBe(true)
        expect(Math.min(...ins.series!.target)).toBeGreaterThan(300) // CO2 in ppm, not normalised
      } else if (ins.kind === 'classification') {
        const m = ins.confusion!.matrix
        expect(m).toHaveLength(ins.confusion!.classes.length)
        expect(ins.confusion!.accuracy).toBeGreaterThan(0.3)
      } else {
        expect(ins.samples!.length).toBeGreaterThan(0)
        expect(ins.samples!.every((x) => typeof x.output === 'string')).toBe(true)
      }
      expect(ins.probe!.index).toBe(1)
      expect(ins.probe!.gateNames).toEqual(['i', 'f', 'g', 'o'])
      expect(ins.probe!.gates).toHaveLength(4)
      expect(ins.probe!.hidden[0]).toHaveLength(24)
    })
  }
})
