// One encoder for training and serving: `encode(table, mapping, fitted)` turns a file's rows into the network's
// inputs. Fitting (normalisation statistics, fill values, vocabularies, conditions, the number of steps) happens once,
// on the training split, in the sequence builders; a saved model keeps what was fitted, and inference rebuilds it
// with `fittedOf` (src-worker/inference/fitted.ts). Training and `predict` then call this same function, so the same
// rows give bit-identical tensors in both. Training names the items of each split (`rows`, `ids`, `starts`);
// inference leaves them out and gets every usable item of the file. Targets are not encoded here: they exist only in
// training (and, for scoring, are read back in the user's units).
import type { ParsedTable } from './csv'
import type { MissingPolicy } from './windows'
import type { TokenMode } from './tokens'
import { encodeRowsOf, encodeSequencesOf } from './encode-values'
import { encodeWindowsOf, type EncodedWindows } from './encode-windows'
import { encodeConditionsOf, encodeTokensOf } from './encode-tokens'

/** What fitting learned on the training split. */
export interface Fitted {
  /** value inputs, in input order: x′ = (x − a) / b */
  scale: { a: number[]; b: number[] }
  /** the mean policy's fill value of each input column (the training mean) */
  fill?: number[]
  /** token inputs: the vocabulary (ids 0..3 = <pad> <unk> <bos> <eos>) */
  vocab?: string[]
  /** generators: the condition at each one-hot position */
  conditions?: string[]
  /** steps the network reads: sequences are cut to their last `tx` rows, texts to their first `tx` tokens */
  tx: number
}

/** Every row is one input vector (one-to-one). */
export interface RowsMapping {
  layout: 'rows'
  inputs: string[]
  missing: MissingPolicy
  /** the rows to encode (training: a split's rows); absent: every row with usable inputs */
  rows?: number[]
}

/** One sequence per id, ordered by a column (grouped many-to-one and many-to-many). */
export interface SequencesMapping {
  layout: 'sequences'
  inputs: string[]
  missing: MissingPolicy
  groupBy: string
  orderBy?: string
  duplicates?: 'report' | 'keep'
  /** the sequences to encode (training: a split's ids); absent: every sequence with a usable row */
  ids?: string[]
  /** rows the caller leaves out besides those with a missing input (training, missing drop: a missing target) */
  skip?: Uint8Array | null
}

/** Sliding windows over one series, or over each group's series (many-to-one, many-to-many, seq2seq). */
export interface WindowsMapping {
  layout: 'windows'
  inputs: string[]
  missing: MissingPolicy
  /** the target columns: an input that is a target's own past is differenced as the target is */
  targets: string[]
  task: 'regression' | 'classification'
  /** lags of the differences the model reads and predicts (empty: the values) */
  lags: number[]
  groupBy?: string
  orderBy?: string
  /** the windows to encode by their first position in series order (training: a split's windows); absent: all */
  starts?: number[]
}

/** A text column split into tokens (text classification and text seq2seq). */
export interface TokensMapping {
  layout: 'tokens'
  text: string
  tokens: TokenMode
  missing: MissingPolicy
  /** the rows to encode (training: a split's rows); absent: every row with text */
  rows?: number[]
}

/** A generator's condition as a one-hot (one-to-many); without a condition column, a single 1. */
export interface ConditionsMapping {
  layout: 'conditions'
  condition?: string
  rows: number[]
}

export type InputMapping = RowsMapping | SequencesMapping | WindowsMapping | TokensMapping | ConditionsMapping

/** A file's inputs as the network reads them. */
export interface Encoded {
  n: number
  /** (n, tx, I) values, or (n, tx) token ids */
  x: Float32Array
  /** rows, tokens, conditions: the data row (0-based) of each item */
  rows?: number[]
  /** sequences: the id and the rows (time order, after the policy and the cut) of each item */
  ids?: string[]
  sequences?: number[][]
  /** sequences and tokens: the real steps of each item */
  lengths?: Int32Array
  /** windows: everything the series forecasts need (positions, columns, windows) */
  windows?: EncodedWindows
  /** tokens: how many texts were cut to `tx` */
  cut?: number
  warnings: string[]
}

export function encode(table: ParsedTable, mapping: InputMapping, fitted: Fitted): Encoded {
  switch (mapping.layout) {
    case 'rows':
      return encodeRowsOf(table, mapping, fitted)
    case 'sequences':
      return encodeSequencesOf(table, mapping, fitted)
    case 'windows':
      return encodeWindowsOf(table, mapping, fitted)
    case 'tokens':
      return encodeTokensOf(table, mapping, fitted)
    case 'conditions':
      return encodeConditionsOf(table, mapping, fitted)
  }
}
