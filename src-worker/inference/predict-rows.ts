// Inference for one-to-one models: every row of the new file is one input vector, encoded by the training's encoder
// with what the model stored of its fit, and gets one prediction.
import type { ParsedTable } from '../data/csv'
import { encode } from '../data/encoder'
import { lineOfRow } from '../data/windows'
import type { SavedModel } from '../protocol'
import { experimentOf, requireColumns } from './predict-columns'
import { fittedOf } from './fitted'
import { PredictionColumns, type PredictionTable } from './predict-output'
import { referencePredict, specOf } from '../export/spec'

export interface RowInputs {
  /** data rows (0-based) that get a prediction */
  rows: number[]
  /** (n, 1, I) normalised */
  x: Float32Array
  warnings: string[]
}

export function rowInputs(model: SavedModel, table: ParsedTable): RowInputs {
  const exp = experimentOf(model, 'predict')
  const s = specOf(model)
  if (model.inputs.length !== s.inputSize)
    throw new Error(`model: ${model.inputs.length} input columns stored but the network reads ${s.inputSize}`)
  requireColumns(
    table,
    model.inputs.map((name) => ({ name, role: 'input', numeric: true }))
  )
  const e = encode(table, { layout: 'rows', inputs: model.inputs, missing: exp.missing }, fittedOf(model, s))
  return { rows: e.rows!, x: e.x, warnings: e.warnings }
}

export function predictRows(model: SavedModel, table: ParsedTable): PredictionTable {
  const s = specOf(model)
  if (s.mapping !== 'one-to-one')
    throw new Error(`rows are read by one-to-one models; this model's mapping is ${s.mapping}`)
  const inp = rowInputs(model, table)
  const n = inp.rows.length,
    O = s.outputSize
  const y = n ? referencePredict(model, inp.x, n, s) : new Float32Array(0)
  const out = new PredictionColumns(model, table, O)
  const rows = inp.rows.map((r, k) => [lineOfRow(table, r), ...out.cells(y, k * O, out.actual(table, r))])
  return { header: ['line', ...out.header()], rows, warnings: [...inp.warnings, ...out.warnings()], score: out.score() }
}
