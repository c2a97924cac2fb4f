// The CLI's learning options, kept with the run and used by it: --init, --difference / --seasonal-difference,
// --group-by with --window (windows within groups), --source-tokens / --target-tokens (and --tokens for both).
import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EXIT } from '../../../../src-main/cli'
import { configFromFlags } from '../../../../src-main/cli-config'
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
const flags = { target: 'CO2', hidden: '4', epochs: '2', lr: '0.01' }

describe('learning options on the command line', () => {
  it('--init pytorch --difference 1 train as the trainer does with them, and are kept in the stored config', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const csv = join(SAMPLES, 'co2-monthly.csv')
    const extra = ['--init', 'pytorch', '--difference', '1', '--seasonal-difference', '12']
    const r = await cli(['train', '--csv', csv, ...FLAGS, ...extra, '--data-dir', t.dir, '--json'])
    expect(r.code).toBe(EXIT.ok)
    const losses = r.out
      .trim()
      .split('\n')
      .slice(0, 2)
      .map((l) => JSON.parse(l).trainLoss as number)
    const shown = JSON.parse((await cli(['show', '1', '--data-dir', t.dir, '--json'])).out).config
    expect([shown.init, shown.difference, shown.seasonalDifference]).toEqual(['pytorch', 1, 12])
    const config = experimentConfig.parse({
      target: 'CO2',
      window: 8,
      model: { hiddenSize: 4 },
      optimizer: { lr: 0.01 },
      epochs: 2,
      seed: 5,
      init: 'pytorch',
      difference: 1,
      seasonalDifference: 12
    })
    const ref = train(toTrainConfig(config), toTrainData(buildSequences(parseCsv(readFileSync(csv)), config)))
    expect(losses).toEqual(ref.epochs.map((e) => e.trainLoss))
  })

  it('--group-by with --window asks for windows within groups; --group-by alone for one sequence per id', () => {
    const windows = configFromFlags({ ...flags, 'group-by': 'ticker', window: '5' })
    expect(windows.source).toBe('series')
    expect(experimentConfig.parse(windows).groupBy).toBe('ticker')
    const grouped = configFromFlags({ ...flags, 'group-by': 'ticker', inputs: 'x' })
    expect(grouped.source).toBeUndefined()
  })

  it('--tokens sets both sides, --source-tokens and --target-tokens one each', () => {
    const c = configFromFlags({
      ...flags,
      mapping: 'seq2seq',
      source: 'word',
      'target-text': 'pronunciation',
      'source-tokens': 'char',
      'target-tokens': 'word'
    })
    expect([c.sourceTokens, c.targetTokens, c.tokens]).toEqual(['char', 'word', undefined])
    expect(experimentConfig.safeParse(c).success).toBe(true)
  })

  it('refuses bad values with usage errors naming the flag', async () => {
    for (const [flag, value, message] of [
      ['--init', 'xavier', '--init: "xavier" is not one of default, pytorch'],
      ['--difference', '0.5', '--difference: "0.5" is not an integer'],
      ['--target-tokens', 'bytes', '--target-tokens: "bytes" is not one of char, word']
    ]) {
      const r = await cli(['train', '--csv', 'x.csv', ...FLAGS, flag, value])
      expect(r.code).toBe(EXIT.usage)
      expect(r.err).toContain(message)
    }
  })
})
