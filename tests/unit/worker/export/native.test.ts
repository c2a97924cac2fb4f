// Native JSON: round trip to an identical SavedModel and identical predictions; bad files are refused by name.
import { describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportModel, loadNativeModel, parseNativeModel } from '../../../../src-worker/export'
import { randomHeldOut } from '../../../../src-worker/export/held-out'
import { referencePredict, specOf } from '../../../../src-worker/export/spec'
import { buildModel } from './models'
import { tempDir } from './tmp'

const dir = tempDir('native')

describe('native JSON', () => {
  for (const c of [
    { cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 2 },
    { cell: 'gru', mapping: 'seq2seq', task: 'classification', layers: 1 },
    { cell: 'rnn_relu', mapping: 'many-to-many', task: 'classification', layers: 2, bidirectional: true }
  ] as const) {
    it(`${c.cell} ${c.mapping}: loadNativeModel gives the same model and bit-identical predictions`, async () => {
      const model = {
        ...buildModel(c),
        vocab: { classes: ['up', 'down', 'flat'], inputVocab: ['<pad>', '<unk>', '<bos>', '<eos>', 'a'] }
      }
      const path = join(dir, `${c.cell}-${c.mapping}.json`)
      const r = await exportModel(model, 'json', path)
      expect(r.files).toEqual([path])
      expect(r.maxAbsDiff).toBe(0)
      const back = loadNativeModel(path)
      expect(back).toEqual(model)
      const s = specOf(model),
        h = randomHeldOut(s, 20, 5)
      expect(referencePredict(back, h.x, h.n)).toEqual(referencePredict(model, h.x, h.n))
      const file = JSON.parse(readFileSync(path, 'utf8'))
      expect(file).toMatchObject({ format: 'rnn-workbench-model', formatVersion: 1, target: 'y', inputs: model.inputs })
      expect(file.summary).toContain(c.cell)
      expect(Object.keys(file.weights)).toContain('head.weight')
    })
  }

  it('refuses files that are not native models, or whose weights do not fit the config', () => {
    const model = buildModel({ cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 1 })
    const good = JSON.parse(JSON.stringify({ format: 'rnn-workbench-model', formatVersion: 1, ...model }))
    expect(() => parseNativeModel('{', 'm.json')).toThrow(/m\.json: not valid JSON/)
    expect(() => parseNativeModel('[[1]]', 'm.json')).toThrow('m.json: expected a JSON object, found an array')
    expect(() => parseNativeModel(JSON.stringify({ ...good, format: 'other' }))).toThrow(
      /format is "other", expected "rnn-workbench-model"/
    )
    expect(() => parseNativeModel(JSON.stringify({ ...good, formatVersion: 9 }))).toThrow(
      /formatVersion 9 is not supported/
    )
    expect(() => parseNativeModel(JSON.stringify({ ...good, inputs: 'x0' }))).toThrow(/"inputs" must be a list/)
    const { 'head.bias': _drop, ...noBias } = good.weights
    expect(() => parseNativeModel(JSON.stringify({ ...good, weights: noBias }))).toThrow(/missing parameter head\.bias/)
    const bad = structuredClone(good)
    bad.weights.weight_hh_l0 = bad.weights.weight_hh_l0.slice(1)
    expect(() => parseNativeModel(JSON.stringify(bad))).toThrow(/weight_hh_l0: length 19, expected 20/)
    const path = join(dir, 'bad.json')
    writeFileSync(path, JSON.stringify(bad))
    expect(() => loadNativeModel(path)).toThrow(
      new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: weight_hh_l0`)
    )
  })
})
