// What each data mapping needs: the sources it can read, which columns fit which role, per-mapping
// defaults, and the form's field checks (the contract's bounds and its cross-field rules, in words).
import type { MappingKind } from '../../../src-shared/contract'
import type { ColumnInfo } from './types'

export type Source = 'series' | 'grouped' | 'text' | 'rows'

export const MAPPINGS: { kind: MappingKind; title: string; blurb: string }[] = [
  { kind: 'one-to-one', title: 'One to one', blurb: 'one row in, one value out' },
  { kind: 'one-to-many', title: 'One to many', blurb: 'generate a sequence' },
  { kind: 'many-to-one', title: 'Many to one', blurb: 'a sequence in, one value out' },
  { kind: 'many-to-many', title: 'Many to many (aligned)', blurb: 'an output at every step' },
  { kind: 'seq2seq', title: 'Many to many (Tx ≠ Ty)', blurb: 'encoder–decoder, seq2seq' }
]

export const SOURCE_LABEL: Record<Source, string> = {
  series: 'Series windows',
  grouped: 'Grouped by id',
  text: 'Text column',
  rows: 'Rows'
}

/** The sources each mapping can read (contract superRefine), the usual one first. */
export function sourcesOf(m: MappingKind): Source[] {
  switch (m) {
    case 'one-to-one':
      return ['rows']
    case 'one-to-many':
      return ['text']
    case 'many-to-one':
      return ['series', 'grouped', 'text']
    case 'many-to-many':
      return ['series', 'grouped']
    case 'seq2seq':
      return ['text', 'series']
  }
}

/** The source to start a mapping with: the usual one whose columns this dataset has. */
export function bestSource(m: MappingKind, columns: ColumnInfo[]): Source {
  const has = (s: Source) => {
    const r = columnsFor(columns, m, s)
    if (s === 'text') return r.text.length > 0 && (m === 'one-to-many' || r.target.length > 0)
    if (s === 'grouped') return r.groupBy.length > 0 && r.inputs.length > 0
    return r.target.length > 0
  }
  return sourcesOf(m).find(has) ?? sourcesOf(m)[0]!
}

/** Model and training defaults that suit a mapping (text: larger state, smaller steps). */
export function defaultsFor(m: MappingKind, s: Source): { hiddenSize: number; lr: number; batchSize: number } {
  return s === 'text' || m === 'one-to-many'
    ? { hiddenSize: 64, lr: 0.005, batchSize: 32 }
    : { hiddenSize: 32, lr: 0.01, batchSize: 32 }
}

export interface Roles {
  target: ColumnInfo[]
  preferredTarget?: string
  inputs: ColumnInfo[]
  text: ColumnInfo[]
  condition: ColumnInfo[]
  groupBy: ColumnInfo[]
  orderBy: ColumnInfo[]
}

/** Which columns fit each role. */
export function columnsFor(columns: ColumnInfo[], m: MappingKind, s: Source): Roles {
  const numeric = columns.filter((c) => c.type === 'numeric')
  const labels = columns.filter((c) => c.type === 'numeric' || c.type === 'categorical')
  const words = columns.filter((c) => c.type !== 'numeric' && c.type !== 'datetime')
  const r: Roles = {
    target: labels,
    inputs: numeric,
    text: words,
    condition: columns.filter((c) => c.type === 'categorical'),
    groupBy: columns.filter((c) => c.type === 'categorical' || c.type === 'id' || c.type === 'numeric'),
    orderBy: columns.filter((c) => c.type === 'numeric' || c.type === 'datetime')
  }
  if (s === 'text') {
    r.inputs = []
    // one-to-many: the items; seq2seq: the target text; many-to-one: a label
    r.target = m === 'many-to-one' ? labels : words
    r.preferredTarget = m === 'many-to-one' ? undefined : words.find((c) => c.type === 'text')?.name
  } else {
    r.preferredTarget = preferredNumericTarget(numeric)?.name
  }
  return r
}

const LABEL_NAME = /^(y|target|label|class|outcome|output)$|(^|[_\s-])(target|label)$/i
const INDEX_NAME = /^(id|idx|index|row|no|year|yr|month|day|date|time|t)$|(^|[_\s-])(id|index|year)$/i
/** Whole numbers between 1000 and 2200: a year column, never worth predicting by default. */
const yearLike = (c: ColumnInfo) =>
  c.min != null && c.max != null && Number.isInteger(c.min) && Number.isInteger(c.max) && c.min >= 1000 && c.max <= 2200

/** The default target: a column named like a label or target, else the last numeric one that is not an index or a
 * year, else the first numeric one. */
export function preferredNumericTarget(numeric: ColumnInfo[]): ColumnInfo | undefined {
  return (
    numeric.find((c) => LABEL_NAME.test(c.name)) ??
    numeric.findLast((c) => !INDEX_NAME.test(c.name) && !yearLike(c)) ??
    numeric[0]
  )
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x)
const intIn = (x: unknown, lo: number, hi: number) => isInt(x) && x >= lo && x <= hi
const numIn = (x: unknown, lo: number, hi: number) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi

