// The applying half of the sequence builders: fitted statistics, vocabularies and conditions in, tensors out. Training
// (the builders in sequences.ts and text-sequences.ts) and inference on a new file (src-worker/inference, generate)
// call these same functions, so the same rows give bit-identical tensors in both; series windows are
// series-encode.ts. Fitting (normalisers, vocabularies, classes) stays with the builders, on the training split.
import type { Normalizer } from './normalize'

type Scale = Pick<Normalizer, 'a' | 'b'>

/** One-to-one: x (n, I) of the given rows, each column normalised: (v − a) / b. */
export function encodeRows(cols: Float64Array[], rows: ArrayLike<number>, norm: Scale): Float32Array {
  const I = cols.length,
    x = new Float32Array(rows.length * I)
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!
    for (let i = 0; i < I; i++) x[k * I + i] = (cols[i]![r]! - norm.a[i]!) / norm.b[i]!
  }
  return x
}

/** Grouped sequences: x (n, tx, I), sequence k's rows left-aligned and normalised, zero after its end. */
export function encodeSequences(cols: Float64Array[], seqs: number[][], norm: Scale, tx: number): Float32Array {
  const I = cols.length,
    x = new Float32Array(seqs.length * tx * I)
  seqs.forEach((g, k) =>
    g.forEach((r, t) => {
      for (let i = 0; i < I; i++) x[(k * tx + t) * I + i] = (cols[i]![r]! - norm.a[i]!) / norm.b[i]!
    })
  )
  return x
}

/** Token ids of a text's tokens (`unknown` for a token the vocabulary lacks), cut to `L`. */
export function tokenIds(
  tokens: string[],
  ids: Map<string, number>,
  L: number,
  unknown: (token: string) => number
): { ids: number[]; cut: boolean } {
  const a = tokens.map((s) => ids.get(s) ?? unknown(s))
  return a.length <= L ? { ids: a, cut: false } : { ids: a.slice(0, L), cut: true }
}

/** Token inputs: x (n, tx), each text's ids left-aligned, <pad> (0) after its end. */
export function encodeTokenRows(texts: number[][], tx: number): Float32Array {
  const x = new Float32Array(texts.length * tx)
  texts.forEach((ids, k) => x.set(ids, k * tx))
  return x
}

/** Generators: x (n, I) one-hot of each item's condition among `known` (zeros for one not seen in training); a
 * generator without conditions reads a single 1. */
export function encodeConditions(conditions: (string | null)[], known: string[]): Float32Array {
  const I = known.length || 1,
    x = new Float32Array(conditions.length * I)
  const at = new Map(known.map((c, k) => [c, k]))
  conditions.forEach((c, k) => {
    if (!known.length) x[k * I] = 1
    else if (c !== null && at.has(c)) x[k * I + at.get(c)!] = 1
  })
  return x
}
