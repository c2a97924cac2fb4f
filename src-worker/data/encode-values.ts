// The encoder's value layouts: rows (one-to-one) and grouped sequences. Both read the input columns by name, apply
// the missing-value policy with the fitted fill values (input-missing.ts) and normalise with the fitted statistics.
import type { ParsedTable } from './csv'
import { encodeRows, encodeSequences } from './encode'
import type { Encoded, Fitted, RowsMapping, SequencesMapping } from './encoder'
import { inputValues, prepareInputs } from './input-missing'
import { groupRows } from './sequences'
import { InputError } from '../../src-shared/errors'

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many)

function droppedWarning(n: number): string {
  return `${n} row${plural(n, '', 's')} with a missing input value skipped (missing-value policy "drop")`
}

export function encodeRowsOf(table: ParsedTable, m: RowsMapping, f: Fitted): Encoded {
  const raw = m.inputs.map((name) => inputValues(table, name))
  const p = prepareInputs(table, m.inputs, raw, m.missing, f.fill)
  const warnings: string[] = []
  let rows = m.rows
  if (!rows) {
    rows = []
    for (let r = 0; r < table.rowCount; r++) if (!p.drop?.[r]) rows.push(r)
    const skipped = table.rowCount - rows.length
    if (skipped) warnings.push(droppedWarning(skipped))
  }
  return { n: rows.length, x: encodeRows(p.cols, rows, f.scale), rows, warnings }
}

/** What became of the sequences: rows dropped, sequences left empty, sequences cut to the model's steps. */
interface SequenceCounts {
  dropped: number
  empty: number
  cut: number
}

function sequenceWarnings(c: SequenceCounts, tx: number): string[] {
  const w: string[] = []
  if (c.dropped) w.push(droppedWarning(c.dropped))
  if (c.empty)
    w.push(
      `${c.empty} sequence${plural(c.empty, ' has', 's have')} no row left and get${plural(c.empty, 's', '')} no prediction`
    )
  if (c.cut)
    w.push(
      `${c.cut} sequence${plural(c.cut, ' is', 's are')} longer than the model's ${tx} steps and keep${plural(c.cut, 's', '')} ${plural(c.cut, 'its', 'their')} last ${tx} rows`
    )
  return w
}

/** The groups of a file; a grouping error (a missing id, two rows at one time) is the user's input error. */
function groupsOf(table: ParsedTable, m: SequencesMapping): ReturnType<typeof groupRows> {
  try {
    return groupRows(table, m.groupBy, m.orderBy, m.duplicates ?? 'report')
  } catch (e) {
    throw new InputError((e as Error).message)
  }
}

export function encodeSequencesOf(table: ParsedTable, m: SequencesMapping, f: Fitted): Encoded {
  const grouped = groupsOf(table, m)
  const raw = m.inputs.map((name) => inputValues(table, name))
  const p = prepareInputs(table, m.inputs, raw, m.missing, f.fill, [...grouped.groups.values()])
  const counts: SequenceCounts = { dropped: 0, empty: 0, cut: 0 }
  const ids: string[] = [],
    sequences: number[][] = []
  for (const id of m.ids ?? grouped.groups.keys()) {
    const g0 = grouped.groups.get(id)
    if (!g0) throw new Error(`encode: no sequence "${id}" in the file`)
    let g = p.drop || m.skip ? g0.filter((r) => !p.drop?.[r] && !m.skip?.[r]) : g0
    counts.dropped += g0.length - g.length
    if (g.length === 0) {
      counts.empty++
      continue
    }
    if (g.length > f.tx) {
      counts.cut++
      g = g.slice(g.length - f.tx)
    }
    ids.push(id)
    sequences.push(g)
  }
  const x = encodeSequences(p.cols, sequences, f.scale, f.tx)
  const lengths = Int32Array.from(sequences, (g) => g.length)
  const warnings = [...grouped.warnings, ...sequenceWarnings(counts, f.tx)]
  return { n: ids.length, x, ids, sequences, lengths, warnings }
}
