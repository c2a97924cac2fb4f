import { afterEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, EXIT } from '../../../../src-main/cli'
import { SAMPLES, SOURCE_ENTRY, tempDir } from '../../../helpers/workbench'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = ''
  const code = await runCli(
    args,
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
function dir(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}

describe('rnn-workbench CLI', () => {
  it('imports a CSV and prints the dataset as JSON', async () => {
    const d = dir()
    const r = await cli(['import', join(SAMPLES, 'co2-monthly.csv'), '--data-dir', d, '--json'])
    expect(r.code).toBe(EXIT.ok)
    const j = JSON.parse(r.out)
    expect(j).toMatchObject({ datasetId: 1, rows: 741, warnings: [] })
    expect(j.columns).toEqual([
      { name: 'Date', type: 'datetime' },
      { name: 'CO2', type: 'numeric' },
      { name: 'adjusted CO2', type: 'numeric' }
    ])
  })

  it('names a cell that is not a number (exit 0); refuses a file that is not a table with exit 2', async () => {
    const d = dir()
    const f = join(d, 'odd.csv')
    writeFileSync(
      f,
      'day,temp\n' + Array.from({ length: 20 }, (_, i) => `${i + 1},${i === 5 ? 'abc' : 10 + i}`).join('\n') + '\n'
    )
    const r = await cli(['import', f, '--data-dir', d, '--json'])
    expect(r.code).toBe(EXIT.ok)
    expect(JSON.parse(r.out)).toMatchObject({
      columns: [
        { name: 'day', type: 'numeric' },
        { name: 'temp', type: 'numeric' }
      ],
      warnings: ['line 7, column "temp": "abc" is not a number']
    })
    const g = join(d, 'data.csv')
    writeFileSync(g, '1,21.5\n2,22.5\n')
    const bad = await cli(['import', g, '--data-dir', d, '--json'])
    expect(bad.code).toBe(EXIT.input)
    expect(bad.out).toBe('')
    expect(bad.err.trim()).toBe(
      'rnn-workbench: line 1: the first row looks like data, not a header; use --no-header (Data screen: untick "First row is the header")'
    )
  })

  it('trains from a CSV with one JSON line per epoch and a final line, then lists the run', async () => {
    const d = dir()
    const r = await cli([
      'train',
      '--csv',
      join(SAMPLES, 'co2-monthly.csv'),
      '--target',
      'CO2',
      '--window',
      '12',
      '--hidden',
      '8',
      '--epochs',
      '3',
      '--lr',
      '0.01',
      '--seed',
      '3',
      '--data-dir',
      d,
      '--json'
    ])
    expect(r.err).toBe('')
    expect(r.code).toBe(EXIT.ok)
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.slice(0, 3).map((l) => l.epoch)).toEqual([1, 2, 3])
    for (const l of lines.slice(0, 3)) {
      expect(Object.keys(l)).toEqual(['epoch', 'trainLoss', 'valLoss', 'valMetrics'])
      expect(Object.keys(l.valMetrics)).toEqual(['rmse', 'mae'])
    }
    const last = lines[3]
    expect(Object.keys(last)).toEqual([
      'experimentId',
      'status',
      'trainLoss',
      'valLoss',
      'valMetrics',
      'baselines',
      'verdict'
    ])
    expect(last).toMatchObject({ experimentId: 1, status: 'completed', valMetrics: lines[2].valMetrics })
    expect(Object.keys(last.baselines)).toEqual(['persistence', 'seasonalNaive'])
    expect(last.baselines.seasonalNaive.period).toBe(12)
    expect(typeof last.verdict).toBe('string')
    expect(last.trainLoss).toBe(lines[2].trainLoss)
    const list = await cli(['list', '--data-dir', d, '--json'])
    expect(JSON.parse(list.out)).toMatchObject([
      { id: 1, status: 'completed', trainLoss: last.trainLoss, valLoss: last.valLoss }
    ])
    const text = await cli(['list', '--data-dir', d])
    expect(text.out).toMatch(/^id\s+name\s+status/)
    expect(text.out).toContain('completed')
  })

  it('exits 1 with usage on a bad command line', async () => {
    expect((await cli([])).code).toBe(EXIT.usage)
    expect((await cli(['frobnicate'])).code).toBe(EXIT.usage)
    const r = await cli([
      'train',
      '--csv',
      'x.csv',
      '--target',
      'CO2',
      '--window',
      'ten',
      '--hidden',
      '8',
      '--epochs',
      '1',
      '--lr',
      '0.1'
    ])
    expect(r.code).toBe(EXIT.usage)
    expect(r.err).toContain('--window: "ten" is not an integer')
  })

  it('exits 2 when a flag value breaks the contract, naming the field', async () => {
    const d = dir()
    const r = await cli([
      'train',
      '--csv',
      join(SAMPLES, 'co2-monthly.csv'),
      '--target',
      'CO2',
      '--window',
      '12',
      '--hidden',
      '0',
      '--epochs',
      '1',
      '--lr',
      '0.1',
      '--data-dir',
      d
    ])
    expect(r.code).toBe(EXIT.input)
    expect(r.err).toMatch(/config\.model\.hiddenSize/)
  })

  it('previews each mapping from flags: shapes, sample counts and (X, Y) pairs', async () => {
    const d = dir()
    const seq = await cli([
      'preview',
      '--csv',
      join(SAMPLES, 'cmudict-pronunciations.csv'),
      '--mapping',
      'seq2seq',
      '--source',
      'word',
      '--target-text',
      'pronunciation',
      '--tokens',
      'char',
      '--data-dir',
      d,
      '--json'
    ])
    expect(seq.err).toBe('')
    const s = JSON.parse(seq.out)
    expect(s).toMatchObject({ mapping: 'seq2seq', task: 'classification', inputEncoding: 'token-ids' })
    expect(s.train + s.val).toBe(2094)
    expect(s.preview[0].xText).toBeTypeOf('string')
    const gen = await cli([
      'preview',
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
      '--data-dir',
      d
    ])
    expect(gen.code).toBe(EXIT.ok)
    expect(gen.out).toMatch(/^one-to-many classification: \d+ training and \d+ validation samples/)
    const tag = await cli([
      'preview',
      '--csv',
      join(SAMPLES, 'seattle-weather.csv'),
      '--mapping',
      'many-to-many',
      '--target',
      'weather',
      '--inputs',
      'precipitation,temp_max,temp_min,wind',
      '--window',
      '7',
      '--data-dir',
      d,
      '--json'
    ])
    const t = JSON.parse(tag.out)
    expect([t.mapping, t.task, t.tx, t.ty]).toEqual(['many-to-many', 'classification', 7, 7])
    expect(t.classes).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun'])
  })

  it('refuses contradictory mapping flags with the field named', async () => {
    const d = dir()
    const r = await cli([
      'train',
      '--csv',
      join(SAMPLES, 'co2-monthly.csv'),
      '--mapping',
      'one-to-one',
      '--target',
      'CO2',
      '--group-by',
      'Date',
      '--hidden',
      '4',
      '--epochs',
      '1',
      '--lr',
      '0.1',
      '--data-dir',
      d
    ])
    expect(r.code).toBe(EXIT.input)
    expect(r.err).toContain('config.groupBy: groupBy makes one sequence per id')
    const u = await cli([
      'train',
      '--csv',
      'x.csv',
      '--mapping',
      'sideways',
      '--target',
      'CO2',
      '--hidden',
      '4',
      '--epochs',
      '1',
      '--lr',
      '0.1'
    ])
    expect(u.code).toBe(EXIT.usage)
    expect(u.err).toContain(
      '--mapping: "sideways" is not one of one-to-one, one-to-many, many-to-one, many-to-many, seq2seq'
    )
  })

  it('backs up the whole store and restores it, keeping the replaced store', async () => {
    const d = dir()
    expect((await cli(['import', join(SAMPLES, 'co2-monthly.csv'), '--data-dir', d])).code).toBe(EXIT.ok)
    const out = join(d, 'copy.db')
    const b = await cli(['backup', out, '--data-dir', d, '--json'])
    expect(b.err).toBe('')
    expect(JSON.parse(b.out)).toMatchObject({ path: out, rows: { datasets: 1 } })
    expect((await cli(['import', join(SAMPLES, 'seattle-weather.csv'), '--data-dir', d])).code).toBe(EXIT.ok)
    const r = await cli(['restore', out, '--data-dir', d, '--json'])
    expect(r.err).toBe('')
    expect(JSON.parse(r.out).previous).toBeTypeOf('string')
    const again = await cli(['backup', out, '--data-dir', d])
    expect(again.code).toBe(EXIT.input)
    const bad = join(d, 'bad.db')
    writeFileSync(bad, 'not a database')
    const rb = await cli(['restore', bad, '--data-dir', d])
    expect(rb.code).toBe(EXIT.input)
  })
})
