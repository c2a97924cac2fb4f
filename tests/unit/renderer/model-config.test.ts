// The training form: how it fits a dataset, what switching mapping or source keeps, the per-field checks,
// and the config it sends — which the contract must accept whenever the form says it is valid.
import { describe, expect, it } from 'vitest'
import { ModelConfig } from '../../../src-renderer/lib/state/model-config.svelte'
import { MAPPINGS, sourcesOf } from '../../../src-renderer/lib/state/data-mapping.svelte'
import { experimentConfig, formatIssues, type ColumnInfo } from '../../../src-shared/contract'
import { categorical, config, numeric, text } from './fixtures'

const weather = [numeric('precipitation'), numeric('temp_max'), numeric('wind'), categorical('weather')]
const words = [text('word'), text('pronunciation')]
const names = [text('name'), categorical('gender')]
const panel = [{ ...categorical('store'), type: 'id' as const }, numeric('day'), numeric('sales')]

function form(columns: ColumnInfo[], rows = 500): ModelConfig {
  const f = new ModelConfig()
  f.adaptTo(columns, rows)
  return f
}

function contractProblems(f: ModelConfig): string[] {
  const r = experimentConfig.safeParse(f.toConfig())
  return r.success ? [] : formatIssues(r.error).map((i) => `${i.path}: ${i.message}`)
}

