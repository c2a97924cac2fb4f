// Inference for models trained on grouped sequences (groupBy / orderBy): the new file's sequences are encoded by the
// training's encoder with what the model stored of its fit — grouped and ordered, left-aligned and zero-padded to the
// stored length (a longer sequence keeps its last steps, like maxLength in training).
// many-to-one: one row per sequence (the label of its last row is the true value, as in training);
// many-to-many (aligned tagging): one row per step.
import type { ParsedTable } from '../data/csv'
import { encode } from '../data/encoder'
import { lineOfRow } from '../data/windows'
import type { SavedModel } from '../protocol'
import { InputError } from '../../src-shared/errors'
import type { CsvCell } from './predictions-csv'
import { experimentOf, optionalColumn, requireColumns } from './predict-columns'
import { fittedOf } from './fitted'
import { PredictionColumns, type PredictionTable } from './predict-output'
import { referencePredict, specOf } from '../export/spec'

/** The model's sequences of a new file: ids, their rows (after the missing-value policy and the length cut) and x. */
export interface GroupedInputs {
  ids: string[]
  rows: number[][]
  /** (n, tx, I) normalised, zero-padded after each sequence */
  x: Float32Array
  warnings: string[]
}

export function groupedInputs(model: SavedModel, table: ParsedTable): GroupedInputs {
  const exp = experimentOf(model, 'predict')
  const s = specOf(model)
  if (!exp.groupBy) throw new InputError('predict: this model was not trained on grouped sequences (no groupBy column)')
  if (model.inputs.length !== s.inputSize)
    throw new Error(`model: ${model.inputs.length} input columns stored but the network reads ${s.inputSize}`)
  requireColumns(table, [
    { name: exp.groupBy, role: 'sequence id' },
    ...(exp.orderBy ? [{ name: exp.orderBy, role: 'order' }] : []),
    ...model.inputs.map((name) => ({ name, role: 'input', numeric: true }))
  ])
  const e = encode(
    table,
    { layout: 'sequences', inputs: model.inputs, missing: exp.missing, groupBy: exp.groupBy, orderBy: exp.orderBy },
    fittedOf(model, s)
  )
  return { ids: e.ids!, rows: e.sequences!, x: e.x, warnings: e.warnings }
}

export function predictGrouped(model: SavedModel, table: ParsedTable): PredictionTable {
  const exp = experimentOf(model, 'predict')
  const s = specOf(model)
  if (s.mapping !== 'many-to-one' && s.mapping !== 'many-to-many')
    throw new Error(`grouped sequences are many-to-one or many-to-many; this model's mapping is ${s.mapping}`)
  const inp = groupedInputs(model, table)
  const n = inp.ids.length,
    tx = s.tx,
    ty = s.ty,
    O = s.outputSize
  const y = n ? referencePredict(model, inp.x, n, s) : new Float32Array(0)
  const out = new PredictionColumns(model, table, O)
  const idCol = exp.groupBy!
  if (s.mapping === 'many-to-one') {
    const header = [idCol, 'steps', 'first_line', 'last_line', ...out.header()]
    const rows: CsvCell[][] = inp.ids.map((id, k) => {
      const g = inp.rows[k]!,
        last = g[g.length - 1]!
      return [
        id,
        g.length,
        lineOfRow(table, g[0]!),
        lineOfRow(table, last),
        ...out.cells(y, k * ty * O, out.actual(table, last))
      ]
    })
    return { header, rows, warnings: [...inp.warnings, ...out.warnings()], score: out.score() }
  }
  // aligned tagging: one row per step of each sequence, in the sequence's time order
  const ok = exp.orderBy ? optionalColumn(table, exp.orderBy) : -1
  const header = [idCol, 'step', ...(ok >= 0 ? [exp.orderBy!] : []), 'line', ...out.header()]
  const rows: CsvCell[][] = []
  inp.ids.forEach((id, k) =>
    inp.rows[k]!.forEach((r, t) => {
      const order: CsvCell[] = ok >= 0 ? [orderCell(table, ok, r)] : []
      rows.push([id, t + 1, ...order, lineOfRow(table, r), ...out.cells(y, (k * tx + t) * O, out.actual(table, r))])
    })
  )
  return { header, rows, warnings: [...inp.warnings, ...out.warnings()], score: out.score() }
}

function orderCell(table: ParsedTable, k: number, r: number): CsvCell {
  const v = table.values[k]![r]
  return typeof v === 'number' ? (Number.isNaN(v) ? null : v) : v
}
