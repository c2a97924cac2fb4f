// The CLI's export and predict commands on a model trained through the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, EXIT } from '../../../../src-main/cli'
import { parseCsv } from '../../../../src-worker/data/csv'
import { loadNativeModel } from '../../../../src-worker/export/native'
import { predictTable, predictionTableCsv } from '../../../../src-worker/inference/predict-table'
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
    join(SAMPLES, 'co2-monthly.csv'),
    '--target',
    'CO2',
    '--window',
    '12',
    '--hidden',
    '8',
    '--epochs',
    '2',
    '--lr',
    '0.01',
    '--seed',
    '4',
    '--json'
  ])
  expect(r.code).toBe(EXIT.ok)
})

describe('rnn-workbench export / predict', () => {
  for (const format of ['json', 'onnx', 'pytorch', 'tfjs'] as const) {
    it(`exports ${format}, verified by an independent runtime, and keeps the figure with the experiment`, async () => {
      const out = join(t.dir, 'out', format === 'json' ? 'model.json' : format === 'onnx' ? 'model.onnx' : format)
      const r = await cli(['export', '1', '--format', format, '--out', out, '--json'])
      expect(r.err).toBe('')
      expect(r.code).toBe(EXIT.ok)
      const j = JSON.parse(r.out)
      expect(j).toMatchObject({ experimentId: 1, format, verified: true })
      expect(j.maxAbsDiff).toBeLessThanOrEqual(1e-4)
      for (const f of j.files) expect(existsSync(f)).toBe(true)
      const show = JSON.parse((await cli(['show', '1', '--json'])).out)
      expect(show.exports.at(-1)).toMatchObject({ format, verified: true, maxAbsDiff: j.maxAbsDiff })
    }, 120_000)
  }

  it('predicts a new CSV with the stored mapping and a closed-loop forecast', async () => {
    const out = join(t.dir, 'pred.csv')
    const r = await cli([
      'predict',
      '1',
      '--csv',
      join(SAMPLES, 'co2-monthly.csv'),
      '--out',
      out,
      '--steps',
      '6',
      '--json'
    ])
    expect(r.err).toBe('')
    const j = JSON.parse(r.out)
    expect(j.rows).toBe(741 - 12 + 1)
    expect(j.forecast).toHaveLength(6)
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/)
    expect(lines[0]).toBe('window,first_line,last_line,target_line,predicted_CO2,actual_CO2')
    const firstPred = Number(lines[1].split(',')[4])
    expect(firstPred).toBeGreaterThan(250)
    expect(firstPred).toBeLessThan(450)
    expect(existsSync(out.replace(/\.csv$/, '.forecast.csv'))).toBe(true)
  })

  it('predicts with an exported native JSON model file, identically to the stored experiment', async () => {
    const file = join(t.dir, 'out', 'model.json')
    if (!existsSync(file)) expect((await cli(['export', '1', '--format', 'json', '--out', file])).code).toBe(EXIT.ok)
    const a = join(t.dir, 'a.csv'),
      b = join(t.dir, 'b.csv')
    expect((await cli(['predict', '1', '--csv', join(SAMPLES, 'co2-monthly.csv'), '--out', a])).code).toBe(EXIT.ok)
    const r = await cli(['predict', file, '--csv', join(SAMPLES, 'co2-monthly.csv'), '--out', b, '--json'])
    expect(r.err).toBe('')
    expect(JSON.parse(r.out).model).toBe(file)
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'))
  })

  it('names the missing column when the new CSV does not fit the model', async () => {
    const bad = join(t.dir, 'other.csv')
    writeFileSync(bad, 'day,temp\n' + Array.from({ length: 30 }, (_, i) => `${i},${i}`).join('\n') + '\n')
    const r = await cli(['predict', '1', '--csv', bad, '--out', join(t.dir, 'x.csv')])
    expect(r.code).toBe(EXIT.input)
    expect(r.err).toMatch(/missing input column "CO2"/)
  })
})

