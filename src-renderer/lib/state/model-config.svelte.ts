// The training form's state: the data mapping (which rows become which sequences), the model and the
// optimiser, with per-field checks that mirror the contract's bounds so that mistakes are shown next to
// the field before sending. Public surface used elsewhere: target, inputs, numeric, valid, problems,
// adaptTo, apply, toggleInput, toConfig (TrainPanel, TrainingCard and AppState rely on these names).
import type { CellKind, ColumnInfo, ExperimentConfigInput } from './types'
import { bestSource, columnsFor, defaultsFor, fieldProblems, sourcesOf, type Source } from './data-mapping.svelte'
import type { MappingKind } from '../../../src-shared/contract'
import { carryOver, type CarryOver, type DataSettings } from './carry-over'

export type { Source }
export type Field =
  | 'target'
  | 'inputs'
  | 'text'
  | 'groupBy'
  | 'window'
  | 'horizon'
  | 'stride'
  | 'gap'
  | 'maxLength'
  | 'valFraction'
  | 'hiddenSize'
  | 'numLayers'
  | 'dropout'
  | 'epochs'
  | 'lr'
  | 'batchSize'
  | 'seed'
  | 'clipNorm'
  | 'tbptt'
  | 'earlyStopping'
  | 'weightDecay'
  | 'momentum'
  | 'stepSize'
  | 'gamma'
  | 'patience'
  | 'factor'
export type TaskChoice = 'auto' | 'regression' | 'classification'
type Opt = NonNullable<ExperimentConfigInput['optimizer']['kind']>
type Sched = ExperimentConfigInput['schedule'] extends infer S ? (S extends { kind: infer K } ? K : never) : never

export class ModelConfig {
  // ---- data mapping
  mapping = $state<MappingKind>('many-to-one')
  source = $state<Source>('series')
  task = $state<TaskChoice>('auto')
  target = $state('')
  inputs = $state<string[]>([])
  window = $state<number | null>(12)
  horizon = $state<number | null>(3)
  stride = $state<number | null>(1)
  gap = $state<number | null>(0)
  groupBy = $state('')
  orderBy = $state('')
  text = $state('')
  condition = $state('')
  tokens = $state<'char' | 'word'>('char')
  maxLength = $state<number | null>(null)
  normalize = $state<'zscore' | 'minmax' | 'none'>('zscore')
  missing = $state<'report' | 'drop' | 'ffill' | 'mean'>('report')
  valFraction = $state<number | null>(0.2)
  // ---- model
  cell = $state<CellKind>('lstm')
  hiddenSize = $state<number | null>(32)
  numLayers = $state<number | null>(1)
  dropout = $state<number | null>(0)
  bidirectional = $state(false)
  // ---- training
  optimizer = $state<Opt>('adam')
  lr = $state<number | null>(0.01)
  weightDecay = $state<number | null>(0)
  momentum = $state<number | null>(0.9)
  schedule = $state<Sched>('none')
  stepSize = $state<number | null>(10)
  gamma = $state<number | null>(0.5)
  patience = $state<number | null>(3)
  factor = $state<number | null>(0.5)
  epochs = $state<number | null>(10)
  batchSize = $state<number | null>(32)
  seed = $state<number | null>(1)
  clipNorm = $state<number | null>(1)
  tbptt = $state<number | null>(0)
  earlyStopping = $state<number | null>(0)
  nanPolicy = $state<'fail' | 'revert'>('fail')
  precision = $state<'float32' | 'float64'>('float32')
  init = $state<'default' | 'pytorch'>('default')
  // ---- series: predict the change, windows within groups; text → text: tokens per side
  predict = $state<'value' | 'change'>('value')
  seasonalDifference = $state<number | null>(null)
  windowGroupBy = $state('')
  sourceTokens = $state<'char' | 'word'>('char')
  targetTokens = $state<'char' | 'word'>('char')

  /** Rows and columns of the dataset the form is for. */
  rows = $state(0)
  columns = $state.raw<ColumnInfo[]>([])

