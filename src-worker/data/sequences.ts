/**
 * Sequence builders for every mapping. All return sample-major Float32Arrays in the WindowedData convention:
 *   x: (n, tx, I)  — or (n, tx) token ids when `inputEncoding` is 'token-ids' (then I = vocabulary size)
 *   y: regression (n, ty, O) / classification or tokens (n, ty) class / token ids as floats
 *   mask: (n, ty) 1 = real step, 0 = padding (only for variable-length outputs)
 *   lengths: (n) real input steps (sequences are left-aligned and padded at the end)
 * Normalisers and vocabularies are fitted on the training split only. Splits: chronological for one long
 * series (windows never cross the boundary), random by sequence/row with a seed otherwise.
 */
import type { ParsedTable } from './csv'
import { parseDatetime } from './csv'
import { fitNormalizer, identityNormalizer, type NormKind, type Normalizer } from './normalize'
import { checkLags } from './target-transform'
import { encode, type Fitted, type WindowsMapping } from './encoder'
import { meanOver, prepareInputs } from './input-missing'
import { encodeWindowTargets, seriesColumns, type SeriesRows } from './series-encode'
import {
  applyMissingPolicy,
  checkFraction,
  checkInt,
  checkWindowMemory,
  columnIndex,
  lineOfRow,
  numericColumn,
  trainRowsOf,
  windowStarts,
  type MissingPolicy
} from './windows'

export type Mapping = 'many-to-one' | 'seq2seq' | 'many-to-many' | 'one-to-many' | 'one-to-one'
export type Task = 'regression' | 'classification'

export interface SequenceSplit {
  n: number
  x: Float32Array
  y: Float32Array
  /** (n, ty): 1 = real target step, 0 = padding */
  mask?: Float32Array
  /** (n): real input steps of each sample */
  lengths?: Int32Array
  /** seq2seq / generation with tokens: decoder input for teacher forcing, (n, ty) = <bos> + y shifted right */
  yIn?: Float32Array
  /** grouped data: the sequence id of each sample */
  ids?: string[]
  /** the data row (0-based) each one-to-one / text sample comes from */
  rows?: Int32Array
  /** series windows: the first row (0-based) of each window */
  starts?: Int32Array
}

export interface SamplePreview {
  /** tx rows of I values (token ids for token inputs), padding left out */
  x: number[][]
  /** ty rows of O values (regression) or ty class / token ids */
  y: number[][] | number[]
  xText?: string
  yText?: string
  label?: string
}

export interface SequenceData {
  mapping: Mapping
  task: Task
  inputSize: number
  outputSize: number
  tx: number
  ty: number
  inputEncoding: 'values' | 'token-ids'
  train: SequenceSplit
  val: SequenceSplit
  inputNorm: Normalizer
  targetNorm: Normalizer
  /** classification: class id k means classes[k] */
  classes?: string[]
  /** one-to-many generation: one-hot position k of x means conditions[k] */
  conditions?: string[]
  /** token ids: id k means vocab[k]; ids 0..3 are <pad> <unk> <bos> <eos> */
  inputVocab?: string[]
  targetVocab?: string[]
  shapes: { x: number[]; y: number[]; mask?: number[] }
  preview: SamplePreview[]
  warnings: string[]
  /**
   * series windows: the target columns after the missing-value policy (in their own units) and where a window's
   * targets start (row start + yStart), for metrics and baselines in the user's units
   */
  series?: { columns: Float64Array[]; yStart: number }
  /** series targets: lags of the differences the model predicts (target-transform.ts); absent = the values */
  difference?: number[]
}

export interface RandomSplit {
  /** share of sequences / rows for validation (default 0.2) */
  valFraction?: number
  /** seed of the shuffle (default 1) */
  seed?: number
}

// ---------------------------------------------------------------------------------------------
// helpers

