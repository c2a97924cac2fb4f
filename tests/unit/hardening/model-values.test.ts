// A hostile native model file with well-formed sizes but poisoned values: an Infinity or NaN weight (JSON 1e999, a
// null) or a zero normaliser spread is refused by `predict` with exit 2 naming the field, before anything is
// predicted or written; a model whose output overflows (finite but huge weights) is refused naming the column and
// line of the first non-finite prediction, instead of writing blank cells and a score that silently skips them.
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT, runCli } from '../../../src-main/cli'
import { SAMPLES, SOURCE_ENTRY, tempDir } from '../../helpers/workbench'

const t = tempDir('rnnwb-model-values-')
afterAll(() => t.cleanup())
const CO2 = join(SAMPLES, 'co2-monthly.csv')
const H = 2

/** A valid LSTM (hidden 2) reading windows of 4 CO2 values; `PLANT` marks the number a case replaces in the text. */
function model(patch: { head?: number; inputB?: number; targetB?: number } = {}) {
  const fill = (rows: number, cols?: number) =>
    cols === undefined ? Array(rows).fill(0.1) : Array.from({ length: rows }, () => Array(cols).fill(0.1))
  const norm = (b: number) => ({ kind: 'zscore', columns: ['CO2'], a: [350], b: [b] })
  return {
    format: 'rnn-workbench-model',
    formatVersion: 1,
    summary: '',
    weights: {
      weight_ih_l0: fill(4 * H, 1),
      weight_hh_l0: [[0.1, 0.25], ...fill(4 * H - 1, H)],
      bias_ih_l0: fill(4 * H),
      bias_hh_l0: fill(4 * H),
      'head.weight': [Array(H).fill(patch.head ?? 0.1)],
      'head.bias': [0]
    },
    trainConfig: {
      model: { cell: 'lstm', hiddenSize: H, numLayers: 1 },
      optimizer: { kind: 'adam', lr: 0.01 },
      epochs: 1,
      batchSize: 8,
      seed: 1
    },
    data: { mapping: 'many-to-one', task: 'regression', inputSize: 1, outputSize: 1, tx: 4, ty: 1 },
    inputs: ['CO2'],
    target: 'CO2',
    normalization: { input: norm(patch.inputB ?? 20), target: norm(patch.targetB ?? 20) }
  }
}

async function predict(name: string, text: string) {
  const file = join(t.dir, `${name}.json`),
    out = join(t.dir, `${name}.csv`)
  writeFileSync(file, text)
  let err = ''
  const io = { out: () => undefined, err: (s: string) => void (err += s) }
  const code = await runCli(
    ['predict', file, '--csv', CO2, '--out', out, '--data-dir', join(t.dir, 'data')],
    io,
    SOURCE_ENTRY
  )
  return { code, err, wrote: existsSync(out) }
}

describe('a model file with poisoned values', () => {
  it('predicts with the well-formed model (the cases below differ from it in one number)', async () => {
    expect(await predict('sane', JSON.stringify(model()))).toMatchObject({ code: EXIT.ok, wrote: true })
  })

  it('refuses an Infinity, −Infinity or NaN weight, naming the parameter and its index (exit 2, nothing written)', async () => {
    for (const [name, value, shown] of [
      ['inf', '1e999', 'Infinity'],
      ['neg-inf', '-1e999', '-Infinity'],
      ['nan', 'null', 'NaN']
    ] as const) {
      const text = JSON.stringify(model()).replace('[0.1,0.25]', `[0.1,${value}]`)
      const r = await predict(name, text)
      expect(r.code).toBe(EXIT.input)
      expect(r.wrote).toBe(false)
      if (name === 'nan') expect(r.err).toMatch(/weight_hh_l0/)
      else expect(r.err).toContain(`weights.weight_hh_l0[0][1] is ${shown}: a model's weights must be finite numbers`)
    }
  })

  it('refuses a zero, negative or infinite normaliser spread, naming the normaliser (exit 2, nothing written)', async () => {
    for (const [patch, field] of [
      [{ targetB: 0 }, 'normalization.target.b.0'],
      [{ inputB: -1 }, 'normalization.input.b.0']
    ] as const) {
      const r = await predict(field, JSON.stringify(model(patch)))
      expect(r.code).toBe(EXIT.input)
      expect(r.wrote).toBe(false)
      expect(r.err).toContain(`${field}: a spread must be a positive finite number`)
    }
    const r = await predict('inf-spread', JSON.stringify(model()).replace('"b":[20]}}', '"b":[1e999]}}'))
    expect([r.code, r.wrote]).toEqual([EXIT.input, false])
    expect(r.err).toContain('normalization.target.b.0: a spread must be a positive finite number')
  })

  it('refuses a model whose output overflows, naming the first non-finite prediction (exit 2, nothing written)', async () => {
    const r = await predict('overflow', JSON.stringify(model({ head: 1e300 })))
    expect(r.code).toBe(EXIT.input)
    expect(r.wrote).toBe(false)
    expect(r.err).toMatch(
      /the model's output is not a finite number in \d+ cell\(s\) of the predictions \(first: predicted_CO2 is -?Infinity on line 2\)/
    )
  })
})
