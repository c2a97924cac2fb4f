// The CLI flags that describe an experiment (data mapping, model, training) and how they become a config.
import type { ExperimentConfigInput } from '../src-shared/contract'

export class UsageError extends Error {
  override name = 'UsageError'
}

export const configFlags = {
  dataset: { type: 'string' },
  csv: { type: 'string' },
  name: { type: 'string' },
  // data mapping
  mapping: { type: 'string' },
  task: { type: 'string' },
  target: { type: 'string' },
  inputs: { type: 'string' },
  window: { type: 'string' },
  horizon: { type: 'string' },
  stride: { type: 'string' },
  gap: { type: 'string' },
  'group-by': { type: 'string' },
  'order-by': { type: 'string' },
  text: { type: 'string' },
  source: { type: 'string' },
  'target-text': { type: 'string' },
  condition: { type: 'string' },
  tokens: { type: 'string' },
  'source-tokens': { type: 'string' },
  'target-tokens': { type: 'string' },
  difference: { type: 'string' },
  'seasonal-difference': { type: 'string' },
  'max-length': { type: 'string' },
  normalize: { type: 'string' },
  split: { type: 'string' },
  missing: { type: 'string' },
  // model
  cell: { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  dropout: { type: 'string' },
  bidirectional: { type: 'boolean' },
  // training
  epochs: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  'weight-decay': { type: 'string' },
  momentum: { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  clip: { type: 'string' },
  tbptt: { type: 'string' },
  'early-stopping': { type: 'string' },
  schedule: { type: 'string' },
  'nan-policy': { type: 'string' },
  precision: { type: 'string' },
  init: { type: 'string' }
} as const

export type ConfigFlagValues = {
  [K in keyof typeof configFlags]?: (typeof configFlags)[K]['type'] extends 'boolean' ? boolean : string
}

export const CONFIG_USAGE = `  data: --mapping one-to-one|one-to-many|many-to-one|many-to-many|seq2seq (default many-to-one)
        --task regression|classification|generation   --target COL   --inputs A,B
        series: --window N --horizon N (seq2seq) --stride N --gap N
                --difference 1 (predict the change) --seasonal-difference P (change from one period earlier)
                --group-by COL [--order-by COL] with --window: windows within each id (one model, many series)
        grouped: --group-by COL [--order-by COL] [--max-length N]
        text: --text COL (+ --target LABEL) | --source COL --target-text COL (seq2seq)
              | --text ITEMS --task generation [--condition COL] (one-to-many)
              --tokens char|word (both sides) --source-tokens char|word --target-tokens char|word
        --normalize zscore|minmax|none  --split FRACTION (validation share, default 0.2)
        --missing report|drop|ffill|mean (default report: refuse missing cells, naming them)
  model: --cell lstm|gru|rnn_tanh|rnn_relu --hidden H --layers L --dropout P --bidirectional
  training: --epochs E --lr X --optimizer adam|sgd|momentum|rmsprop --batch B --seed S --clip NORM
        --tbptt K --early-stopping PATIENCE --schedule none|step|cosine|plateau --weight-decay W
        --nan-policy fail|revert --precision float32|float64 (default float32)
        --init default|pytorch (default: Xavier + orthogonal; pytorch: PyTorch 1.13's U(±1/√H))`

export function num(v: string | undefined, flag: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined
  const x = Number(v)
  if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new UsageError(`${flag}: "${v}" is not ${integer ? 'an integer' : 'a number'}`)
  }
  return x
}

export function need<T>(v: T | undefined, flag: string): T {
  if (v === undefined) throw new UsageError(`${flag} is required`)
  return v
}

function oneOf<T extends string>(v: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined
  if (!allowed.includes(v as T)) throw new UsageError(`${flag}: "${v}" is not one of ${allowed.join(', ')}`)
  return v as T
}

const list = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : []

/** Flags → config. Values are checked against the contract later; here only their syntax. */
export function configFromFlags(v: ConfigFlagValues): ExperimentConfigInput {
  const mapping =
    oneOf(v.mapping, '--mapping', ['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'seq2seq'] as const) ??
    'many-to-one'
  const task = oneOf(v.task, '--task', ['regression', 'classification', 'generation'] as const)
  let target = v.target,
    text = v.text
  if (v.source !== undefined || v['target-text'] !== undefined) {
    text = need(v.source, '--source (with --target-text)')
    target = need(v['target-text'], '--target-text (with --source)')
  } else if (mapping === 'one-to-many' || task === 'generation') {
    target = target ?? need(text, '--text (the column of items to generate)')
    text = undefined
  }
  const window = num(v.window, '--window', true)
  return {
    mapping,
    task,
    // --group-by with --window: sliding windows within each id rather than one sequence per id
    source: v['group-by'] !== undefined && window !== undefined ? 'series' : undefined,
    target: need(target, '--target'),
    inputs: list(v.inputs),
    // sliding windows over a series need their length; grouped, text and row data do not
    window:
      window ??
      (mapping !== 'one-to-one' && mapping !== 'one-to-many' && !text && !v['group-by']
        ? need(undefined, '--window')
        : undefined),
    horizon: num(v.horizon, '--horizon', true),
    stride: num(v.stride, '--stride', true),
    gap: num(v.gap, '--gap', true),
    groupBy: v['group-by'],
    orderBy: v['order-by'],
    text,
    condition: v.condition,
    tokens: oneOf(v.tokens, '--tokens', ['char', 'word'] as const),
    sourceTokens: oneOf(v['source-tokens'], '--source-tokens', ['char', 'word'] as const),
    targetTokens: oneOf(v['target-tokens'], '--target-tokens', ['char', 'word'] as const),
    difference: num(v.difference, '--difference', true),
    seasonalDifference: num(v['seasonal-difference'], '--seasonal-difference', true),
    maxLength: num(v['max-length'], '--max-length', true),
    normalize: oneOf(v.normalize, '--normalize', ['zscore', 'minmax', 'none'] as const),
    missing: oneOf(v.missing, '--missing', ['report', 'drop', 'ffill', 'mean'] as const),
    valFraction: num(v.split, '--split', false),
    model: {
      cell: oneOf(v.cell, '--cell', ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const) ?? 'lstm',
      hiddenSize: need(num(v.hidden, '--hidden', true), '--hidden'),
      numLayers: num(v.layers, '--layers', true),
      dropout: num(v.dropout, '--dropout', false),
      bidirectional: v.bidirectional
    },
    optimizer: {
      kind: oneOf(v.optimizer, '--optimizer', ['adam', 'sgd', 'momentum', 'rmsprop'] as const),
      lr: need(num(v.lr, '--lr', false), '--lr'),
      weightDecay: num(v['weight-decay'], '--weight-decay', false),
      momentum: num(v.momentum, '--momentum', false)
    },
    schedule: v.schedule
      ? { kind: oneOf(v.schedule, '--schedule', ['none', 'step', 'cosine', 'plateau'] as const)! }
      : undefined,
    epochs: need(num(v.epochs, '--epochs', true), '--epochs'),
    batchSize: num(v.batch, '--batch', true),
    seed: num(v.seed, '--seed', true),
    clipNorm: num(v.clip, '--clip', false),
    tbptt: num(v.tbptt, '--tbptt', true),
    earlyStopping: num(v['early-stopping'], '--early-stopping', true),
    nanPolicy: oneOf(v['nan-policy'], '--nan-policy', ['fail', 'revert'] as const),
    precision: oneOf(v.precision, '--precision', ['float32', 'float64'] as const),
    init: oneOf(v.init, '--init', ['default', 'pytorch'] as const)
  }
}
