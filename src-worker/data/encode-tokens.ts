// The encoder's text layouts. Tokens: a text column split as in training (characters or words), each token's id in
// the fitted vocabulary (a token it lacks reads as <unk>; a vocabulary without <unk> refuses it by line and column),
// cut to the fitted length and padded with <pad>. Conditions: a generator's condition as a one-hot among the fitted
// conditions (all zero for one not seen in training).
import type { ParsedTable } from './csv'
import { encodeConditions, encodeTokenRows, tokenIds } from './encode'
import type { ConditionsMapping, Encoded, Fitted, TokensMapping } from './encoder'
import { SPECIAL_TOKENS, tokenize } from './tokens'
import { columnIndex, lineOfRow } from './windows'
import { InputError } from '../../src-shared/errors'

/** A cell as text the way the builders read categorical values (numbers via String, missing → null). */
export function textCell(table: ParsedTable, k: number, r: number): string | null {
  const v = table.values[k]![r]
  if (typeof v === 'number') return Number.isNaN(v) ? null : String(v)
  return v ?? null
}

/** Tokens the vocabulary lacks: read as <unk> (counted, the first one named) or refused by line and column. */
class UnknownTokens {
  count = 0
  first = ''
  constructor(
    private readonly m: TokensMapping,
    private readonly unk: number | undefined
  ) {}

  idOf(table: ParsedTable, r: number, token: string): number {
    const line = lineOfRow(table, r)
    const what = `${this.m.tokens === 'char' ? 'character' : 'word'} ${JSON.stringify(token)}`
    if (this.unk === undefined)
      throw new InputError(
        `line ${line}, column "${this.m.text}": ${what} is not in the model's vocabulary (and the vocabulary has no ${SPECIAL_TOKENS[1]} token)`,
        line,
        this.m.text
      )
    if (!this.count) this.first = `line ${line}: ${what}`
    this.count++
    return this.unk
  }
}

/** The rows with text (all of them, or the caller's); a missing text is refused under report, skipped under drop. */
function textRows(table: ParsedTable, m: TokensMapping, k: number): { rows: number[]; skipped: number } {
  if (m.rows) return { rows: m.rows, skipped: 0 }
  const rows: number[] = []
  for (let r = 0; r < table.rowCount; r++) {
    const text = textCell(table, k, r)
    if (text !== null && text !== '') rows.push(r)
    else if (m.missing === 'report') {
      const line = lineOfRow(table, r)
      throw new InputError(
        `line ${line}, column "${m.text}": missing text (the model was trained with the missing-value policy "report"; choose drop to skip such rows)`,
        line,
        m.text
      )
    }
  }
  return { rows, skipped: table.rowCount - rows.length }
}

function tokenWarnings(skipped: number, unknown: UnknownTokens, cut: number, tx: number): string[] {
  const w: string[] = []
  if (skipped) w.push(`${skipped} row${skipped === 1 ? '' : 's'} without text skipped`)
  if (unknown.count)
    w.push(
      `${unknown.count} token${unknown.count === 1 ? '' : 's'} not in the model's vocabulary read as ${SPECIAL_TOKENS[1]} (first: ${unknown.first})`
    )
  if (cut)
    w.push(
      `${cut} text${cut === 1 ? ' is' : 's are'} longer than the model's ${tx} tokens and ${cut === 1 ? 'is' : 'are'} cut`
    )
  return w
}

export function encodeTokensOf(table: ParsedTable, m: TokensMapping, f: Fitted): Encoded {
  const vocab = f.vocab ?? []
  const k = columnIndex(table, m.text, 'text')
  const ids = new Map(vocab.map((t, i) => [t, i]))
  const unknown = new UnknownTokens(m, ids.get(SPECIAL_TOKENS[1]))
  const { rows, skipped } = textRows(table, m, k)
  const lengths = new Int32Array(rows.length)
  let cut = 0
  const texts = rows.map((r, i) => {
    const e = tokenIds(tokenize(textCell(table, k, r)!, m.tokens), ids, f.tx, (t) => unknown.idOf(table, r, t))
    if (e.cut) cut++
    lengths[i] = e.ids.length
    return e.ids
  })
  const x = encodeTokenRows(texts, f.tx)
  return { n: rows.length, x, rows, lengths, cut, warnings: tokenWarnings(skipped, unknown, cut, f.tx) }
}

export function encodeConditionsOf(table: ParsedTable, m: ConditionsMapping, f: Fitted): Encoded {
  const k = m.condition === undefined ? -1 : columnIndex(table, m.condition, 'condition')
  const x = encodeConditions(
    m.rows.map((r) => (k < 0 ? null : textCell(table, k, r))),
    f.conditions ?? []
  )
  return { n: m.rows.length, x, rows: m.rows, warnings: [] }
}
