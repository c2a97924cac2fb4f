// Predictions on a new CSV for every model that is not a one-long-series window model (those go through
// predictSeries) nor a generator (src-worker/tasks/generate.ts): picks the reader the experiment's data source
// needs — grouped sequences, text, or rows — and turns its table into CSV text (formula-injection safe).
import type { ParsedTable } from '../data/csv'
import { sourceOf } from '../../src-shared/contract'
import type { SavedModel } from '../protocol'
import { InputError } from '../../src-shared/errors'
import { predictionsCsv } from './predictions-csv'
import { experimentOf } from './predict-columns'
import { predictGrouped } from './predict-grouped'
import type { PredictionTable } from './predict-output'
import { predictRows } from './predict-rows'
import { predictText } from './predict-text'

export type { PredictionTable, PredictScore } from './predict-output'

/** The data source of a stored model: how its rows became sequences ('series' for models without an experiment). */
export function sourceOfModel(model: SavedModel): ReturnType<typeof sourceOf> {
  return model.experiment ? sourceOf(model.experiment) : 'series'
}

export function predictTable(
  model: SavedModel,
  table: ParsedTable,
  opts: { temperature?: number; seed?: number } = {}
): PredictionTable {
  const exp = experimentOf(model, 'predict')
  const source = sourceOf(exp)
  if (opts.temperature !== undefined && !(source === 'text' && exp.mapping === 'seq2seq')) {
    throw new InputError(
      `--temperature samples generative (one-to-many) models and text seq2seq models; this model's mapping is ${exp.mapping} on ${source} data`
    )
  }
  if (source === 'grouped') return predictGrouped(model, table)
  if (source === 'text') return predictText(model, table, opts)
  if (source === 'rows') return predictRows(model, table)
  throw new Error(`predictTable: series models are read by predictSeries`)
}

export function predictionTableCsv(p: PredictionTable): string {
  return predictionsCsv([p.header, ...p.rows])
}
