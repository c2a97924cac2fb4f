// The columns a prediction adds to a row of the predictions CSV, shared by every non-series mapping:
// predicted_<target> (inverse-normalised value, or class name), p_<class> per class, and — when the new file has
// the target — actual_<target> and `correct` (classes, decoded text) or `error` = predicted − actual (values),
// with the running score over the rows that have a true value.
import type { ParsedTable } from '../data/csv'
import type { SavedModel } from '../protocol'
import type { CsvCell } from './predictions-csv'
import { argmaxRow } from '../export/held-out'
import { optionalColumn, requireColumns, targetScaler } from './predict-columns'
import { numericValues } from '../data/input-missing'
import { textCell } from '../data/encode-tokens'

export interface PredictScore {
  /** the target column scored against */
  target: string
  /** predictions with a true value */
  count: number
  /** classification and text: share of correct predictions (exact match for decoded text) */
  accuracy?: number
  /** regression */
  mae?: number
  rmse?: number
}

/** A predictions CSV before it is written: a header and rows of cells (numbers stay numbers). */
export interface PredictionTable {
  header: string[]
  rows: CsvCell[][]
  warnings: string[]
  /** null when the file has no target column (or no row with a true value) */
  score: PredictScore | null
}

export class PredictionColumns {
  readonly classification: boolean
  private readonly classes: string[] | null
  private readonly scale: [number, number]
  private n = 0
  private right = 0
  private ae = 0
  private se = 0
  private targetValues: Float64Array | null = null
  private readonly known: Set<string> | null
  /** true labels the model never saw in training: how many, and the first */
  private unseen = 0
  private firstUnseen = ''

  readonly hasTarget: boolean
  /** the target column of the new file, or −1 */
  readonly targetIndex: number

  /** When the new file has the target column (optional; numeric for regression), actual and correct/error columns are written. */
  constructor(
    private readonly model: SavedModel,
    table: ParsedTable,
    readonly outputSize: number
  ) {
    this.classification = model.data.task === 'classification'
    this.targetIndex = optionalColumn(table, model.target)
    if (this.targetIndex >= 0 && !this.classification)
      requireColumns(table, [{ name: model.target, role: 'target', numeric: true }])
    this.hasTarget = this.targetIndex >= 0
    this.classes = this.classification ? (model.vocab?.classes ?? null) : null
    this.known = this.classes ? new Set(this.classes) : null
    this.scale = targetScaler(model, this.classification)
  }

  header(): string[] {
    const t = this.model.target
    const h = [`predicted_${t}`]
    if (this.classification) for (let k = 0; k < this.outputSize; k++) h.push(`p_${this.label(k)}`)
    if (this.hasTarget) h.push(`actual_${t}`, this.classification ? 'correct' : 'error')
    return h
  }

  label(k: number): string {
    return this.classes?.[k] ?? String(k)
  }

  /** The predicted class id (classification) or inverse-normalised value at y[off…off+O). */
  value(y: Float32Array, off: number): number {
    return this.classification ? argmaxRow(y, off, this.outputSize) : y[off]! * this.scale[1] + this.scale[0]
  }

  /** Cells of one prediction; `actual` is the target cell (text of the class, or a number), null when missing. */
  cells(y: Float32Array, off: number, actual: string | number | null): CsvCell[] {
    const v = this.value(y, off)
    const out: CsvCell[] = []
    if (this.classification) {
      const label = this.label(v)
      out.push(label)
      for (let k = 0; k < this.outputSize; k++) out.push(y[off + k]!)
      if (this.hasTarget) {
        const a = actual === null ? null : String(actual)
        out.push(a, a === null ? null : a === label)
        if (a !== null) {
          this.n++
          if (a === label) this.right++
          else if (this.known && !this.known.has(a)) {
            if (!this.unseen) this.firstUnseen = a
            this.unseen++
          }
        }
      }
      return out
    }
    out.push(v)
    if (this.hasTarget) {
      const a = typeof actual === 'number' && Number.isFinite(actual) ? actual : null
      out.push(a, a === null ? null : v - a)
      if (a !== null) {
        this.n++
        this.ae += Math.abs(v - a)
        this.se += (v - a) ** 2
      }
    }
    return out
  }

  /** The target cell of row r: the class as text (classification) or the number; null when missing. */
  actual(table: ParsedTable, r: number): string | number | null {
    if (this.targetIndex < 0) return null
    if (this.classification) return textCell(table, this.targetIndex, r)
    this.targetValues ??= numericValues(table, this.targetIndex)
    const v = this.targetValues[r]!
    return Number.isNaN(v) ? null : v
  }

  /** What the reader of the score should know: true labels the model cannot predict, counted as wrong. */
  warnings(): string[] {
    if (!this.unseen) return []
    const n = this.unseen
    return [
      `${n} row${n === 1 ? ' has a' : 's have a'} "${this.model.target}" the model never saw in training (first: ${JSON.stringify(this.firstUnseen)}); ${n === 1 ? 'it counts' : 'they count'} as wrong`
    ]
  }

  score(): PredictScore | null {
    if (!this.hasTarget || this.n === 0) return null
    return this.classification
      ? { target: this.model.target, count: this.n, accuracy: this.right / this.n }
      : { target: this.model.target, count: this.n, mae: this.ae / this.n, rmse: Math.sqrt(this.se / this.n) }
  }
}
