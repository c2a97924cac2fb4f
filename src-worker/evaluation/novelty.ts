// Generation judged as generation: seeded samples at a temperature, and the share of them that are new — not an
// item of the training set. An empty sample (the first token is <eos>) is no item and never counts as new.
import { Rng } from '../engine/rng.js'
import { Batch, type Model } from '../engine/model.js'

export const SAMPLE_TEMPERATURE = 0.8
export const NOVELTY_SAMPLES = 100
const EOS = 3 // (src-worker/data/sequences.ts: <pad> <unk> <bos> <eos>)

/** Token ids up to (without) <eos> or the padding, as one key. */
function keyOf(ids: ArrayLike<number>, off: number, len: number, mask?: Float32Array): string {
  const out: number[] = []
  for (let t = 0; t < len; t++) {
    if (mask && mask[off + t] === 0) break
    const id = ids[off + t]
    if (id === EOS) break
    out.push(id)
  }
  return out.join(' ')
}

/** The items of a split's token targets (n, ty) as keys. */
export function itemKeys(y: Float32Array, n: number, ty: number, mask?: Float32Array): Set<string> {
  const keys = new Set<string>()
  for (let k = 0; k < n; k++) keys.add(keyOf(y, k * ty, ty, mask))
  return keys
}

export interface GeneratedSamples {
  /** (count, ty) sampled token ids, each row ended by <eos> or the length */
  ids: Int32Array
  /** the input (condition) row each sample was generated from */
  from: Int32Array
  count: number
  novel: boolean[]
}

/**
 * `count` samples of a one-to-many generator at `temperature`, seeded: the conditions are the inputs `x` (n, I)
 * taken in turn; each sample is new when its item is not in `known`.
 */
export function sampleItems(
  model: Model,
  x: Float32Array,
  n: number,
  known: Set<string>,
  opts: { count?: number; temperature?: number; seed?: number } = {}
): GeneratedSamples {
  const count = opts.count ?? NOVELTY_SAMPLES,
    ty = model.spec.ty,
    O = model.spec.outputSize,
    Bmax = model.Bmax
  const rng = new Rng(opts.seed ?? 1),
    sampling = { temperature: opts.temperature ?? SAMPLE_TEMPERATURE, rng }
  const batch = new Batch(model.spec, model.dtype, Bmax)
  const from = new Int32Array(count)
  for (let i = 0; i < count; i++) from[i] = n ? i % n : 0
  const ids = new Int32Array(count * ty),
    out = new (model.dtype === 'float64' ? Float64Array : Float32Array)(ty * Bmax * O),
    chosen = new Int32Array(ty * Bmax)
  const novel: boolean[] = []
  for (let start = 0; start < count; start += Bmax) {
    const B = Math.min(Bmax, count - start)
    batch.fill(x, null, null, from, start, B)
    model.predict(batch, out, sampling, chosen)
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < ty; t++) ids[(start + b) * ty + t] = chosen[t * B + b]
      const key = keyOf(ids, (start + b) * ty, ty)
      novel.push(key !== '' && !known.has(key))
    }
  }
  return { ids, from, count, novel }
}

/** Share of the samples that are new items. */
export function noveltyOf(s: GeneratedSamples): number {
  return s.count ? s.novel.filter(Boolean).length / s.count : NaN
}
