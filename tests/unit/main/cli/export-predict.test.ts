// The CLI's export and predict commands on a model trained through the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, EXIT } from '../../../../src-main/cli'
import { SAMPLES, SOURCE_ENTRY, tempDir } from '../../../helpers/workbench'

const t = tempDir()
afterAll(() => t.cleanup())

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = ''
  const code = await runCli([...args, '--data-dir', t.dir], { out: (s) => { out += s }, err: (s) => { err += s } }, SOURCE_ENTRY)
  return { code, out, err }
}

beforeAll(async () => {
  const r = await cli(['train', '--csv', join(SAMPLES, 'co2-monthly.csv'), '--target', 'CO2', '--window', '12', '--hidden', '8',
    '--epochs', '2', '--lr', '0.01', '--seed', '4', '--json'])
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
    const r = await cli(['predict', '1', '--csv', join(SAMPLES, 'co2-monthly.csv'), '--out', out, '--steps', '6', '--json'])
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
    const a = join(t.dir, 'a.csv'), b = join(t.dir, 'b.csv')
    expect((await cli(['predict', '1', '--csv', join(SAMPLES, 'co2-monthly.csv'), '--out', a])).code).toBe(EXIT.ok)
    const r = await cli(['predict', file, '--csv', join(SAMPLES, 'co2-monthly.csv'), '--out', b, '--json'])
    expect(r.err).toBe('')
    expect(JSON.parse(r.out).model).toBe(file)
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'))
  })

  it('names the missing column when the new CSV does not fit the model', async () => {
    const bad = join(t.dir, 'other.csv')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(bad, 'day,temp\n' + Array.from({ length: 30 }, (_, i) => `${i},${i}`).join('\n') + '\n')
    const r = await cli(['predict', '1', '--csv', bad, '--out', join(t.dir, 'x.csv')])
    expect(r.code).not.toBe(EXIT.ok)
    expect(r.err).toMatch(/CO2/)
  })
})
