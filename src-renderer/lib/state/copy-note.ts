// "Duplicate & edit": the form holds a copy of run N until it is trained; what the user has changed since, in words.
import type { ExperimentConfigInput } from './types'

/** The run the form was copied from, and the form's config right after the copy (what edits are measured against). */
export interface CopySource {
  id: number
  name: string
  base: ExperimentConfigInput | null
}

const NAMES: Record<string, string> = {
  'optimizer.kind': 'optimizer',
  'optimizer.lr': 'learning rate',
  'schedule.kind': 'schedule',
  'model.cell': 'cell',
  valFraction: 'validation share',
  clipNorm: 'clipping',
  tbptt: 'truncated BPTT'
}

function flatten(v: unknown, prefix = ''): [string, unknown][] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [[prefix, v]]
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => flatten(x, prefix ? `${prefix}.${k}` : k))
}

/** "model.hiddenSize" → "hidden size". */
export function fieldName(path: string): string {
  if (NAMES[path]) return NAMES[path]
  const last = path.split('.').at(-1) ?? path
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

const show = (v: unknown) =>
  v === undefined ? '—' : Array.isArray(v) ? v.join(', ') || 'none' : typeof v === 'string' ? v : JSON.stringify(v)

/** The fields `form` changes from `base`, e.g. ["hidden size 32 → 64", "epochs 10 → 20"] (empty: nothing yet). */
export function changesFrom(base: ExperimentConfigInput | null, form: ExperimentConfigInput | null): string[] {
  if (!base || !form) return []
  const a = new Map(flatten(base)),
    b = new Map(flatten(form))
  const out: string[] = []
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path),
      y = b.get(path)
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${fieldName(path)} ${show(x)} → ${show(y)}`)
  }
  return out
}
