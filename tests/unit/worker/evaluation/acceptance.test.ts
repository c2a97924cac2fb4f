// Real data, one run per mapping on the shipped samples (resources/samples), fixed seeds: each run's final
// validation metric beats the best of its baselines on the same validation split — persistence and seasonal
// naive in ppm for CO2 (predicting the change), majority class and class prior for the weather labels, the unigram for spelling → pronunciation and for generated names. Printed: the figures
// the verdict compares.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../../src-worker/data/csv'
import { buildSequences, toTrainConfig, toTrainData } from '../../../../src-worker/tasks/build-data'
import { baselinesOf } from '../../../../src-worker/evaluation/of-data'
import { train } from '../../../../src-worker/trainer'
import { experimentConfig, type ExperimentConfigInput } from '../../../../src-shared/contract'
import { formatBaselines, formatMetrics, verdictOf } from '../../../../src-shared/metrics'

const SAMPLES = join(__dirname, '../../../../resources/samples')

function run(file: string, input: ExperimentConfigInput) {
  const config = experimentConfig.parse(input)
  const seqs = buildSequences(parseCsv(readFileSync(join(SAMPLES, file))), config)
  const r = train({ ...toTrainConfig(config), threads: 1 }, toTrainData(seqs))
  const baselines = baselinesOf(seqs)
  const verdict = verdictOf(r.valLoss, r.valMetrics ?? null, baselines)
  console.log(`${file} ${config.mapping}: val loss ${r.valLoss.toPrecision(4)}, ${formatMetrics(r.valMetrics)}`)
  console.log(`  baselines: ${formatBaselines(baselines)}\n  ${verdict}`)
  return { r, baselines, verdict }
}

const model = (hiddenSize: number, cell: 'lstm' | 'gru' = 'gru') => ({ cell, hiddenSize })

describe('shipped samples beat their baselines', () => {
  it('many-to-one: monthly CO2, predicting the change, beats persistence and seasonal naive in ppm', () => {
    const { r, baselines, verdict } = run('co2-monthly.csv', {
      mapping: 'many-to-one',
      target: 'CO2',
      window: 24,
      difference: 1,
      model: model(16),
      optimizer: { lr: 0.01 },
      epochs: 15,
      seed: 1
    })
    expect(Object.keys(baselines)).toEqual(['persistence', 'seasonalNaive'])
    expect(r.valMetrics!.rmse).toBeLessThan(baselines.persistence!.rmse)
    expect(verdict).toMatch(/^beats its best baseline/)
  })

  it('many-to-many: the weather label of every day beats the majority class and the class prior', () => {
    const { verdict } = run('seattle-weather.csv', {
      mapping: 'many-to-many',
      target: 'weather',
      inputs: ['precipitation', 'temp_max', 'temp_min', 'wind'],
      window: 14,
      model: model(32),
      optimizer: { lr: 0.01 },
      epochs: 10,
      seed: 1
    })
    expect(verdict).toMatch(/^beats its best baseline/)
  })

  it('one-to-one: the day label from its measurements beats the majority class and the class prior', () => {
    const { verdict } = run('seattle-weather.csv', {
      mapping: 'one-to-one',
      target: 'weather',
      inputs: ['precipitation', 'temp_max', 'temp_min', 'wind'],
      model: model(16),
      optimizer: { lr: 0.01 },
      epochs: 20,
      seed: 1
    })
    expect(verdict).toMatch(/^beats its best baseline/)
  })

  it('seq2seq: spelling → pronunciation beats the unigram, with a free-running token accuracy', () => {
    const { r, verdict } = run('cmudict-pronunciations.csv', {
      mapping: 'seq2seq',
      text: 'word',
      target: 'pronunciation',
      model: model(64),
      optimizer: { lr: 0.01 },
      epochs: 8,
      seed: 1
    })
    expect(verdict).toMatch(/^beats its best baseline/)
    expect(r.valMetrics!.tokenAccuracy).toBeGreaterThan(0.2)
  })

  it('one-to-many: generated names beat the unigram, and most samples are new', () => {
    const { r, verdict } = run('first-names.csv', {
      mapping: 'one-to-many',
      task: 'generation',
      target: 'name',
      condition: 'gender',
      model: model(64),
      optimizer: { lr: 0.01 },
      epochs: 4,
      seed: 1
    })
    expect(verdict).toMatch(/^beats its best baseline/)
    expect(r.valMetrics!.novelty).toBeGreaterThan(0.5)
  })
})
