// Generation from a one-to-many model: sampled at a temperature with a seed (reproducible; 0.8 when none is given),
// greedy at temperature 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, EXIT } from '../../../../src-main/cli'
import { SAMPLES, SOURCE_ENTRY, tempDir } from '../../../helpers/workbench'

const t = tempDir()
afterAll(() => t.cleanup())

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = ''
  const code = await runCli(
    [...args, '--data-dir', t.dir],
    {
      out: (s) => {
        out += s
      },
      err: (s) => {
        err += s
      }
    },
    SOURCE_ENTRY
  )
  return { code, out, err }
}

beforeAll(async () => {
  const r = await cli([
    'train',
    '--csv',
    join(SAMPLES, 'first-names.csv'),
    '--mapping',
    'one-to-many',
    '--text',
    'name',
    '--task',
    'generation',
    '--condition',
    'gender',
    '--max-length',
    '8',
    '--hidden',
    '32',
    '--epochs',
    '2',
    '--lr',
    '0.01',
    '--seed',
    '2',
    '--json'
  ])
  expect(r.err).toBe('')
  expect(r.code).toBe(EXIT.ok)
}, 120_000)

describe('rnn-workbench predict on a generative model', () => {
  it('samples names per gender at a temperature, the same for the same seed', async () => {
    const a = join(t.dir, 'a.csv'),
      b = join(t.dir, 'b.csv'),
      c = join(t.dir, 'c.csv')
    expect((await cli(['predict', '1', '--out', a, '--steps', '5', '--temperature', '0.8', '--seed', '7'])).code).toBe(
      EXIT.ok
    )
    expect((await cli(['predict', '1', '--out', b, '--steps', '5', '--temperature', '0.8', '--seed', '7'])).code).toBe(
      EXIT.ok
    )
    expect((await cli(['predict', '1', '--out', c, '--steps', '5', '--temperature', '1.5', '--seed', '8'])).code).toBe(
      EXIT.ok
    )
    const rows = readFileSync(a, 'utf8').trim().split(/\r?\n/)
    expect(rows[0]).toBe('gender,generated_name')
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual([...Array(5).fill('female'), ...Array(5).fill('male')])
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'))
    expect(readFileSync(c, 'utf8')).not.toBe(readFileSync(a, 'utf8'))
    for (const r of rows.slice(1)) expect(r.split(',')[1]).toMatch(/^[A-Za-z'-]*$/)
  })

  it('is greedy at temperature 0 (every sample of a condition alike), and takes conditions from a CSV', async () => {
    const g = join(t.dir, 'g.csv')
    const r = await cli(['predict', '1', '--out', g, '--steps', '3', '--temperature', '0', '--json'])
    expect(r.code).toBe(EXIT.ok)
    const j = JSON.parse(r.out)
    expect(j.rows).toBe(6)
    expect(new Set(j.generated.slice(0, 3)).size).toBe(1)
    // without a temperature: sampled at 0.8 with the seed (default 1)
    const byDefault = JSON.parse(
      (await cli(['predict', '1', '--out', join(t.dir, 'g-default.csv'), '--steps', '3', '--json'])).out
    )
    const explicit = JSON.parse(
      (
        await cli([
          'predict',
          '1',
          '--out',
          join(t.dir, 'g-explicit.csv'),
          '--steps',
          '3',
          '--temperature',
          '0.8',
          '--seed',
          '1',
          '--json'
        ])
      ).out
    )
    expect(byDefault.generated).toEqual(explicit.generated)
    const conds = join(t.dir, 'conds.csv')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(conds, 'gender\nmale\nfemale\nmale\n')
    const out = join(t.dir, 'fromcsv.csv')
    expect((await cli(['predict', '1', '--csv', conds, '--out', out, '--temperature', '1', '--seed', '1'])).code).toBe(
      EXIT.ok
    )
    expect(
      readFileSync(out, 'utf8')
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((l) => l.split(',')[0])
    ).toEqual(['male', 'female', 'male'])
  })

  it('refuses --temperature for a model that does not generate', async () => {
    expect(
      (
        await cli([
          'train',
          '--csv',
          join(SAMPLES, 'co2-monthly.csv'),
          '--target',
          'CO2',
          '--window',
          '12',
          '--hidden',
          '4',
          '--epochs',
          '1',
          '--lr',
          '0.01'
        ])
      ).code
    ).toBe(EXIT.ok)
    const r = await cli([
      'predict',
      '2',
      '--csv',
      join(SAMPLES, 'co2-monthly.csv'),
      '--out',
      join(t.dir, 'x.csv'),
      '--temperature',
      '0.5'
    ])
    expect(r.code).toBe(EXIT.input)
    expect(r.err).toContain('--temperature samples generative (one-to-many) models')
  })
})