describe('ModelConfig', () => {
  it('defaults the target to a label-named column, else the last numeric one that is no index or year', () => {
    const year = { ...numeric('year'), min: 1880, max: 2020 }
    expect(form([year, numeric('temperature')]).target).toBe('temperature')
    expect(form([numeric('precipitation'), numeric('temp_max'), numeric('wind')]).target).toBe('wind')
    expect(form([numeric('label'), numeric('a'), numeric('b')]).target).toBe('label')
    expect(form([numeric('temp'), { ...numeric('yr'), min: 1990, max: 2000 }]).target).toBe('temp')
  })

  it('fits a numeric series: the first numeric column is the target and the form can be sent', () => {
    const f = form([numeric('CO2'), numeric('month')])
    expect(f).toMatchObject({ mapping: 'many-to-one', source: 'series', target: 'CO2' })
    expect(f.problems).toEqual({})
    expect(f.valid).toBe(true)
    expect(contractProblems(f)).toEqual([])
  })

  it('moves to a mapping that has a target when the data has only text (words → pronunciations: seq2seq)', () => {
    const f = form(words)
    expect(f).toMatchObject({ mapping: 'seq2seq', source: 'text' })
    expect(new Set([f.target, f.text])).toEqual(new Set(['word', 'pronunciation']))
    expect(f.valid).toBe(true)
    expect(contractProblems(f)).toEqual([])
  })

  it('sends a config the contract accepts for every mapping and source the form calls valid', () => {
    let checked = 0
    for (const columns of [weather, words, names, panel]) {
      for (const { kind } of MAPPINGS) {
        const f = form(columns)
        f.setMapping(kind)
        for (const s of sourcesOf(kind)) {
          f.setSource(s)
          if (f.source === 'grouped' || f.source === 'rows') f.inputs = f.roles.inputs.map((c) => c.name)
          if (!f.valid) continue
          checked++
          expect(contractProblems(f), `${kind} / ${s} on ${columns.map((c) => c.name)}`).toEqual([])
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8)
  })

  it("takes a mapping's defaults only where the user kept the previous ones", () => {
    const f = form(names)
    f.setMapping('one-to-many')
    expect(f).toMatchObject({ source: 'text', hiddenSize: 64, lr: 0.005 })
    f.hiddenSize = 48
    f.setMapping('many-to-one')
    expect(f.hiddenSize).toBe(48)
    expect(f.lr).toBe(0.01)
  })

  it('names what is wrong next to each field, and the form is not valid until it is fixed', () => {
    const f = form(weather, 100)
    f.window = 80
    expect(f.problems.window).toBe('must be below 80 (the training rows)')
    f.window = 12
    f.target = 'weather'
    expect(f.problems.inputs).toBe('a class target needs at least one numeric input column')
    f.task = 'regression'
    expect(f.problems.target).toBe('"weather" is categorical: regression needs a numeric target')
    f.lr = 0
    f.numLayers = 2.5
    expect(f.problems).toMatchObject({ lr: 'a number above 0, at most 10', numLayers: 'a whole number from 1 to 4' })
    expect(f.valid).toBe(false)
    f.task = 'auto'
    f.lr = 0.01
    f.numLayers = 2
    f.toggleInput('wind', true)
    expect(f.problems).toEqual({})
    expect(f.valid).toBe(true)
  })

  it("sends only the fields that apply, inputs in the dataset's column order", () => {
    const f = form(weather)
    f.setMapping('seq2seq')
    f.setSource('series')
    f.toggleInput('wind', true)
    f.toggleInput('precipitation', true)
    f.toggleInput('weather', true)
    f.groupBy = 'weather'
    f.stride = 2
    const c = f.toConfig()
    expect(c).toMatchObject({ mapping: 'seq2seq', source: 'series', horizon: 3, stride: 2 })
    expect(c.inputs).toEqual(['precipitation', 'wind'])
    expect(c).not.toHaveProperty('groupBy')
    expect(c).not.toHaveProperty('text')
    expect(c).not.toHaveProperty('task')
  })

  it("puts an earlier run's settings back so that the form sends the same config", () => {
    const before = config({
      target: 'sales',
      inputs: ['day'],
      source: 'grouped',
      groupBy: 'store',
      orderBy: 'day',
      maxLength: 30,
      model: { cell: 'gru', hiddenSize: 20, numLayers: 2, dropout: 0.1 },
      optimizer: { kind: 'momentum', lr: 0.05, momentum: 0.8, weightDecay: 0.001 },
      schedule: { kind: 'plateau', patience: 4, factor: 0.3 },
      epochs: 7,
      seed: 42,
      nanPolicy: 'revert',
      precision: 'float64'
    })
    const f = form(panel)
    f.apply(before)
    expect(experimentConfig.parse(f.toConfig())).toEqual(before)
  })

  it("applies a sample's suggestion: first names → generation conditioned on gender", () => {
    const f = form(names)
    f.applySuggested({ mapping: 'one-to-many', target: 'name', inputs: [], condition: 'gender', tokens: 'char' })
    expect(f.valid).toBe(true)
    expect(f.toConfig()).toMatchObject({
      mapping: 'one-to-many',
      source: 'text',
      target: 'name',
      condition: 'gender',
      task: 'generation',
      tokens: 'char'
    })
  })

  it('keeps column choices that still fit when another dataset is opened, and drops the others', () => {
    const f = form(weather)
    f.toggleInput('wind', true)
    f.toggleInput('temp_max', true)
    f.adaptTo([numeric('wind'), numeric('pressure')], 300)
    expect(f.inputs).toEqual(['wind'])
    expect(f.target).toBe('wind')
  })

  it('resets what no longer fits when the user switches to another file, and says what was kept and reset', () => {
    const f = form(weather)
    f.target = 'temp_max'
    f.toggleInput('wind', true)
    f.toggleInput('precipitation', true)
    f.missing = 'drop'
    f.hiddenSize = 48
    f.adaptTo([numeric('wind'), numeric('pressure'), numeric('temp_max')], 300, 'pressure.csv')
    expect(f).toMatchObject({ target: 'temp_max', inputs: ['wind'], missing: 'report', hiddenSize: 48 })
    expect(f.carried).toEqual({
      dataset: 'pressure.csv',
      kept: ['mapping many-to-one', 'target "temp_max"', 'inputs "wind"', 'the model and training settings'],
      reset: ['inputs: "precipitation" not in this file', 'missing values: drop the rows → report them']
    })
    f.adaptTo(words, 100, 'words.csv')
    expect(f.carried!.reset[0]).toMatch(/^mapping many-to-one \(series\) → seq2seq/)
    expect(f.carried!.reset).toContain('target "temp_max" → "word"')
  })
})
