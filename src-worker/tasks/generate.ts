// Generation with a one-to-many model: one item per requested condition (or per CSV row's condition),
// sampled token by token at a temperature with a seeded RNG — or greedy without one — then decoded.
import { encodeConditions } from '../data/encode'
import { InputError } from '../../src-shared/errors'
import type { ParsedTable } from '../data/csv'
import { predictionsCsv } from '../inference/predictions-csv'
import { decodeTokens } from '../inference/predict-text'
import { predict } from '../trainer'
import type { SavedModel } from '../protocol'
import { targetTokensOf } from '../../src-shared/contract'

export interface Generated {
  condition: string | null
  text: string
}

/** Which conditions to generate for: the CSV's condition column, else `count` per known condition (or `count`). */
export function conditionsFor(model: SavedModel, table: ParsedTable | null, count: number): (string | null)[] {
  const known = model.vocab?.conditions ?? null
  const column = model.experiment?.condition
  if (table && known && column) {
    const c = table.columns.findIndex((x) => x.name === column)
    if (c < 0)
      throw new InputError(
        `the CSV has no column "${column}" (the condition this model was trained with; columns: ${table.columns.map((x) => x.name).join(', ')})`,
        undefined,
        column
      )
    const values = table.values[c] as (string | number | null)[] | Float64Array
    return Array.from({ length: table.rowCount }, (_, r) => {
      const v = values[r]
      return v == null || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v)
    })
  }
  if (known) return known.flatMap((k) => Array.from({ length: count }, () => k))
  return Array.from({ length: count }, () => null)
}

/** The generator's input for each item: the one-hot of its condition, encoded as training encoded it. */
export function conditionInputs(model: SavedModel, conditions: (string | null)[]): Float32Array {
  return encodeConditions(conditions, model.vocab?.conditions ?? [])
}

export function generate(
  model: SavedModel,
  conditions: (string | null)[],
  opts: { temperature?: number; seed?: number }
): Generated[] {
  const d = model.data
  if (d.mapping !== 'one-to-many' || d.task !== 'classification')
    throw new Error(`generation needs a one-to-many text model; this model's mapping is ${d.mapping}`)
  const vocab = model.vocab?.targetVocab ?? []
  const I = d.inputSize,
    n = conditions.length
  const x = conditionInputs(model, conditions)
  const r = predict(
    model.trainConfig,
    {
      mapping: 'one-to-many',
      task: 'classification',
      inputSize: I,
      outputSize: d.outputSize,
      tx: 1,
      ty: d.ty,
      n,
      x
    },
    model.weights,
    opts
  )
  const word = !!model.experiment && targetTokensOf(model.experiment) === 'word'
  return conditions.map((condition, s) => ({ condition, text: decodeTokens(r.classes!, s * d.ty, d.ty, vocab, word) }))
}

export function generatedCsv(items: Generated[], conditionColumn: string | undefined, target: string): string {
  const head = conditionColumn ? [conditionColumn, `generated_${target}`] : [`generated_${target}`]
  return predictionsCsv([head, ...items.map((g) => (conditionColumn ? [g.condition, g.text] : [g.text]))])
}