  /** Which columns fit each role under the chosen mapping and source. */
  roles = $derived(columnsFor(this.columns, this.mapping, this.source))
  /** Sources (how rows become sequences) the chosen mapping can read. */
  sources = $derived(sourcesOf(this.mapping))
  /** Columns the chosen mapping can use as its target (empty: nothing to train; TrainPanel blocks then). */
  numeric = $derived(this.roles.target)

  /** Field → what is wrong with it (empty when the form can be sent). */
  problems = $derived.by(() => fieldProblems(this))
  valid = $derived(Object.keys(this.problems).length === 0)

  /** After a switch to another dataset: which data settings were kept and which reset (null: none to report). */
  carried = $state.raw<CarryOver | null>(null)

  /** The data settings before the last switch of file, so that a sample's suggestion applied after it is reported too. */
  private switchedFrom: { before: DataSettings; dataset: string } | null = null

  /** The data settings that belong to one file (carry-over.ts). */
  private dataSettings(): DataSettings {
    const { mapping, source, target, text, condition, groupBy, orderBy, missing, maxLength } = this
    return { mapping, source, target, inputs: [...this.inputs], text, condition, groupBy, orderBy, missing, maxLength }
  }

  /**
   * Fit the form to a (new) dataset: keep what still applies, pick sensible columns otherwise. `switchedTo`: the
   * name of a file that replaces another one; then a choice made for the other file's gaps (the missing-value
   * policy) and text lengths starts over, and `carried` says what was kept and what was reset.
   */
  adaptTo(columns: readonly ColumnInfo[], rows: number, switchedTo?: string): void {
    const before = this.dataSettings()
    if (switchedTo) {
      this.missing = 'report'
      this.maxLength = null
    }
    this.fitTo(columns, rows)
    if (switchedTo) {
      this.switchedFrom = { before, dataset: switchedTo }
      this.carried = carryOver(switchedTo, before, this.dataSettings())
    }
  }

  private fitTo(columns: readonly ColumnInfo[], rows: number): void {
    this.columns = [...columns]
    this.rows = rows
    // The chosen mapping may not fit this data (e.g. a series mapping on a file of words): move to a
    // source, then a mapping, that has a target column here.
    const fits = (m: MappingKind, s: Source) => {
      const r = columnsFor(this.columns, m, s)
      return r.target.length > 0 && (s !== 'text' || m === 'one-to-many' || r.text.length > 1)
    }
    if (!fits(this.mapping, this.source)) {
      const s = bestSource(this.mapping, this.columns)
      if (fits(this.mapping, s)) this.setSource(s)
      else {
        const m = (['many-to-one', 'seq2seq', 'one-to-many'] as const).find((k) => fits(k, bestSource(k, this.columns)))
        if (m) this.setMapping(m)
      }
    }
    this.fitColumns()
  }

  /** Choose a mapping: its first source, its defaults where the user kept the old ones. */
  setMapping(m: MappingKind): void {
    if (m === this.mapping) return
    const before = defaultsFor(this.mapping, this.source)
    this.mapping = m
    this.source = bestSource(m, this.columns)
    this.takeDefaults(before)
  }

  setSource(s: Source): void {
    const before = defaultsFor(this.mapping, this.source)
    this.source = s
    this.takeDefaults(before)
  }

  /** A shipped sample's suggested data mapping (app.info().samples[].suggested). */
  applySuggested(s: Record<string, unknown>): void {
    this.applySuggestion(s)
    const from = this.switchedFrom
    if (from && this.carried) this.carried = carryOver(from.dataset, from.before, this.dataSettings())
  }

