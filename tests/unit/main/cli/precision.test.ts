// --precision float64 trains on the engine's float64 path and is stored with the run: the CLI's losses are the
// trainer's own float64 losses, bit for bit, and differ from the float32 run's.
import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EXIT } from '../../../../src-main/cli'
import { SAMPLES, tempDir } from '../../../helpers/workbench'
import { parseCsv } from '../../../../src-worker/data/csv'
import { buildSequences, toTrainConfig, toTrainData } from '../../../../src-worker/tasks/build-data'
import { train } from '../../../../src-worker/trainer'
import { experimentConfig } from '../../../../src-shared/contract'
import { cli } from '../../../helpers/cli'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

const FLAGS = ['--target', 'CO2', '--window', '8', '--hidden', '4', '--epochs', '2', '--lr', '0.01', '--seed', '5']

describe('--precision', () => {
  it('float64 trains on the float64 path and is kept in the stored config', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const csv = join(SAMPLES, 'co2-monthly.csv')
    const runs: number[][] = []
    for (const precision of ['float64', 'float32']) {
      const r = await cli(['train', '--csv', csv, ...FLAGS, '--precision', precision, '--data-dir', t.dir, '--json'])
      expect(r.code).toBe(EXIT.ok)
      runs.push(
        r.out
          .trim()
          .split('\n')
          .slice(0, 2)
          .map((l) => JSON.parse(l).trainLoss as number)
      )
    }
    const shown = await cli(['show', '1', '--data-dir', t.dir, '--json'])
    expect(JSON.parse(shown.out).config.precision).toBe('float64')
    const config = experimentConfig.parse({
      target: 'CO2',
      window: 8,
      model: { hiddenSize: 4 },
      optimizer: { lr: 0.01 },
      epochs: 2,
      seed: 5,
      precision: 'float64'
    })
    const tc = toTrainConfig(config)
    expect(tc.dtype).toBe('float64')
    const ref = train(tc, toTrainData(buildSequences(parseCsv(new Uint8Array(readFileSync(csv))), config)))
    expect(runs[0]).toEqual(ref.epochs.map((e) => e.trainLoss))
    expect(runs[1]).not.toEqual(runs[0])
  })

  it('refuses an unknown precision with a usage error', async () => {
    const r = await cli(['train', '--csv', 'x.csv', ...FLAGS, '--precision', 'float16'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.err).toContain('--precision: "float16" is not one of float32, float64')
  })
})
