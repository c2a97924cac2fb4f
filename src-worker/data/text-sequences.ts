/**
 * Sequence builders for text columns: tokens (characters or whitespace-separated words, chosen per side) with
 * vocabularies fitted on the training split. Three shapes: a text and a label (many-to-one classification or
 * regression), a source and a target text (seq2seq), and one column of items to generate (one-to-many,
 * optionally conditioned on a category). Rows are split at random by a seed.
 */
import { tokenIds } from './encode'
import { encode, type Encoded, type Fitted } from './encoder'
import type { ParsedTable } from './csv'
import { identityNormalizer } from './normalize'
import {
  normFor,
  randomSplit,
  resolveTargets,
  shapesOf,
  stringColumn,
  type RandomSplit,
  type SamplePreview,
  type SequenceData,
  type SequenceSplit,
  type TargetInfo
} from './sequences'
import { checkFraction, checkInt, checkWindowMemory, lineOfRow } from './windows'
import type { NormKind } from './normalize'
import { BOS, buildVocab, EOS, tokenize, UNK, type TokenMode } from './tokens'

export interface TextSpec {
  /** 'classify': text + label -> many-to-one; 'translate': source + target text -> seq2seq;
   *  'generate': one column of items -> one-to-many (optionally conditioned on a category) */
  kind: 'classify' | 'translate' | 'generate'
  /** the text column (classify), the source text (translate) or the items (generate) */
  text: string
  /** classify: label column (categorical -> classification, numeric -> regression); translate: target text column */
  target?: string
  /** generate: optional categorical column the generation is conditioned on */
  condition?: string
  /** how `text` is split (default char) */
  tokens?: TokenMode
  /** translate: how the target text is split (default: as `tokens`) */
  targetTokens?: TokenMode
  /** longer token sequences are cut (and counted in the warnings); default: the longest in the training split */
  maxLength?: number
  minCount?: number
  normalize?: NormKind
  task?: Task
  /** rows with a missing text / target / condition: 'report' (default) refuses, 'drop' skips them with a warning */
  missing?: 'report' | 'drop'
}
type Task = 'regression' | 'classification'

/** What every text builder starts from: the usable rows split in two, the tokenised columns, the input vocabulary. */
interface TextRows {
  spec: TextSpec
  warnings: string[]
  trRows: number[]
  vaRows: number[]
  srcTok: (r: number) => string[]
  /** translate: the target text's tokens */
  tgtTok: (r: number) => string[]
  condCol: (string | null)[] | null
  tgt: TargetInfo | null
  maxLen: number | undefined
  table: ParsedTable
  inVocab: string[]
  /** texts cut to the maximum length so far */
  cut: { n: number }
}

export function buildTextSequences(table: ParsedTable, spec: TextSpec, split: RandomSplit = {}): SequenceData {
  const rows = textRows(table, spec, split)
  if (spec.kind === 'classify') return buildTextClassifier(rows)
  if (spec.kind === 'translate') return buildTranslation(rows)
  return buildGeneration(rows)
}

/** The columns a text spec reads, each with its name (a missing cell in any of them makes a row unusable). */
function neededColumns(table: ParsedTable, spec: TextSpec) {
  const needed: (string | null)[][] = [stringColumn(table, spec.text, 'text')]
  const names = [spec.text]
  let targetText: (string | null)[] | null = null,
    condCol: (string | null)[] | null = null,
    tgt: TargetInfo | null = null
  if (spec.kind === 'classify') {
    if (!spec.target) throw new Error('text classification needs a label column (target)')
    tgt = resolveTargets(table, [spec.target], spec.task)
  } else if (spec.kind === 'translate') {
    if (!spec.target) throw new Error('seq2seq on text needs a target text column')
    targetText = stringColumn(table, spec.target, 'target text')
    needed.push(targetText)
    names.push(spec.target)
  }
  if (spec.kind === 'generate' && spec.condition) {
    condCol = stringColumn(table, spec.condition, 'condition')
    needed.push(condCol)
    names.push(spec.condition)
  }
  return { needed, names, textCol: needed[0]!, targetText, condCol, tgt }
}

