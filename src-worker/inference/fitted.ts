// What a saved model keeps of its training's fit, as the encoder (data/encoder.ts) takes it: the input statistics in
// the model's input order, the mean policy's fill values, the vocabulary, the generator's conditions and the steps.
import type { Fitted } from '../data/encoder'
import type { SavedModel } from '../protocol'
import { normalizationOf, specOf, type ExportSpec } from '../export/spec'

/** The fill value of input column k (stored index `at`): the stored fill, else a z-score's mean (the training mean). */
function fillAt(n: NonNullable<SavedModel['normalization']['input']>, at: number): number {
  if (n.fill) return n.fill[at] ?? NaN
  return n.kind === 'zscore' ? n.a[at]! : NaN
}

export function fittedOf(model: SavedModel, s: ExportSpec = specOf(model)): Fitted {
  const n = normalizationOf(model).input
  const a: number[] = [],
    b: number[] = [],
    fill: number[] = []
  model.inputs.forEach((name, i) => {
    const k = n ? n.columns.indexOf(name) : -1
    if (n && k < 0) throw new Error(`model: no normalisation stored for input column "${name}" (#${i})`)
    a.push(k >= 0 ? n!.a[k]! : 0)
    b.push(k >= 0 ? n!.b[k]! : 1)
    fill.push(k >= 0 ? fillAt(n!, k) : NaN)
  })
  const f: Fitted = { scale: { a, b }, tx: s.tx }
  if (fill.length && fill.every(Number.isFinite)) f.fill = fill
  if (model.vocab?.inputVocab) f.vocab = model.vocab.inputVocab
  if (model.vocab?.conditions) f.conditions = model.vocab.conditions
  return f
}
