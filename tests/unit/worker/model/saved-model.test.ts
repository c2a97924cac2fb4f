// The saved-model schema: a trained model parses to itself, a bad field is refused by its path, and a normaliser's
// value JSON cannot carry (NaN written as null) or a zero spread is refused by its path.
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

  it('refuses a normaliser value JSON wrote as null (NaN) or a zero spread, naming it; reads a null normaliser', () => {
    const norm = { kind: 'zscore', columns: ['x'], a: [Number.NaN], b: [1] } as const
    const viaJson = JSON.parse(JSON.stringify({ ...model, normalization: { input: norm, target: null } }))
    expect(() => parseSavedModel(viaJson)).toThrow(/normalization\.input\.a\.0: an offset must be a finite number/)
    const zero = { ...model, normalization: { input: { ...norm, a: [0], b: [0] }, target: null } }
    expect(() => parseSavedModel(zero)).toThrow(/normalization\.input\.b\.0: a spread must be a positive finite number/)
    const back = parseSavedModel({ ...model, normalization: { input: { ...norm, a: [0] }, target: null } })
    expect(back.normalization.target).toBeNull()
  })
})