/** Rows with every needed cell; a missing one is refused (missing: 'report') or skipped with a warning ('drop'). */
function usableRows(table: ParsedTable, spec: TextSpec, cols: ReturnType<typeof neededColumns>, warnings: string[]) {
  const { needed, names, tgt } = cols
  const usable: number[] = [],
    skippedLines: number[] = []
  let skipped = 0
  for (let r = 0; r < table.rowCount; r++) {
    const ok = needed.every((c) => c[r] !== null && c[r] !== '') && (!tgt || !Number.isNaN(tgt.cols[0]![r]!))
    if (ok) {
      usable.push(r)
      continue
    }
    if ((spec.missing ?? 'report') === 'report') {
      const k = needed.findIndex((c) => c[r] === null || c[r] === '')
      const col = k >= 0 ? names[k]! : spec.target!
      throw new Error(
        `line ${lineOfRow(table, r)}, column "${col}": missing value; choose Missing values → Skip the row (--missing drop)`
      )
    }
    skipped++
    if (skippedLines.length < 5) skippedLines.push(lineOfRow(table, r))
  }
  if (skipped)
    warnings.push(
      `${skipped} row${skipped === 1 ? '' : 's'} with a missing text or target skipped (line${skipped === 1 ? '' : 's'} ${skippedLines.join(', ')}${skipped > 5 ? ', …' : ''})`
    )
  return usable
}

function textRows(table: ParsedTable, spec: TextSpec, split: RandomSplit): TextRows {
  const vf = checkFraction(split.valFraction, 0.2)
  const srcMode = spec.tokens ?? 'char',
    tgtMode = spec.targetTokens ?? srcMode
  const warnings: string[] = []
  const cols = neededColumns(table, spec)
  const usable = usableRows(table, spec, cols, warnings)
  if (usable.length < (vf > 0 ? 2 : 1)) throw new Error(`too few rows with text: ${usable.length}`)
  const [trI, vaI] = vf > 0 ? randomSplit(usable.length, vf, split.seed ?? 1) : [usable.map((_, k) => k), []]
  const trRows = trI.map((k) => usable[k]!)
  const T = table.rowCount
  const toks = new Map<number, string[]>()
  const tokOf = (col: (string | null)[], r: number, key: number, mode: TokenMode): string[] => {
    let t = toks.get(key)
    if (!t) toks.set(key, (t = tokenize(col[r]!, mode)))
    return t
  }
  const srcTok = (r: number) => tokOf(cols.textCol, r, r, srcMode)
  const inVocab = buildVocab(trRows.map(srcTok), spec.minCount ?? 1)
  return {
    spec,
    warnings,
    trRows,
    vaRows: vaI.map((k) => usable[k]!),
    srcTok,
    tgtTok: (r: number) => tokOf(cols.targetText!, r, T + r, tgtMode),
    condCol: cols.condCol,
    tgt: cols.tgt,
    maxLen: spec.maxLength !== undefined ? checkInt(spec.maxLength, 'maxLength', 1, 1) : undefined,
    inVocab,
    table,
    cut: { n: 0 }
  }
}

/** Token ids of a token list (unknown tokens: <unk>), cut to L (counted). */
function encodeTokens(t: string[], ids: Map<string, number>, L: number, cut: { n: number }): number[] {
  const e = tokenIds(t, ids, L, () => UNK)
  if (e.cut) cut.n++
  return e.ids
}

/** The source texts of `rows` through the encoder, with the fitted vocabulary and length (cuts counted). */
function textInputs(d: TextRows, rows: number[], tx: number): Encoded {
  const tokens = d.spec.tokens ?? 'char',
    missing = d.spec.missing ?? 'report'
  const e = encode(
    d.table,
    { layout: 'tokens', text: d.spec.text, tokens, missing, rows },
    { scale: { a: [], b: [] }, vocab: d.inVocab, tx }
  )
  d.cut.n += e.cut ?? 0
  return e
}

