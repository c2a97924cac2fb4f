// The decoded-samples view of a generator: items sampled at temperature 0.8 (seeded by the run's seed), each
// marked new or already in the training set, and the share of new ones over 100 samples — not an exact match
// against a target, which a generator has none of.
import type { Inspection } from '../../src-shared/contract'
import { Model } from '../engine/model'
import { importTorch } from '../engine/params'
import { itemKeys, noveltyOf, sampleItems, SAMPLE_TEMPERATURE } from '../evaluation/novelty'
import { modelSpecOf, type SplitData, type TrainConfig, type TrainData } from '../trainer'

export function generationView(
  weights: Record<string, unknown>,
  trainConfig: TrainConfig,
  data: TrainData,
  from: SplitData,
  seed: number,
  decode: (ids: ArrayLike<number>, from: number, len: number) => string,
  conditionOf: (x: Float32Array, row: number) => string | undefined,
  shown: number
): Pick<Inspection, 'samples' | 'novelty' | 'temperature' | 'exactMatch'> {
  const model = new Model(modelSpecOf(trainConfig, data, false), 'float32', Math.max(1, Math.min(32, from.n)))
  importTorch(model.layout, model.params, weights)
  const known = itemKeys(data.train.y, data.train.n, data.ty, data.train.mask)
  const s = sampleItems(model, from.x, from.n, known, { seed })
  const samples: NonNullable<Inspection['samples']> = []
  for (let i = 0; i < Math.min(shown, s.count); i++)
    samples.push({
      input: conditionOf(from.x, s.from[i]),
      target: '',
      output: decode(s.ids, i * data.ty, data.ty),
      novel: s.novel[i]
    })
  return { samples, novelty: noveltyOf(s), temperature: SAMPLE_TEMPERATURE, exactMatch: undefined }
}