  private applySuggestion(s: Record<string, unknown>): void {
    const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : '')
    const m = str('mapping') as MappingKind
    if (m) this.setMapping(m)
    if (this.mapping === 'one-to-many') this.source = 'text'
    else if (str('text')) this.setSource('text')
    else if (str('groupBy')) this.setSource('grouped')
    if (str('target')) this.target = str('target')
    this.inputs = Array.isArray(s.inputs) ? (s.inputs as string[]) : []
    if (typeof s.window === 'number') this.window = s.window
    this.text = str('text')
    this.condition = str('condition')
    this.groupBy = str('groupBy') || this.groupBy
    if (str('tokens') === 'word' || str('tokens') === 'char') this.tokens = str('tokens') as 'char' | 'word'
    const t = str('task')
    this.task = t === 'regression' || t === 'classification' ? t : 'auto'
    this.fitColumns()
  }

  /** Take the settings of an earlier run (when its columns exist here). */
  apply(c: ExperimentConfigInput): void {
    this.carried = null
    this.switchedFrom = null
    this.mapping = c.mapping ?? 'many-to-one'
    this.source =
      (c.source as Source | undefined) ??
      (c.mapping === 'one-to-one'
        ? 'rows'
        : c.text || c.mapping === 'one-to-many'
          ? 'text'
          : c.groupBy
            ? 'grouped'
            : 'series')
    this.task = c.task === 'regression' || c.task === 'classification' ? c.task : 'auto'
    this.target = c.target
    this.inputs = [...(c.inputs ?? [])]
    this.window = c.window ?? 12
    this.horizon = c.horizon ?? 3
    this.stride = c.stride ?? 1
    this.gap = c.gap ?? 0
    this.groupBy = c.groupBy ?? ''
    this.orderBy = c.orderBy ?? ''
    this.text = c.text ?? ''
    this.condition = c.condition ?? ''
    this.tokens = c.tokens ?? 'char'
    this.maxLength = c.maxLength ?? null
    this.normalize = c.normalize ?? 'zscore'
    this.missing = c.missing ?? 'report'
    this.valFraction = c.valFraction ?? 0.2
    const m = c.model,
      o = c.optimizer,
      s = c.schedule
    this.cell = m.cell ?? 'lstm'
    this.hiddenSize = m.hiddenSize
    this.numLayers = m.numLayers ?? 1
    this.dropout = m.dropout ?? 0
    this.bidirectional = m.bidirectional ?? false
    this.optimizer = o.kind ?? 'adam'
    this.lr = o.lr
    this.weightDecay = o.weightDecay ?? 0
    this.momentum = o.momentum ?? 0.9
    this.schedule = s?.kind ?? 'none'
    this.stepSize = s?.stepSize ?? 10
    this.gamma = s?.gamma ?? 0.5
    this.patience = s?.patience ?? 3
    this.factor = s?.factor ?? 0.5
    this.epochs = c.epochs
    this.batchSize = c.batchSize ?? 32
    this.seed = c.seed ?? 1
    this.clipNorm = c.clipNorm ?? 1
    this.tbptt = c.tbptt ?? 0
    this.earlyStopping = c.earlyStopping ?? 0
    this.nanPolicy = c.nanPolicy ?? 'fail'
    this.precision = c.precision ?? 'float32'
    this.init = c.init ?? 'default'
    this.predict = c.difference ? 'change' : 'value'
    this.seasonalDifference = c.seasonalDifference ?? null
    this.windowGroupBy = this.source === 'series' ? (c.groupBy ?? '') : ''
    if (this.source === 'series' && c.groupBy) this.groupBy = ''
    this.sourceTokens = c.sourceTokens ?? c.tokens ?? 'char'
    this.targetTokens = c.targetTokens ?? c.tokens ?? 'char'
    this.fitColumns()
  }

  toggleInput(name: string, on: boolean): void {
    const rest = this.inputs.filter((n) => n !== name)
    this.inputs = on ? [...rest, name] : rest
  }

  /** The config to send (plain data, only the fields that apply). Only call when `valid`. */
  toConfig(): ExperimentConfigInput {
    const src = this.source,
      m = this.mapping
    const usesInputs = src !== 'text'
    const c: ExperimentConfigInput = {
      mapping: m,
      source: src,
      target: this.target,
      inputs: usesInputs ? this.roles.inputs.map((x) => x.name).filter((n) => this.inputs.includes(n)) : [],
      window: src === 'series' ? this.window! : 12,
      normalize: this.normalize,
      missing: src === 'text' && this.missing !== 'report' ? 'drop' : this.missing,
      valFraction: this.valFraction!,
      model: {
        cell: this.cell,
        hiddenSize: this.hiddenSize!,
        numLayers: this.numLayers!,
        dropout: this.dropout!,
        bidirectional: m === 'many-to-many' && this.bidirectional
      },
      optimizer: {
        kind: this.optimizer,
        lr: this.lr!,
        weightDecay: this.weightDecay!,
        ...(this.optimizer === 'momentum' ? { momentum: this.momentum! } : {})
      },
      schedule:
        this.schedule === 'step'
          ? { kind: 'step', stepSize: this.stepSize!, gamma: this.gamma! }
          : this.schedule === 'plateau'
            ? { kind: 'plateau', patience: this.patience!, factor: this.factor! }
            : { kind: this.schedule },
      epochs: this.epochs!,
      batchSize: this.batchSize!,
      seed: this.seed!,
      clipNorm: this.clipNorm!,
      tbptt: this.tbptt!,
      earlyStopping: this.earlyStopping!,
      nanPolicy: this.nanPolicy,
      precision: this.precision,
      // (absent = the default scheme, as in configs stored without it)
      ...(this.init === 'pytorch' ? { init: 'pytorch' as const } : {})
    }
    if (m === 'one-to-many') c.task = 'generation'
    else if (m !== 'seq2seq' && this.task !== 'auto') c.task = this.task
    if (src === 'series') {
      if (m === 'seq2seq') c.horizon = this.horizon!
      if (this.stride !== 1 && this.stride != null) c.stride = this.stride
      if (this.gap) c.gap = this.gap
      if (this.predict === 'change') c.difference = 1
      if (this.seasonalDifference) c.seasonalDifference = this.seasonalDifference
      if (this.windowGroupBy) {
        c.groupBy = this.windowGroupBy
        if (this.orderBy) c.orderBy = this.orderBy
      }
    }
    if (src === 'grouped') {
      c.groupBy = this.groupBy
      if (this.orderBy) c.orderBy = this.orderBy
    }
    if (src === 'text') {
      if (m !== 'one-to-many') c.text = this.text
      else if (this.condition) c.condition = this.condition
      if (m === 'seq2seq') {
        c.sourceTokens = this.sourceTokens
        c.targetTokens = this.targetTokens
      } else c.tokens = this.tokens
    }
    if ((src === 'text' || src === 'grouped') && this.maxLength) c.maxLength = this.maxLength
    return c
  }

  private takeDefaults(before: ReturnType<typeof defaultsFor>): void {
    const after = defaultsFor(this.mapping, this.source)
    if (this.hiddenSize === before.hiddenSize) this.hiddenSize = after.hiddenSize
    if (this.lr === before.lr) this.lr = after.lr
    if (this.batchSize === before.batchSize) this.batchSize = after.batchSize
    this.fitColumns()
  }

  /** Keep column choices that fit the roles; fill empty required roles with the first fitting column. */
  private fitColumns(): void {
    const r = this.roles
    const has = (list: ColumnInfo[], n: string) => list.some((c) => c.name === n)
    if (!has(r.target, this.target)) this.target = r.preferredTarget ?? r.target[0]?.name ?? ''
    const inputs = this.inputs.filter((n) => has(r.inputs, n))
    if (inputs.length !== this.inputs.length) this.inputs = inputs
    if (this.text && !has(r.text, this.text)) this.text = ''
    if (this.source === 'text' && this.mapping !== 'one-to-many' && !this.text)
      this.text = r.text.find((c) => c.name !== this.target)?.name ?? ''
    if (this.condition && !has(r.condition, this.condition)) this.condition = ''
    if (this.groupBy && !has(r.groupBy, this.groupBy)) this.groupBy = ''
    if (this.windowGroupBy && !has(r.groupBy, this.windowGroupBy)) this.windowGroupBy = ''
    if (this.source === 'grouped' && !this.groupBy) this.groupBy = r.groupBy[0]?.name ?? ''
    if (this.orderBy && !has(r.orderBy, this.orderBy)) this.orderBy = ''
  }
}