/** A text and a label: many-to-one over the text's token ids. */
function buildTextClassifier(d: TextRows): SequenceData {
  const { spec, tgt, inVocab, cut } = d
  const tx = d.maxLen ?? longestOf(d.trRows, d.srcTok)
  checkWindowMemory(d.trRows.length, tx, 1, 'training texts')
  const cls = tgt!.task === 'classification'
  const targetNorm = cls
    ? identityNormalizer([spec.target!])
    : normFor(spec.normalize ?? 'zscore', [spec.target!], tgt!.cols, d.trRows)
  const make = (rows: number[]): SequenceSplit => {
    const e = textInputs(d, rows, tx)
    const y = Float32Array.from(rows, (r) => (tgt!.cols[0]![r]! - targetNorm.a[0]!) / targetNorm.b[0]!)
    return { n: e.n, x: e.x, y, lengths: e.lengths!, rows: Int32Array.from(rows) }
  }
  const train = make(d.trRows),
    val = make(d.vaRows)
  if (cut.n) d.warnings.push(`${cut.n} text${cut.n === 1 ? '' : 's'} longer than ${tx} tokens cut`)
  const mode = spec.tokens ?? 'char'
  const res: SequenceData = {
    mapping: 'many-to-one',
    task: tgt!.task,
    inputSize: inVocab.length,
    outputSize: cls ? tgt!.classes!.length : 1,
    tx,
    ty: 1,
    inputEncoding: 'token-ids',
    train,
    val,
    inputNorm: identityNormalizer([]),
    targetNorm,
    inputVocab: inVocab,
    shapes: shapesOf(train.n, tx, 1, 1, 1, true, cls, false),
    preview: textPreview(train, tx, 1, inVocab, null, [mode, mode], cls ? tgt!.classes! : null),
    warnings: d.warnings
  }
  if (cls) res.classes = tgt!.classes!
  return res
}

/**
 * Output token sequences: <eos>-terminated, padded, masked; yIn = <bos> + y shifted right. `fill` writes sample k
 * (row r) into y, yIn and mask.
 */
function outputTokens(d: TextRows, outTok: (r: number) => string[], outVocab: string[]) {
  const outId = new Map(outVocab.map((t, k) => [t, k]))
  const ty = (d.maxLen ?? longestOf(d.trRows, outTok)) + 1
  checkWindowMemory(d.trRows.length, ty, 3, 'training texts') // y, yIn and mask
  const fill = (k: number, r: number, y: Float32Array, yIn: Float32Array, mask: Float32Array) => {
    const ids = encodeTokens(outTok(r), outId, ty - 1, d.cut)
    ids.push(EOS)
    yIn[k * ty] = BOS
    ids.forEach((id, t) => {
      y[k * ty + t] = id
      mask[k * ty + t] = 1
      if (t + 1 < ty) yIn[k * ty + t + 1] = id
    })
  }
  return { ty, fill }
}

/** A source and a target text: seq2seq from source token ids to target tokens, each side split its own way. */
function buildTranslation(d: TextRows): SequenceData {
  const { spec, inVocab, cut } = d
  const outVocab = buildVocab(d.trRows.map(d.tgtTok), spec.minCount ?? 1)
  const { ty, fill } = outputTokens(d, d.tgtTok, outVocab)
  const tx = d.maxLen ?? longestOf(d.trRows, d.srcTok)
  const make = (rows: number[]): SequenceSplit => {
    const n = rows.length
    const y = new Float32Array(n * ty),
      yIn = new Float32Array(n * ty),
      mask = new Float32Array(n * ty)
    const e = textInputs(d, rows, tx)
    rows.forEach((r, k) => fill(k, r, y, yIn, mask))
    return { n, x: e.x, y, yIn, mask, lengths: e.lengths!, rows: Int32Array.from(rows) }
  }
  const train = make(d.trRows),
    val = make(d.vaRows)
  if (cut.n) d.warnings.push(`${cut.n} text${cut.n === 1 ? '' : 's'} cut to the maximum length`)
  const srcMode = spec.tokens ?? 'char'
  return {
    mapping: 'seq2seq',
    task: 'classification',
    inputSize: inVocab.length,
    outputSize: outVocab.length,
    tx,
    ty,
    inputEncoding: 'token-ids',
    train,
    val,
    inputNorm: identityNormalizer([]),
    targetNorm: identityNormalizer([]),
    inputVocab: inVocab,
    targetVocab: outVocab,
    shapes: shapesOf(train.n, tx, 1, ty, 1, true, true, true),
    preview: textPreview(train, tx, ty, inVocab, outVocab, [srcMode, spec.targetTokens ?? srcMode], null),
    warnings: d.warnings
  }
}

