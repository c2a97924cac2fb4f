// The training form's state: the many-to-one mapping, the model and the optimiser, with per-field
// checks that mirror the contract's bounds so that mistakes are shown next to the field before sending.
import type { CellKind, ColumnInfo, ExperimentConfigInput } from './types'

export type Field = 'target' | 'inputs' | 'window' | 'hiddenSize' | 'epochs' | 'lr' | 'batchSize' | 'seed'

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x)

export class ModelConfig {
  target = $state('')
  inputs = $state<string[]>([])
  window = $state<number | null>(12)
  hiddenSize = $state<number | null>(16)
  epochs = $state<number | null>(10)
  lr = $state<number | null>(0.01)
  batchSize = $state<number | null>(32)
  seed = $state<number | null>(1)
  cell = $state<CellKind>('lstm')
  readonly valFraction = 0.2

  /** Rows of the dataset the form is for (bounds the window). */
  rows = $state(0)
  /** Columns a model can use (numeric ones). */
  numeric = $state.raw<ColumnInfo[]>([])

  /** Field → what is wrong with it (empty when the form can be sent). */
  problems = $derived.by(() => {
    const p: Partial<Record<Field, string>> = {}
    if (!this.target) p.target = 'choose the column to forecast'
    else if (!this.numeric.some((c) => c.name === this.target)) p.target = `"${this.target}" is not a numeric column`
    const trainRows = Math.floor(this.rows * (1 - this.valFraction))
    if (!isInt(this.window) || this.window < 1 || this.window > 4096) p.window = 'a whole number from 1 to 4096'
    else if (this.rows > 0 && this.window >= trainRows) p.window = `must be below ${trainRows} (the training rows)`
    if (!isInt(this.hiddenSize) || this.hiddenSize < 1 || this.hiddenSize > 1024) p.hiddenSize = 'a whole number from 1 to 1024'
    if (!isInt(this.epochs) || this.epochs < 1 || this.epochs > 100_000) p.epochs = 'a whole number from 1 to 100000'
    if (typeof this.lr !== 'number' || !(this.lr > 0) || this.lr > 10) p.lr = 'a number above 0, at most 10'
    if (!isInt(this.batchSize) || this.batchSize < 1 || this.batchSize > 4096) p.batchSize = 'a whole number from 1 to 4096'
    if (!isInt(this.seed) || this.seed < 0 || this.seed > 2 ** 31 - 1) p.seed = 'a whole number from 0 to 2147483647'
    return p
  })

  valid = $derived(Object.keys(this.problems).length === 0)

  /** Fit the form to a (new) dataset: keep what still applies, pick a numeric target otherwise. */
  adaptTo(columns: readonly ColumnInfo[], rows: number): void {
    const numeric = columns.filter((c) => c.type === 'numeric')
    this.numeric = numeric
    this.rows = rows
    const names = new Set(numeric.map((c) => c.name))
    if (!names.has(this.target)) this.target = numeric[0]?.name ?? ''
    this.inputs = this.inputs.filter((n) => names.has(n))
  }

  /** Take the settings of an earlier run (when its columns exist here). */
  apply(c: ExperimentConfigInput): void {
    const names = new Set(this.numeric.map((x) => x.name))
    if (names.has(c.target)) this.target = c.target
    this.inputs = (c.inputs ?? []).filter((n) => names.has(n))
    this.window = c.window ?? 12
    this.hiddenSize = c.model.hiddenSize
    this.epochs = c.epochs
    this.lr = c.optimizer.lr
    this.batchSize = c.batchSize ?? 32
    this.seed = c.seed ?? 1
    this.cell = c.model.cell ?? 'lstm'
  }

  toggleInput(name: string, on: boolean): void {
    const rest = this.inputs.filter((n) => n !== name)
    this.inputs = on ? [...rest, name] : rest
  }

  /** The config to send (plain data). Only call when `valid`. */
  toConfig(): ExperimentConfigInput {
    return {
      mapping: 'many-to-one',
      target: this.target,
      inputs: this.numeric.map((c) => c.name).filter((n) => this.inputs.includes(n)),
      window: this.window!,
      valFraction: this.valFraction,
      model: { cell: this.cell, hiddenSize: this.hiddenSize!, numLayers: 1 },
      optimizer: { kind: 'adam', lr: this.lr! },
      epochs: this.epochs!,
      batchSize: this.batchSize!,
      seed: this.seed!
    }
  }
}
