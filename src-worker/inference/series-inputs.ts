// A new CSV read the way a series-window model was trained: the training's encoder (data/encode-windows.ts) with what
// the model stored of its fit — the groups ordered as in training, the missing-value policy applied, an input that is
// the target's own past differenced alike, and every window with complete inputs encoded.
import type { ParsedTable } from '../data/csv'
import { encode, type WindowsMapping } from '../data/encoder'
import { readColumns, rowAtOf } from '../data/encode-windows'
import type { SeriesColumns, SeriesRows } from '../data/series-encode'
import type { SavedModel } from '../protocol'
import type { ExportSpec } from '../export/spec'
import { fittedOf } from './fitted'
import { requireColumns } from './predict-columns'
import type { SeriesLayout } from './series-layout'

export interface SeriesInputs {
  rows: SeriesRows
  cols: SeriesColumns
  /** the file's row at a series position */
  rowAt: (pos: number) => number
  /** every window start (series position) of every segment, in order */
  windows: number[]
  /** the segment of each window */
  segmentOf: number[]
  /** the windows with complete inputs (a subset of `windows`), and their encoded x (n, tx, I) */
  ok: number[]
  x: Float32Array
  warnings: string[]
}

/** The series of a new file: ordered, filled, differenced and windowed as in training. */
export function seriesInputs(model: SavedModel, table: ParsedTable, s: ExportSpec, layout: SeriesLayout): SeriesInputs {
  const exp = model.experiment
  const mapping: WindowsMapping = {
    layout: 'windows',
    inputs: model.inputs,
    missing: exp?.missing ?? 'report',
    targets: [model.target],
    task: model.data.task,
    lags: layout.lags,
    groupBy: exp?.groupBy,
    orderBy: exp?.orderBy
  }
  // the file's columns are checked before the model's: one message for missing or mistyped columns, then the first
  // cell that is not a number (a gap is left to the missing-value policy, a wrong cell is the user's to mend)
  readColumns(table, mapping)
  const numeric = layout.lags.length && !model.inputs.includes(model.target) ? [model.target] : []
  requireColumns(table, [
    ...model.inputs.map((name) => ({ name, role: 'input', numeric: true })),
    ...numeric.map((name) => ({ name, role: 'target', numeric: true }))
  ])
  const e = encode(table, mapping, fittedOf(model, s))
  const w = e.windows!
  return {
    rows: w.rows,
    cols: w.cols,
    rowAt: rowAtOf(w.rows),
    windows: w.all,
    segmentOf: w.segmentOf,
    ok: w.starts,
    x: e.x,
    warnings: e.warnings
  }
}