/** One column of items: one-to-many from a one-hot condition (or a constant 1) to the item's tokens. */
function buildGeneration(d: TextRows): SequenceData {
  const { spec, condCol, inVocab } = d
  const { ty, fill } = outputTokens(d, d.srcTok, inVocab)
  const conds = condCol ? [...new Set(d.trRows.map((r) => condCol[r]!))].sort() : []
  const known = new Set(conds)
  const I = condCol ? conds.length : 1
  const fitted: Fitted = { scale: { a: [], b: [] }, conditions: conds, tx: 1 }
  let unknownCond = 0
  const make = (rows: number[]): SequenceSplit => {
    const n = rows.length
    const y = new Float32Array(n * ty),
      yIn = new Float32Array(n * ty),
      mask = new Float32Array(n * ty)
    rows.forEach((r, k) => fill(k, r, y, yIn, mask))
    if (condCol) unknownCond += rows.filter((r) => !known.has(condCol[r]!)).length
    const x = encode(d.table, { layout: 'conditions', condition: spec.condition, rows }, fitted).x
    return { n, x, y, yIn, mask, lengths: new Int32Array(n).fill(1), rows: Int32Array.from(rows) }
  }
  const train = make(d.trRows),
    val = make(d.vaRows)
  if (d.cut.n) d.warnings.push(`${d.cut.n} item${d.cut.n === 1 ? '' : 's'} cut to the maximum length`)
  if (unknownCond)
    d.warnings.push(
      `${unknownCond} validation row${unknownCond === 1 ? ' has a' : 's have'} "${spec.condition}" value not seen in training (all-zero condition)`
    )
  const mode = spec.tokens ?? 'char'
  const res: SequenceData = {
    mapping: 'one-to-many',
    task: 'classification',
    inputSize: I,
    outputSize: inVocab.length,
    tx: 1,
    ty,
    inputEncoding: 'values',
    train,
    val,
    inputNorm: identityNormalizer(condCol ? conds : []),
    targetNorm: identityNormalizer([]),
    targetVocab: inVocab,
    shapes: shapesOf(train.n, 1, I, ty, 1, false, true, true),
    preview: textPreview(train, 1, ty, null, inVocab, [mode, mode], null, I),
    warnings: d.warnings
  }
  if (condCol) res.conditions = conds
  return res
}

/** Longest token sequence among rows (at least 1); a loop, not Math.max(...spread), for millions of rows. */
function longestOf(rows: number[], tok: (r: number) => string[]): number {
  let m = 1
  for (const r of rows) m = Math.max(m, tok(r).length)
  return m
}

/** A few samples of a split as ids and text; `modes` say how the input and the output side join their tokens. */
function textPreview(
  s: SequenceSplit,
  tx: number,
  ty: number,
  inVocab: string[] | null,
  outVocab: string[] | null,
  modes: [TokenMode, TokenMode],
  classes: string[] | null,
  I = 1,
  count = 3
): SamplePreview[] {
  const join = (v: string[], ids: number[], mode: TokenMode) =>
    ids.map((id) => v[id] ?? '<unk>').join(mode === 'char' ? '' : ' ')
  const out: SamplePreview[] = []
  for (let k = 0; k < Math.min(count, s.n); k++) {
    const len = inVocab ? s.lengths![k]! : 1
    const xs = Array.from(s.x.subarray(k * tx * I, k * tx * I + len * I))
    const p: SamplePreview = { x: inVocab ? xs.map((v) => [v]) : [xs], y: [] }
    if (inVocab) p.xText = join(inVocab, xs, modes[0])
    if (outVocab) {
      const ys: number[] = []
      for (let t = 0; t < ty; t++) if (s.mask![k * ty + t]) ys.push(s.y[k * ty + t]!)
      p.y = ys
      p.yText = join(
        outVocab,
        ys.filter((id) => id !== EOS),
        modes[1]
      )
    } else {
      p.y = [s.y[k]!]
      if (classes) p.label = classes[s.y[k]!]
    }
    out.push(p)
  }
  return out
}