/** mulberry32: small seeded PRNG in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Seeded random split of n items: [train indices, val indices], each sorted ascending. */
export function randomSplit(n: number, valFraction: number, seed: number): [number[], number[]] {
  const idx = Array.from({ length: n }, (_, k) => k)
  const r = rng(seed)
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1))
    const t = idx[k]!
    idx[k] = idx[j]!
    idx[j] = t
  }
  let nVal = Math.round(n * valFraction)
  if (valFraction > 0 && nVal === 0 && n >= 2) nVal = 1
  if (nVal >= n) nVal = n - 1
  const val = idx.slice(0, nVal).sort((a, b) => a - b)
  const train = idx.slice(nVal).sort((a, b) => a - b)
  return [train, val]
}

export function stringColumn(table: ParsedTable, name: string, role: string): (string | null)[] {
  const k = columnIndex(table, name, role)
  const v = table.values[k]!
  if (v instanceof Float64Array) return Array.from(v, (x) => (Number.isNaN(x) ? null : String(x)))
  return v
}

export interface TargetInfo {
  task: Task
  /** regression: one numeric column per output; classification: class id per row (NaN = missing) */
  cols: Float64Array[]
  classes?: string[]
}

/** Numeric target columns -> regression; a categorical/text/id target (or task 'classification') -> class ids. */
export function resolveTargets(table: ParsedTable, targets: string[], task?: Task): TargetInfo {
  if (targets.length === 0) throw new Error('no target column chosen')
  const kinds = targets.map((t) => table.values[columnIndex(table, t, 'target')] instanceof Float64Array)
  const cls = task === 'classification' || (task === undefined && !kinds[0])
  if (!cls) return { task: 'regression', cols: targets.map((t) => numericColumn(table, t, 'target')) }
  if (targets.length !== 1) throw new Error(`classification takes one target column (got ${targets.length})`)
  const v = stringColumn(table, targets[0]!, 'target')
  const classes = [...new Set(v.filter((s): s is string => s !== null))].sort()
  if (classes.length < 2)
    throw new Error(
      `target column "${targets[0]}" has ${classes.length} class${classes.length === 1 ? '' : 'es'}; classification needs at least 2`
    )
  const id = new Map(classes.map((c, k) => [c, k]))
  const col = new Float64Array(v.length)
  for (let r = 0; r < v.length; r++) col[r] = v[r] === null ? NaN : id.get(v[r]!)!
  return { task: 'classification', cols: [col], classes }
}

function noMeanForClasses(cls: boolean, policy: string, labels: Float64Array, name: string): void {
  if (cls && policy === 'mean' && labels.some(Number.isNaN)) {
    throw new Error(
      `target column "${name}" has missing labels: policy "mean" cannot fill class labels; use drop or ffill`
    )
  }
}

/** The columns with each gap filled by its column's mean over `rows` (the training rows), and those means. */
export function fillWithMeans(
  cols: Float64Array[],
  names: string[],
  rows: ArrayLike<number>
): { cols: Float64Array[]; means: number[] } {
  const means = cols.map((c, j) => {
    const m = meanOver(c, rows)
    if (Number.isNaN(m))
      throw new Error(`column "${names[j]}": every training value is missing; cannot fill with the mean`)
    return m
  })
  const filled = cols.map((c, j) => c.map((v) => (Number.isNaN(v) ? means[j]! : v)))
  return { cols: filled, means }
}

export function normFor(kind: NormKind, names: string[], cols: Float64Array[], rows: ArrayLike<number>): Normalizer {
  return kind === 'none' ? identityNormalizer(names) : fitNormalizer(kind, names, cols, rows)
}

export function shapesOf(
  n: number,
  tx: number,
  I: number,
  ty: number,
  O: number,
  tokensIn: boolean,
  cls: boolean,
  masked: boolean
) {
  const s: SequenceData['shapes'] = { x: tokensIn ? [n, tx] : [n, tx, I], y: cls ? [n, ty] : [n, ty, O] }
  if (masked) s.mask = [n, ty]
  return s
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4
}

