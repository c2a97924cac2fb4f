// The saved-model schema: a trained model parses to itself, a bad field is refused by its path, and values JSON
// cannot carry (NaN written as null) read back as NaN.
import { describe, expect, it } from 'vitest'
import { parseSavedModel } from '../../../../src-worker/model/saved-model'
import { buildModel } from '../export/models'

describe('saved model schema', () => {
  const model = buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 1 })

  it('parses a trained model to an equal object', () => {
    expect(parseSavedModel(model)).toEqual(model)
  })

  it('refuses a wrong field, naming where and its path', () => {
    const bad = { ...model, trainConfig: { ...model.trainConfig, model: { ...model.trainConfig.model, numLayers: 0 } } }
    expect(() => parseSavedModel(bad, 'm.json')).toThrow(/^m\.json: trainConfig\.model\.numLayers: /)
    expect(() => parseSavedModel({ ...model, data: { ...model.data, mapping: 'sideways' } })).toThrow(/data\.mapping/)
    expect(() => parseSavedModel({ ...model, normalization: undefined })).toThrow(/normalization/)
  })

  it('reads a normaliser value JSON wrote as null back as NaN', () => {
    const norm = { kind: 'zscore', columns: ['x'], a: [Number.NaN], b: [1] } as const
    const viaJson = JSON.parse(JSON.stringify({ ...model, normalization: { input: norm, target: null } }))
    const back = parseSavedModel(viaJson)
    expect(back.normalization.input!.a[0]).toBeNaN()
    expect(back.normalization.target).toBeNull()
  })
})
