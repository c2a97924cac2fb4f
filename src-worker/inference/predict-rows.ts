// Inference for one-to-one models: every row of the new file is one input vector (the stored input columns,
// normalised with the stored statistics) and gets one prediction, as in buildOneToOne.
import type { ParsedTable } from '../data/csv'
import { encodeRows } from '../data/encode'
import { lineOfRow } from '../data/windows'
import type { SavedModel } from '../protocol'
import { experimentOf, inputColumns, inputScalers, requireColumns } from './predict-columns'
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
  const idx = requireColumns(
    table,
    model.inputs.map((name) => ({ name, role: 'input', numeric: true }))
  )
  // training reads ffill as report for rows (no sequence to fill along)
  const { cols, drop } = inputColumns(table, model, idx, exp.missing)
  const scal = inputScalers(model)
  const rows: number[] = []
  for (let r = 0; r < table.rowCount; r++) if (!drop?.[r]) rows.push(r)
  const warnings: string[] = []
  const skipped = table.rowCount - rows.length
  if (skipped)
    warnings.push(
      `${skipped} row${skipped === 1 ? '' : 's'} with a missing input value skipped (missing-value policy "drop")`
    )
  const x = encodeRows(cols, rows, { a: scal.map((s) => s[0]), b: scal.map((s) => s[1]) })
  return { rows, x, warnings }
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
  return { header: ['line', ...out.header()], rows, warnings: inp.warnings, score: out.score() }
}