/** A few (X, Y) pairs of a split, padding left out. */
function previewOf(
  s: SequenceSplit,
  tx: number,
  I: number,
  ty: number,
  O: number,
  cls: boolean,
  count = 3
): SamplePreview[] {
  const out: SamplePreview[] = []
  for (let k = 0; k < Math.min(count, s.n); k++) {
    const len = s.lengths ? s.lengths[k]! : tx
    const x: number[][] = []
    for (let t = 0; t < len; t++) x.push(Array.from(s.x.subarray((k * tx + t) * I, (k * tx + t + 1) * I), round))
    let yl = ty
    if (s.mask) {
      yl = 0
      for (let t = 0; t < ty; t++) if (s.mask[k * ty + t]) yl = t + 1
    }
    const y = cls
      ? Array.from(s.y.subarray(k * ty, k * ty + yl))
      : Array.from({ length: yl }, (_, t) => Array.from(s.y.subarray((k * ty + t) * O, (k * ty + t + 1) * O), round))
    out.push({ x, y })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 1. one long series: sliding windows

export interface SeriesSpec {
  mapping: 'many-to-one' | 'seq2seq' | 'many-to-many'
  /** regression: one or more numeric columns; classification: one categorical column */
  targets: string[]
  /** numeric input columns; empty = the targets (regression only) */
  inputs: string[]
  /** lookback Tx */
  window: number
  /** seq2seq: Ty target steps after the window (default 1; many-to-one always 1) */
  horizon?: number
  stride?: number
  /** rows between the end of the window and the first target row (default 0) */
  gap?: number
  /** many-to-many: target of input step t is row start + t + shift (default 1 for regression = next value, 0 for classification = same row) */
  shift?: number
  task?: Task
  missing?: MissingPolicy
  normalize?: NormKind
  /** lags of the differences the model predicts instead of the values (target-transform.ts), e.g. [1] or [12] */
  difference?: number[]
  /** windows within groups: the column naming each series (one model over many series) */
  groupBy?: string
  /** the order inside a group (numbers or dates/times; default file order) */
  orderBy?: string
}

/** The rows of a series spec in time order: one segment per group (`groupBy`), or the whole file. */
export function seriesRows(table: ParsedTable, spec: Pick<SeriesSpec, 'groupBy' | 'orderBy'>): SeriesRows {
  const T = table.rowCount
  if (!spec.groupBy) return { order: null, segments: [[0, T]], names: null, warnings: [] }
  const { groups, warnings } = groupRows(table, spec.groupBy, spec.orderBy)
  const order = new Int32Array(T),
    segments: [number, number][] = []
  let at = 0
  for (const g of groups.values()) {
    segments.push([at, at + g.length])
    for (const r of g) order[at++] = r
  }
  return { order, segments, names: [...groups.keys()], warnings }
}

/**
 * Window starts of every segment, split chronologically inside each: its first ⌊len·(1 − valFraction)⌋ rows train,
 * the rest (after the split gap) validate; no window crosses a segment's split or its end. Also the training rows.
 */
function splitWindows(
  rows: SeriesRows,
  span: number,
  stride: number,
  vf: number,
  sgap: number,
  bad: Uint8Array | null
) {
  const trainStarts: number[] = [],
    valStarts: number[] = [],
    trainRows: number[] = []
  for (const [from, to] of rows.segments) {
    const B = from + (vf > 0 ? Math.floor((to - from) * (1 - vf)) : to - from)
    if (rows.segments.length === 1) {
      const T = to - from
      if (B < span)
        throw new Error(`too few rows: ${T} rows give ${B} training rows, but one window needs ${span} rows`)
      if (vf > 0 && T - B - sgap < span)
        throw new Error(
          `too few rows for validation: ${T - B - sgap} validation rows, but one window needs ${span} rows`
        )
    }
    // (a loop, not push(...starts): a long series has more windows than a call takes arguments)
    for (const w of windowStarts(from, B, span, stride, bad)) trainStarts.push(w)
    if (vf > 0) for (const w of windowStarts(B + sgap, to, span, stride, bad)) valStarts.push(w)
    for (let r = from; r < B; r++) if (!bad || !bad[r]) trainRows.push(r)
  }
  if (trainStarts.length === 0) throw new Error('no complete training window')
  if (rows.order && vf > 0 && valStarts.length === 0)
    throw new Error('no complete validation window in any group: shorten the window or raise the validation share')
  return { trainStarts, valStarts, trainRows: Int32Array.from(trainRows) }
}

/** A series spec's window: horizon H, the rows one window covers, where its targets start, the difference lags. */
function windowGeometry(spec: SeriesSpec, W: number, gap: number, cls: boolean) {
  const H =
    spec.mapping === 'many-to-one' ? 1 : spec.mapping === 'seq2seq' ? checkInt(spec.horizon, 'horizon', 1, 1) : W
  const shift = spec.mapping === 'many-to-many' ? checkInt(spec.shift, 'shift', 0, cls ? 0 : 1) : 0
  const span = spec.mapping === 'many-to-many' ? W + shift : W + gap + H
  const yStart = spec.mapping === 'many-to-many' ? shift : W + gap
  const lags = checkLags(spec.difference ?? [])
  if (lags.length && cls) throw new Error('difference: class targets cannot be differenced (regression only)')
  if (lags.length && yStart > W) throw new Error('difference: the targets must directly follow the window (gap 0)')
  return { H, span, yStart, lags }
}

/** The columns of a series spec the encoder's windows need besides the inputs. */
const pick = ({ targets, groupBy, orderBy }: SeriesSpec) => ({ targets, groupBy, orderBy })

export function buildSeriesWindows(
  table: ParsedTable,
  spec: SeriesSpec,
  split: { valFraction?: number; gap?: number } = {}
): SequenceData {
  const W = checkInt(spec.window, 'window', 1, 1)
  const stride = checkInt(spec.stride, 'stride', 1, 1)
  const gap = checkInt(spec.gap, 'gap', 0, 0)
  const vf = checkFraction(split.valFraction, 0.2)
  const sgap = checkInt(split.gap, 'split gap', 0, 0)
  const tgt = resolveTargets(table, spec.targets, spec.task)
  const cls = tgt.task === 'classification'
  const { H, span, yStart, lags } = windowGeometry(spec, W, gap, cls)
  const inputs = spec.inputs.length ? spec.inputs : cls ? [] : spec.targets
  if (inputs.length === 0) throw new Error('choose at least one numeric input column for a classification target')
  if (new Set(inputs).size !== inputs.length) throw new Error('an input column is listed twice')
  const inRaw = inputs.map((nm) => numericColumn(table, nm, 'input'))
  const rows = seriesRows(table, spec)
  const names = [...spec.targets, ...inputs]
  const policy = spec.missing ?? 'report'
  // a class id cannot be filled with a mean: classification targets only support report / drop / ffill
  noMeanForClasses(cls, policy, tgt.cols[0]!, spec.targets[0]!)
  if (rows.order && (policy === 'ffill' || policy === 'mean'))
    throw new Error(`missing: windows within groups support the policies report and drop (got ${policy})`)
  const T = table.rowCount
  const fileB = vf > 0 ? Math.floor(T * (1 - vf)) : T
  const missing = applyMissingPolicy(table, names, [...tgt.cols, ...inRaw], policy, rows.order ? T : fileB)
  const nT = tgt.cols.length
  // the model's columns: differenced targets, and inputs that are a target's own past differenced alike
  const sc = seriesColumns(
    { targets: spec.targets, inputs },
    missing.cols.slice(0, nT),
    missing.cols.slice(nT),
    rows,
    lags,
    missing.bad
  )
  const { trainStarts, valStarts, trainRows } = splitWindows(rows, span, stride, vf, sgap, sc.bad)
  const kind = spec.normalize ?? 'zscore'
  const inputNorm = normFor(kind, inputs, sc.modelInputs, trainRows)
  const targetNorm = cls ? identityNormalizer(spec.targets) : normFor(kind, spec.targets, sc.modelTargets, trainRows)
  const I = inputs.length
  const O = cls ? tgt.classes!.length : spec.targets.length
  const Oy = cls ? 1 : O
  checkWindowMemory(trainStarts.length, Math.max(W, H), Math.max(I, Oy), 'training windows')
  if (policy === 'mean') inputNorm.fill = inRaw.map((c) => meanOver(c, trainRowsOf(fileB, null)))
  const fitted: Fitted = { scale: inputNorm, fill: inputNorm.fill, tx: W }
  const windows: WindowsMapping = { ...pick(spec), layout: 'windows', inputs, missing: policy, task: tgt.task, lags }
  const make = (starts: number[]): SequenceSplit => ({
    n: starts.length,
    x: encode(table, { ...windows, starts }, fitted).x,
    y: encodeWindowTargets(sc.modelTargets, starts, targetNorm, yStart, H),
    starts: Int32Array.from(starts)
  })
  const train = make(trainStarts)
  const val = make(valStarts)
  const res: SequenceData = {
    mapping: spec.mapping,
    task: tgt.task,
    inputSize: I,
    outputSize: O,
    tx: W,
    ty: H,
    inputEncoding: 'values',
    train,
    val,
    inputNorm,
    targetNorm,
    shapes: shapesOf(train.n, W, I, H, O, false, cls, false),
    preview: previewOf(train, W, I, H, Oy, cls),
    warnings: rows.warnings,
    series: { columns: sc.targets, yStart }
  }
  if (cls) res.classes = tgt.classes!
  if (lags.length) res.difference = lags
  return res
}

// ---------------------------------------------------------------------------------------------
// 2. grouped rows: one sequence per id

export interface GroupedSpec {
  /** 'many-to-one': one label per sequence (classification or regression); 'many-to-many': a target per step */
  mapping: 'many-to-one' | 'many-to-many'
  idColumn: string
  /** numeric or datetime column giving the order inside a sequence; default: file order */
  orderColumn?: string
  inputs: string[]
  target: string
  task?: Task
  /** longer sequences keep their LAST maxLength steps (default: no limit, padded to the longest) */
  maxLength?: number
  /** what to do with two rows of one sequence at the same time (default 'report' = refuse) */
  duplicates?: 'report' | 'keep'
  missing?: MissingPolicy
  normalize?: NormKind
}

/** Rows grouped into one sequence per id (ids in first-appearance order, interleaved ids are fine), each sorted by
 * the order column (numbers or dates/times) when one is given; two rows of one sequence at the same time are refused
 * unless duplicates is 'keep'. Used by buildGroupedSequences and by inference on a new file. */
export function groupRows(
  table: ParsedTable,
  idColumn: string,
  orderColumn?: string,
  duplicates: 'report' | 'keep' = 'report'
): { ids: (string | null)[]; groups: Map<string, number[]>; warnings: string[] } {
  const ids = stringColumn(table, idColumn, 'sequence id')
  const T = table.rowCount
  const warnings: string[] = []
  // order keys
  let order: Float64Array | null = null
  if (orderColumn) {
    const k = columnIndex(table, orderColumn, 'order')
    const v = table.values[k]!
    if (v instanceof Float64Array) order = v
    else {
      order = new Float64Array(T)
      for (let r = 0; r < T; r++) {
        const ms = v[r] === null ? NaN : parseDatetime(v[r]!, table.columns[k]!.dateFormat)
        if (Number.isNaN(ms)) {
          throw new Error(
            `line ${lineOfRow(table, r)}, column "${orderColumn}": ${v[r] === null ? 'missing order value' : `"${v[r]}" is not a number or a date/time`}`
          )
        }
        order[r] = ms
      }
    }
    for (let r = 0; r < T; r++) {
      if (Number.isNaN(order[r]!))
        throw new Error(`line ${lineOfRow(table, r)}, column "${orderColumn}": missing order value`)
    }
  }
  // group rows by id (interleaved ids are fine), in first-appearance order
  const groups = new Map<string, number[]>()
  for (let r = 0; r < T; r++) {
    const id = ids[r]
    if (id === null || id === undefined)
      throw new Error(`line ${lineOfRow(table, r)}, column "${idColumn}": missing sequence id`)
    let g = groups.get(id)
    if (!g) groups.set(id, (g = []))
    g.push(r)
  }
  let unsorted = 0
  if (order) {
    for (const [id, g] of groups) {
      let sorted = true
      for (let k = 1; k < g.length; k++)
        if (order[g[k]!]! < order[g[k - 1]!]!) {
          sorted = false
          break
        }
      if (!sorted) {
        unsorted++
        g.sort((a, b) => order![a]! - order![b]! || a - b)
      }
      for (let k = 1; k < g.length; k++) {
        if (order[g[k]!] === order[g[k - 1]!] && duplicates === 'report') {
          throw new Error(
            `line ${lineOfRow(table, g[k]!)}, column "${orderColumn}": sequence "${id}" has two rows at the same time (also line ${lineOfRow(table, g[k - 1]!)}); remove one or allow duplicates`
          )
        }
      }
    }
    if (unsorted)
      warnings.push(
        `${unsorted} sequence${unsorted === 1 ? ' was' : 's were'} not in time order and ${unsorted === 1 ? 'was' : 'were'} sorted by "${orderColumn}"`
      )
  }
  return { ids, groups, warnings }
}

/**
 * A grouped spec's columns (target first, then the inputs) with its missing-value policy applied within each
 * sequence: report refuses the first gap; drop flags the rows; ffill repeats the sequence's last value; mean fills
 * with the training rows' mean (the inputs' means are kept for inference).
 */
function groupedColumns(
  table: ParsedTable,
  spec: GroupedSpec,
  raw: Float64Array[],
  groups: Map<string, number[]>,
  trainRowList: number[]
): { cols: Float64Array[]; drop: Uint8Array | null; fill?: number[] } {
  const policy = spec.missing ?? 'report'
  const names = [spec.target, ...spec.inputs]
  if (policy === 'report') applyMissingPolicy(table, names, raw, 'report', 0)
  if (policy !== 'mean') return prepareInputs(table, names, raw, policy, undefined, [...groups.values()])
  const { cols, means } = fillWithMeans(raw, names, trainRowList)
  return { cols, drop: null, fill: means.slice(1) }
}

/** The samples of grouped sequences: inputs from the encoder, and the target of each step or of the last row. */
function groupedSamples(
  table: ParsedTable,
  spec: GroupedSpec,
  fitted: Fitted,
  prep: { tCol: Float64Array; drop: Uint8Array | null; targetNorm: Normalizer },
  ids: string[]
): SequenceSplit & { labelChanges: number } {
  const e = encode(
    table,
    {
      layout: 'sequences',
      inputs: spec.inputs,
      missing: spec.missing ?? 'report',
      groupBy: spec.idColumn,
      orderBy: spec.orderColumn,
      duplicates: spec.duplicates ?? 'report',
      ids,
      skip: prep.drop
    },
    fitted
  )
  const { tCol, targetNorm } = prep
  const tx = fitted.tx,
    many = spec.mapping === 'many-to-many',
    ty = many ? tx : 1
  const y = new Float32Array(e.n * ty)
  const mask = many ? new Float32Array(e.n * ty) : undefined
  let labelChanges = 0
  e.sequences!.forEach((g, k) => {
    if (mask)
      g.forEach((r, t) => {
        y[k * ty + t] = (tCol[r]! - targetNorm.a[0]!) / targetNorm.b[0]!
        mask[k * ty + t] = 1
      })
    else {
      const last = g[g.length - 1]!
      y[k] = (tCol[last]! - targetNorm.a[0]!) / targetNorm.b[0]!
      if (g.some((r) => tCol[r] !== tCol[last])) labelChanges++
    }
  })
  const s: SequenceSplit & { labelChanges: number } = {
    n: e.n,
    x: e.x,
    y,
    lengths: e.lengths!,
    ids: e.ids!,
    labelChanges
  }
  if (mask) s.mask = mask
  return s
}

export function buildGroupedSequences(table: ParsedTable, spec: GroupedSpec, split: RandomSplit = {}): SequenceData {
  const vf = checkFraction(split.valFraction, 0.2)
  const { groups, warnings } = groupRows(table, spec.idColumn, spec.orderColumn, spec.duplicates ?? 'report')
  if (groups.size < 2 && vf > 0)
    throw new Error(`column "${spec.idColumn}" has ${groups.size} sequence; a split needs at least 2`)
  const groupIds = [...groups.keys()]
  const [trIdx, vaIdx] = vf > 0 ? randomSplit(groupIds.length, vf, split.seed ?? 1) : [groupIds.map((_, k) => k), []]
  const trainRowList: number[] = []
  for (const k of trIdx) for (const r of groups.get(groupIds[k]!)!) trainRowList.push(r)
  const inputs = spec.inputs
  if (inputs.length === 0) throw new Error('choose at least one numeric input column')
  const inRaw = inputs.map((nm) => numericColumn(table, nm, 'input'))
  const tgt = resolveTargets(table, [spec.target], spec.task)
  const cls = tgt.task === 'classification'
  noMeanForClasses(cls, spec.missing ?? 'report', tgt.cols[0]!, spec.target)
  const { cols, drop, fill } = groupedColumns(table, spec, [...tgt.cols, ...inRaw], groups, trainRowList)
  const tCol = cols[0]!
  const iCols = cols.slice(1)
  if (spec.maxLength !== undefined) checkInt(spec.maxLength, 'maxLength', 1, 1)
  const seqRows = (id: string): number[] => {
    let g = groups.get(id)!
    if (drop) g = g.filter((r) => !drop[r])
    if (spec.maxLength !== undefined && g.length > spec.maxLength) g = g.slice(g.length - spec.maxLength)
    return g
  }
  const trainRows = trIdx.flatMap((k) => seqRows(groupIds[k]!))
  const kind = spec.normalize ?? 'zscore'
  const inputNorm = normFor(kind, inputs, iCols, trainRows)
  if (fill) inputNorm.fill = fill
  const targetNorm = cls ? identityNormalizer([spec.target]) : normFor(kind, [spec.target], [tCol], trainRows)
  let tx = 0
  for (const id of groupIds) tx = Math.max(tx, seqRows(id).length)
  if (tx === 0) throw new Error('every sequence is empty after dropping rows with missing values')
  const I = inputs.length
  const O = cls ? tgt.classes!.length : 1
  const ty = spec.mapping === 'many-to-one' ? 1 : tx
  checkWindowMemory(trIdx.length, tx, I, 'training sequences')
  const fitted: Fitted = { scale: inputNorm, fill, tx }
  const prep = { tCol, drop, targetNorm }
  const { labelChanges, ...train } = groupedSamples(
    table,
    spec,
    fitted,
    prep,
    trIdx.map((k) => groupIds[k]!)
  )
  const { labelChanges: valChanges, ...val } = groupedSamples(
    table,
    spec,
    fitted,
    prep,
    vaIdx.map((k) => groupIds[k]!)
  )
  const changes = labelChanges + valChanges
  if (changes)
    warnings.push(
      `${changes} sequence${changes === 1 ? '' : 's'} change${changes === 1 ? 's' : ''} label over time; the label of the last row is used`
    )
  const res: SequenceData = {
    mapping: spec.mapping,
    task: tgt.task,
    inputSize: I,
    outputSize: O,
    tx,
    ty,
    inputEncoding: 'values',
    train,
    val,
    inputNorm,
    targetNorm,
    shapes: shapesOf(train.n, tx, I, ty, O, false, cls, spec.mapping === 'many-to-many'),
    preview: previewOf(train, tx, I, ty, 1, cls),
    warnings
  }
  if (cls) res.classes = tgt.classes!
  return res
}

// ---------------------------------------------------------------------------------------------
// 4. one-to-one: each row an input vector and a target

export interface OneToOneSpec {
  inputs: string[]
  /** regression: numeric columns; classification: one categorical column */
  targets: string[]
  task?: Task
  missing?: 'report' | 'drop' | 'mean'
  normalize?: NormKind
}

export function buildOneToOne(table: ParsedTable, spec: OneToOneSpec, split: RandomSplit = {}): SequenceData {
  const vf = checkFraction(split.valFraction, 0.2)
  if (spec.inputs.length === 0) throw new Error('choose at least one numeric input column')
  const inRaw = spec.inputs.map((nm) => numericColumn(table, nm, 'input'))
  const tgt = resolveTargets(table, spec.targets, spec.task)
  const cls = tgt.task === 'classification'
  const T = table.rowCount
  const names = [...spec.targets, ...spec.inputs]
  const policy = spec.missing ?? 'report'
  noMeanForClasses(cls, policy, tgt.cols[0]!, spec.targets[0]!)
  if (policy === 'report') applyMissingPolicy(table, names, [...tgt.cols, ...inRaw], 'report', 0)
  const keep: number[] = []
  const used = [...tgt.cols, ...inRaw]
  for (let r = 0; r < T; r++) {
    if (policy === 'drop' && used.some((c) => Number.isNaN(c[r]!))) continue
    keep.push(r)
  }
  if (keep.length < (vf > 0 ? 2 : 1)) throw new Error(`too few rows: ${keep.length}`)
  const [trI, vaI] = vf > 0 ? randomSplit(keep.length, vf, split.seed ?? 1) : [keep.map((_, k) => k), []]
  const trRows = trI.map((k) => keep[k]!)
  const vaRows = vaI.map((k) => keep[k]!)
  const filled = policy === 'mean' ? fillWithMeans([...tgt.cols, ...inRaw], names, trRows) : null
  const cols = filled?.cols ?? [...tgt.cols, ...inRaw]
  const tCols = cols.slice(0, tgt.cols.length)
  const iCols = cols.slice(tgt.cols.length)
  const kind = spec.normalize ?? 'zscore'
  const inputNorm = normFor(kind, spec.inputs, iCols, trRows)
  const targetNorm = cls ? identityNormalizer(spec.targets) : normFor(kind, spec.targets, tCols, trRows)
  const I = spec.inputs.length
  const O = cls ? tgt.classes!.length : spec.targets.length
  const Oy = cls ? 1 : O
  if (filled) inputNorm.fill = filled.means.slice(tCols.length)
  const fitted: Fitted = { scale: inputNorm, fill: inputNorm.fill, tx: 1 }
  const make = (rows: number[]): SequenceSplit => {
    const n = rows.length
    const y = new Float32Array(n * Oy)
    rows.forEach((r, k) => {
      for (let j = 0; j < Oy; j++) y[k * Oy + j] = (tCols[j]![r]! - targetNorm.a[j]!) / targetNorm.b[j]!
    })
    const x = encode(table, { layout: 'rows', inputs: spec.inputs, missing: policy, rows }, fitted).x
    return { n, x, y, rows: Int32Array.from(rows) }
  }
  const train = make(trRows)
  const val = make(vaRows)
  const res: SequenceData = {
    mapping: 'one-to-one',
    task: tgt.task,
    inputSize: I,
    outputSize: O,
    tx: 1,
    ty: 1,
    inputEncoding: 'values',
    train,
    val,
    inputNorm,
    targetNorm,
    shapes: shapesOf(train.n, 1, I, 1, O, false, cls, false),
    preview: previewOf(train, 1, I, 1, Oy, cls),
    warnings: []
  }
  if (cls) res.classes = tgt.classes!
  return res
}

export type { MissingPolicy } from './windows'
export type { Normalizer, NormKind } from './normalize'