// grouped, text and row models through the CLI: the file written is the in-process prediction of the same model
// (exported as native JSON), which the tests under tests/unit/worker/export prove equal to the engine's own
describe('rnn-workbench predict on grouped and text models', () => {
  const grouped = (withLabel: boolean) =>
    `id,t,a,b${withLabel ? ',label' : ''}\n` +
    Array.from({ length: 20 }, (_, s) =>
      Array.from(
        { length: 3 + (s % 4) },
        (_, k) =>
          `s${s},${k},${((s * 7 + k * 3) % 11) / 5 - 1},${k % 3}${withLabel ? `,${s % 2 ? 'up' : '=down'}` : ''}`
      ).join('\n')
    ).join('\n') +
    '\n'
  const spelling = (withTarget: boolean) =>
    `word${withTarget ? ',spelled' : ''}\n` +
    Array.from({ length: 30 }, (_, r) => {
      const w = 'abcde'.slice(r % 3, 2 + (r % 4)) + 'edcba'[r % 5]
      return withTarget ? `${w},${[...w].reverse().join('').toUpperCase()}` : w
    }).join('\n') +
    '\n'
  const write = (name: string, text: string) => {
    const f = join(t.dir, name)
    writeFileSync(f, text)
    return f
  }
  const trainId = async (args: string[]) => {
    const r = await cli(['train', ...args, '--hidden', '6', '--epochs', '2', '--lr', '0.02', '--seed', '3', '--json'])
    expect(r.err).toBe('')
    expect(r.code).toBe(EXIT.ok)
    return JSON.parse(r.out.trim().split('\n').at(-1)!).experimentId as number
  }
  const inProcess = async (id: number, csv: string) => {
    const file = join(t.dir, 'out', `model-${id}.json`)
    expect((await cli(['export', String(id), '--format', 'json', '--out', file])).code).toBe(EXIT.ok)
    return predictionTableCsv(predictTable(loadNativeModel(file), parseCsv(new Uint8Array(readFileSync(csv)))))
  }

  it('grouped many-to-one: one row per sequence, the label column optional, located errors exit 2', async () => {
    const id = await trainId([
      '--csv',
      write('g.csv', grouped(true)),
      '--mapping',
      'many-to-one',
      '--group-by',
      'id',
      '--order-by',
      't',
      '--inputs',
      'a,b',
      '--target',
      'label'
    ])
    const newCsv = write('g-new.csv', grouped(false)),
      out = join(t.dir, 'g-pred.csv')
    const r = await cli(['predict', String(id), '--csv', newCsv, '--out', out, '--json'])
    expect(r.err).toBe('')
    expect(r.code).toBe(EXIT.ok)
    expect(JSON.parse(r.out)).toMatchObject({ experimentId: id, rows: 20, forecastPath: null, warnings: [] })
    const text = readFileSync(out, 'utf8')
    expect(text.split('\r\n')[0]).toBe('id,steps,first_line,last_line,predicted_label,p_=down,p_up')
    expect(text).toBe(await inProcess(id, newCsv))
    // the exported model file predicts the same through the CLI
    const fromFile = await cli([
      'predict',
      join(t.dir, 'out', `model-${id}.json`),
      '--csv',
      newCsv,
      '--out',
      join(t.dir, 'g-file.csv')
    ])
    expect(fromFile.code).toBe(EXIT.ok)
    expect(readFileSync(join(t.dir, 'g-file.csv'), 'utf8')).toBe(text)
    // with the labels: true value and correctness, and the score printed
    const scored = await cli([
      'predict',
      String(id),
      '--csv',
      join(t.dir, 'g.csv'),
      '--out',
      join(t.dir, 'g-scored.csv')
    ])
    expect(scored.code).toBe(EXIT.ok)
    expect(scored.out).toMatch(
      /^wrote 20 predictions to .*g-scored\.csv\nscored 20 predictions against the file's "label": accuracy \d\.\d{4}\n$/
    )
    const scoredText = readFileSync(join(t.dir, 'g-scored.csv'), 'utf8')
    expect(scoredText).toMatch(/^s1,4,.*,up,(true|false)\r$/m)
    expect(scoredText).toMatch(/^s0,3,.*,'=down,(true|false)\r$/m) // a label that looks like a formula is escaped

    const noB = await cli([
      'predict',
      String(id),
      '--csv',
      write('g-nob.csv', 'id,t,a\ns1,1,2\n'),
      '--out',
      join(t.dir, 'x.csv')
    ])
    expect(noB.code).toBe(EXIT.input)
    expect(noB.err).toBe(
      'rnn-workbench: the CSV does not fit the model: no input column "b" (the file\'s columns: "id", "t", "a")\n'
    )
    const badCell = await cli([
      'predict',
      String(id),
      '--csv',
      write('g-bad.csv', grouped(false).replace(/\ns3,1,[^,\n]*,/, '\ns3,1,n/a?,')),
      '--out',
      join(t.dir, 'x.csv')
    ])
    expect(badCell.code).toBe(EXIT.input)
    expect(badCell.err).toMatch(
      /^rnn-workbench: line \d+, column "a": "n\/a\?" is not a number \(the model reads "a" as a numeric input\)\n$/
    )
    const steps = await cli(['predict', String(id), '--csv', newCsv, '--out', join(t.dir, 'x.csv'), '--steps', '3'])
    expect(steps.code).toBe(EXIT.input)
    expect(steps.err).toMatch(/--steps forecasts a series closed-loop/)
  }, 120_000)

  it('text → text seq2seq: greedy decoded text per word, from a stored experiment', async () => {
    const id = await trainId([
      '--csv',
      write('s.csv', spelling(true)),
      '--mapping',
      'seq2seq',
      '--source',
      'word',
      '--target-text',
      'spelled'
    ])
    const newCsv = write('s-new.csv', spelling(false) + 'abz\n'),
      out = join(t.dir, 's-pred.csv')
    const r = await cli(['predict', String(id), '--csv', newCsv, '--out', out])
    expect(r.err).toBe('')
    expect(r.code).toBe(EXIT.ok)
    expect(r.out).toContain('wrote 31 predictions to')
    expect(r.out).toContain(
      'warning: 1 token not in the model\'s vocabulary read as <unk> (first: line 32: character "z")'
    )
    const text = readFileSync(out, 'utf8')
    expect(text.split('\r\n')[0]).toBe('line,word,predicted_spelled')
    expect(text).toBe(await inProcess(id, newCsv))
  }, 120_000)
})
