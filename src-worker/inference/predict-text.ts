// Inference for text models: the text column is encoded by the training's encoder with the stored vocabulary —
// split into tokens as in training, a token the vocabulary lacks read as <unk> (or refused by line and column when it
// has none), cut to the stored length and padded. many-to-one: a class (or value) per text;
// seq2seq (text → text): the decoder runs free from <bos>, greedy (argmax fed back) until <eos> or the stored
// target length, or sampled at a temperature with a seed.
import type { ParsedTable } from '../data/csv'
import { encode } from '../data/encoder'
import { textCell } from '../data/encode-tokens'
import { EOS, SPECIAL_TOKENS, tokenize } from '../data/tokens'
import { fittedOf } from './fitted'
import { lineOfRow } from '../data/windows'
import { predict } from '../trainer'
import type { SavedModel } from '../protocol'
import { InputError } from '../../src-shared/errors'
import { sourceTokensOf, targetTokensOf } from '../../src-shared/contract'
import type { CsvCell } from './predictions-csv'
import { experimentOf, optionalColumn, requireColumns } from './predict-columns'
import { PredictionColumns, type PredictionTable } from './predict-output'
import { referencePredict, specOf } from '../export/spec'

export interface TextInputs {
  /** data rows (0-based) that get a prediction */
  rows: number[]
  texts: string[]
  /** (n, tx) token ids */
  x: Float32Array
  warnings: string[]
}

/** Token ids of the model's text column for every usable row of a new file. */
export function textInputs(model: SavedModel, table: ParsedTable): TextInputs {
  const exp = experimentOf(model, 'predict')
  const s = specOf(model)
  if (!exp.text) throw new InputError('predict: this model was not trained on a text column')
  const vocab = model.vocab?.inputVocab
  if (!vocab?.length || vocab.length !== s.inputSize)
    throw new Error(`model: the input vocabulary has ${vocab?.length ?? 0} tokens but the network reads ${s.inputSize}`)
  const [k] = requireColumns(table, [{ name: exp.text, role: 'text' }])
  const e = encode(
    table,
    { layout: 'tokens', text: exp.text, tokens: sourceTokensOf(exp), missing: exp.missing },
    fittedOf(model, s)
  )
  const rows = e.rows!
  return { rows, texts: rows.map((r) => textCell(table, k!, r)!), x: e.x, warnings: e.warnings }
}

/** Decoded token ids: stops at <eos>, leaves out the other special tokens; words joined by spaces. */
export function decodeTokens(
  ids: ArrayLike<number>,
  from: number,
  len: number,
  vocab: readonly string[],
  word: boolean
): string {
  let text = ''
  for (let t = 0; t < len; t++) {
    const id = ids[from + t]!
    if (id === EOS) break
    if (id < SPECIAL_TOKENS.length) continue
    text += (word && text ? ' ' : '') + (vocab[id] ?? '')
  }
  return text
}

export function predictText(
  model: SavedModel,
  table: ParsedTable,
  opts: { temperature?: number; seed?: number } = {}
): PredictionTable {
  const exp = experimentOf(model, 'predict')
  const s = specOf(model)
  const inp = textInputs(model, table)
  const n = inp.rows.length,
    textCol = exp.text!
  const tk = optionalColumn(table, model.target)
  const lead = (k: number): CsvCell[] => [lineOfRow(table, inp.rows[k]!), inp.texts[k]!]
  if (s.mapping === 'many-to-one') {
    if (opts.temperature !== undefined)
      throw new InputError(`--temperature samples generated text; this model classifies texts (many-to-one)`)
    const y = n ? referencePredict(model, inp.x, n, s) : new Float32Array(0)
    const out = new PredictionColumns(model, table, s.outputSize)
    const rows = inp.rows.map((r, k) => [...lead(k), ...out.cells(y, k * s.outputSize, out.actual(table, r))])
    return {
      header: ['line', textCol, ...out.header()],
      rows,
      warnings: [...inp.warnings, ...out.warnings()],
      score: out.score()
    }
  }
  if (s.mapping !== 'seq2seq' || s.task !== 'classification')
    throw new Error(`text models are many-to-one or seq2seq; this model's mapping is ${s.mapping}`)
  const vocab = model.vocab?.targetVocab
  if (!vocab?.length || vocab.length !== s.outputSize)
    throw new Error(
      `model: the target vocabulary has ${vocab?.length ?? 0} tokens but the network writes ${s.outputSize}`
    )
  const word = targetTokensOf(exp) === 'word'
  const ids = n
    ? predict(
        model.trainConfig,
        {
          mapping: 'seq2seq',
          task: 'classification',
          inputSize: s.inputSize,
          outputSize: s.outputSize,
          tx: s.tx,
          ty: s.ty,
          tokens: true,
          n,
          x: inp.x
        },
        model.weights,
        { temperature: opts.temperature, seed: opts.seed }
      ).classes!
    : new Int32Array(0)
  const t = model.target
  const header = ['line', textCol, `predicted_${t}`, ...(tk >= 0 ? [`actual_${t}`, 'correct'] : [])]
  let count = 0,
    right = 0
  const rows = inp.rows.map((r, k) => {
    const text = decodeTokens(ids, k * s.ty, s.ty, vocab, word)
    const row: CsvCell[] = [...lead(k), text]
    if (tk >= 0) {
      const a = textCell(table, tk, r)
      // the true text as the model would write it: its tokens joined like a decoded output
      const truth = a === null ? null : tokenize(a, word ? 'word' : 'char').join(word ? ' ' : '')
      row.push(a, truth === null ? null : truth === text)
      if (truth !== null) {
        count++
        if (truth === text) right++
      }
    }
    return row
  })
  const warnings = inp.warnings.slice()
  return { header, rows, warnings, score: count ? { target: t, count, accuracy: right / count } : null }
}
