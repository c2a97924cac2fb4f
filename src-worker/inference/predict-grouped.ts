// Inference for models trained on grouped sequences (groupBy / orderBy): the new file's rows are grouped and
// ordered by the same groupRows as buildGroupedSequences, normalised with the stored statistics, left-aligned and
// zero-padded to the stored length (a longer sequence keeps its last steps, like maxLength in training).
// many-to-one: one row per sequence (the label of its last row is the true value, as in training);
// many-to-many (aligned tagging): one row per step.
import type { ParsedTable } from '../data/csv'
import { encodeSequences } from '../data/encode'
import { groupRows } from '../data/sequences'
import { lineOfRow } from '../data/windows'
import type { SavedModel } from '../protocol'
import { InputError } from '../../src-shared/errors'
import type { CsvCell } from './predictions-csv'
import { experimentOf, inputColumns, inputScalers, optionalColumn, requireColumns } from './predict-columns'
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
  const needs = [
    { name: exp.groupBy, role: 'sequence id' },
    ...(exp.orderBy ? [{ name: exp.orderBy, role: 'order' }] : []),
    ...model.inputs.map((name) => ({ name, role: 'input', numeric: true }))
  ]
  const idx = requireColumns(table, needs)
  let grouped: ReturnType<typeof groupRows>
  try {
    grouped = groupRows(table, exp.groupBy, exp.orderBy)
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  const { cols, drop } = inputColumns(
    table,
    model,
    idx.slice(needs.length - model.inputs.length),
    exp.missing,
    grouped.groups.values()
  )
  const scal = inputScalers(model)
  const tx = s.tx,
    I = s.inputSize
  if (model.inputs.length !== I)
    throw new Error(`model: ${model.inputs.length} input columns stored but the network reads ${I}`)
  const warnings = grouped.warnings.slice()
  const ids: string[] = [],
    rows: number[][] = []
  let cut = 0,
    empty = 0,
    dropped = 0
  for (const [id, g0] of grouped.groups) {
    let g = g0
    if (drop) {
      g = g.filter((r) => !drop[r])
      dropped += g0.length - g.length
    }
    if (g.length === 0) {
      empty++
      continue
    }
    if (g.length > tx) {
      cut++
      g = g.slice(g.length - tx)
    }
    ids.push(id)
    rows.push(g)
  }
  if (dropped)
    warnings.push(
      `${dropped} row${dropped === 1 ? '' : 's'} with a missing input value skipped (missing-value policy "drop")`
    )
  if (empty)
    warnings.push(
      `${empty} sequence${empty === 1 ? ' has' : 's have'} no row left and get${empty === 1 ? 's' : ''} no prediction`
    )
  if (cut)
    warnings.push(
      `${cut} sequence${cut === 1 ? ' is' : 's are'} longer than the model's ${tx} steps and keep${cut === 1 ? 's' : ''} ${cut === 1 ? 'its' : 'their'} last ${tx} rows`
    )
  const x = encodeSequences(cols, rows, { a: scal.map((s) => s[0]), b: scal.map((s) => s[1]) }, tx)
  return { ids, rows, x, warnings }
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
    return { header, rows, warnings: inp.warnings, score: out.score() }
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
  return { header, rows, warnings: inp.warnings, score: out.score() }
}

function orderCell(table: ParsedTable, k: number, r: number): CsvCell {
  const v = table.values[k]![r]
  return typeof v === 'number' ? (Number.isNaN(v) ? null : v) : v
}