interface FormView {
  mapping: MappingKind
  source: Source
  target: string
  inputs: string[]
  text: string
  groupBy: string
  window: number | null
  horizon: number | null
  stride: number | null
  gap: number | null
  predict: string
  seasonalDifference: number | null
  maxLength: number | null
  valFraction: number | null
  hiddenSize: number | null
  numLayers: number | null
  dropout: number | null
  epochs: number | null
  lr: number | null
  batchSize: number | null
  seed: number | null
  clipNorm: number | null
  tbptt: number | null
  earlyStopping: number | null
  weightDecay: number | null
  momentum: number | null
  stepSize: number | null
  gamma: number | null
  patience: number | null
  factor: number | null
  optimizer: string
  schedule: string
  rows: number
  roles: Roles
  task: string
  columns: ColumnInfo[]
}

/** Field → what is wrong with it, in words. */
export function fieldProblems(f: FormView): Partial<Record<string, string>> {
  const p: Record<string, string> = {}
  const s = f.source,
    m = f.mapping
  const whole = (k: keyof FormView, lo: number, hi: number) => {
    if (!intIn(f[k], lo, hi)) p[k] = `a whole number from ${lo} to ${hi}`
  }
  if (!f.target)
    p.target = f.roles.target.length
      ? 'choose the target column'
      : "no column of this dataset fits this mapping's target"
  else if (!f.roles.target.some((c) => c.name === f.target)) p.target = `"${f.target}" cannot be the target here`
  const targetType = f.columns.find((c) => c.name === f.target)?.type
  if (f.task === 'regression' && targetType && targetType !== 'numeric')
    p.target = `"${f.target}" is ${targetType}: regression needs a numeric target`
  if (s !== 'text' && targetType === 'categorical' && f.inputs.length === 0)
    p.inputs = 'a class target needs at least one numeric input column'
  if (s === 'rows' && f.inputs.length === 0) p.inputs = 'choose at least one numeric input column'
  if (s === 'grouped' && f.inputs.length === 0) p.inputs = 'choose at least one numeric input column'
  if (s === 'text' && m !== 'one-to-many' && !f.text) p.text = 'choose the text column'
  if (s === 'text' && f.text && f.text === f.target) p.text = 'the text and the target must be different columns'
  if (s === 'grouped' && !f.groupBy) p.groupBy = 'choose the column that names each sequence'
  if (s === 'series') {
    const trainRows = Math.floor(f.rows * (1 - (f.valFraction ?? 0.2)))
    if (!intIn(f.window, 1, 4096)) p.window = 'a whole number from 1 to 4096'
    else if (f.rows > 0 && f.window! >= trainRows) p.window = `must be below ${trainRows} (the training rows)`
    if (m === 'seq2seq') whole('horizon', 1, 1024)
    whole('stride', 1, 100_000)
    whole('gap', 0, 100_000)
    if (f.seasonalDifference !== null) whole('seasonalDifference', 2, 100_000)
    if ((f.predict === 'change' || f.seasonalDifference) && f.gap) p.gap = 'predicting the change needs gap 0'
  }
  if ((s === 'text' || s === 'grouped') && f.maxLength !== null) whole('maxLength', 1, 4096)
  if (!numIn(f.valFraction, 0.05, 0.5)) p.valFraction = 'a share from 0.05 to 0.5'
  whole('hiddenSize', 1, 1024)
  whole('numLayers', 1, 4)
  if (!numIn(f.dropout, 0, 0.9)) p.dropout = 'from 0 to 0.9'
  whole('epochs', 1, 100_000)
  if (typeof f.lr !== 'number' || !(f.lr > 0) || f.lr > 10) p.lr = 'a number above 0, at most 10'
  whole('batchSize', 1, 4096)
  whole('seed', 0, 2 ** 31 - 1)
  if (!numIn(f.clipNorm, 0, 1e6)) p.clipNorm = '0 (off) or a positive norm'
  whole('tbptt', 0, 4096)
  whole('earlyStopping', 0, 1000)
  if (!numIn(f.weightDecay, 0, 1)) p.weightDecay = 'from 0 to 1'
  if (f.optimizer === 'momentum' && !numIn(f.momentum, 0, 0.999)) p.momentum = 'from 0 to 0.999'
  if (f.schedule === 'step') {
    whole('stepSize', 1, 100_000)
    if (!numIn(f.gamma, 1e-9, 1)) p.gamma = 'above 0, at most 1'
  }
  if (f.schedule === 'plateau') {
    whole('patience', 1, 1000)
    if (!numIn(f.factor, 1e-9, 1)) p.factor = 'above 0, at most 1'
  }
  return p
}
