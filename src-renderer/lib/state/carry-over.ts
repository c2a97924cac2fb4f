// What a switch to another dataset does to the form's data settings: the columns, mapping and target that still
// fit are kept, the others are reset (and the choices made for one file's gaps and text lengths start over), and
// the user is told which is which.

/** The form's data settings that belong to one file. */
export interface DataSettings {
  mapping: string
  source: string
  target: string
  inputs: string[]
  text: string
  condition: string
  groupBy: string
  orderBy: string
  missing: string
  maxLength: number | null
}

/** What the switch kept and what it reset, in words; `dataset` names the new file. */
export interface CarryOver {
  dataset: string
  kept: string[]
  reset: string[]
}

const quote = (s: string) => (s ? `"${s}"` : 'none')
const MISSING: Record<string, string> = {
  report: 'report them',
  drop: 'drop the rows',
  ffill: 'fill forward',
  mean: 'fill with the mean'
}

function columnChange(label: string, before: string, after: string, kept: string[], reset: string[]): void {
  if (!before && !after) return
  if (before === after) kept.push(`${label} ${quote(after)}`)
  else reset.push(`${label} ${quote(before)} → ${quote(after)}`)
}

/** Compares the data settings before and after the form was fitted to `dataset`. */
export function carryOver(dataset: string, before: DataSettings, after: DataSettings): CarryOver {
  const kept: string[] = [],
    reset: string[] = []
  if (before.mapping !== after.mapping || before.source !== after.source)
    reset.push(`mapping ${before.mapping} (${before.source}) → ${after.mapping} (${after.source})`)
  else kept.push(`mapping ${after.mapping}`)
  columnChange('target', before.target, after.target, kept, reset)
  const same = before.inputs.filter((n) => after.inputs.includes(n)),
    dropped = before.inputs.filter((n) => !after.inputs.includes(n)),
    added = after.inputs.filter((n) => !before.inputs.includes(n))
  if (same.length) kept.push(`inputs ${same.map(quote).join(', ')}`)
  if (dropped.length) reset.push(`inputs: ${dropped.map(quote).join(', ')} not in this file`)
  if (added.length) reset.push(`inputs now ${added.map(quote).join(', ')}`)
  columnChange('text column', before.text, after.text, kept, reset)
  columnChange('condition', before.condition, after.condition, kept, reset)
  columnChange('group by', before.groupBy, after.groupBy, kept, reset)
  columnChange('order by', before.orderBy, after.orderBy, kept, reset)
  if (before.missing !== after.missing)
    reset.push(
      `missing values: ${MISSING[before.missing] ?? before.missing} → ${MISSING[after.missing] ?? after.missing}`
    )
  if (before.maxLength !== after.maxLength) reset.push(`maximum length ${before.maxLength} → automatic`)
  kept.push('the model and training settings')
  return { dataset, kept, reset }
}
