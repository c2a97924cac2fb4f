// What a dataset must satisfy before the service hands it to a worker: its size, and the columns a config names.
import { sourceOf, type ExperimentConfig } from '../../src-shared/contract'
import { InputError } from '../../src-shared/errors'

/** Largest CSV accepted in one import (bytes). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024

/** The limit in force: MAX_IMPORT_BYTES, or a smaller one set by RNN_WORKBENCH_MAX_IMPORT_BYTES (a positive number of
 * bytes; tests use a small cap so that an endless stream is refused in a moment). It never raises the limit. */
export function importLimit(): number {
  const v = Number(process.env.RNN_WORKBENCH_MAX_IMPORT_BYTES)
  return Number.isSafeInteger(v) && v > 0 && v < MAX_IMPORT_BYTES ? v : MAX_IMPORT_BYTES
}

/** Every column the config names must exist, with a type its role accepts; the message names the field. */
export function checkColumns(columns: { name: string; type: string }[], config: ExperimentConfig): void {
  const byName = new Map(columns.map((c) => [c.name, c]))
  const source = sourceOf(config)
  const get = (path: string, name: string) => {
    const c = byName.get(name)
    if (!c)
      throw new InputError(
        `config.${path}: the dataset has no column "${name}" (columns: ${columns.map((x) => x.name).join(', ')})`
      )
    return c
  }
  const t = get('target', config.target)
  if (source !== 'text' && t.type !== 'numeric' && t.type !== 'categorical') {
    throw new InputError(
      `config.target: column "${config.target}" is ${t.type}, not numeric (regression) or categorical (classification)`
    )
  }
  if (config.task === 'regression' && t.type !== 'numeric')
    throw new InputError(`config.target: column "${config.target}" is ${t.type}, not numeric`)
  for (const [i, name] of config.inputs.entries()) {
    const c = get(`inputs.${i}`, name)
    if (c.type !== 'numeric') throw new InputError(`config.inputs.${i}: column "${name}" is ${c.type}, not numeric`)
  }
  if (config.groupBy) get('groupBy', config.groupBy)
  if (config.orderBy) get('orderBy', config.orderBy)
  if (config.text) get('text', config.text)
  if (config.condition) get('condition', config.condition)
}
