// One flat parameter slab with named views (llm.c style). The layout lists (name, shape, offset) in
// PyTorch's order and names; gradients and optimizer moments share it, and import/export convert to and
// from PyTorch-layout nested arrays (`weight_ih_l0`, …, `head.weight`) exactly like the fixtures.

import { alloc, type Arr, type DType } from './arr.js'

export interface ParamEntry {
  name: string
  shape: number[]
  offset: number
  size: number
}

export class ParamLayout {
  readonly entries: ParamEntry[] = []
  private readonly index = new Map<string, ParamEntry>()
  size = 0

  add(name: string, shape: number[]): ParamEntry {
    if (this.index.has(name)) throw new Error(`duplicate parameter name ${name}`)
    const size = shape.reduce((a, b) => a * b, 1)
    const e: ParamEntry = { name, shape, offset: this.size, size }
    this.entries.push(e)
    this.index.set(name, e)
    this.size += size
    return e
  }

  get(name: string): ParamEntry {
    const e = this.index.get(name)
    if (!e) throw new Error(`unknown parameter ${name}`)
    return e
  }

  has(name: string): boolean {
    return this.index.has(name)
  }

  alloc(dtype: DType): Arr {
    return alloc(dtype, this.size)
  }

  /** A `subarray` view of `arr` for one parameter. */
  view(arr: Arr, name: string): Arr {
    const e = this.get(name)
    return arr.subarray(e.offset, e.offset + e.size)
  }

  names(): string[] {
    return this.entries.map((e) => e.name)
  }
}

/** Flatten a nested array, checking its shape; errors name the parameter and the bad axis. */
export function flattenInto(out: Arr, off: number, value: unknown, shape: number[], name: string): void {
  let k = off
  const walk = (v: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number') throw new Error(`${name}${path}: expected a number, got ${typeof v}`)
      out[k++] = v
      return
    }
    if (!Array.isArray(v))
      throw new Error(`${name}${path}: expected an array of length ${shape[axis]} (shape [${shape}])`)
    if (v.length !== shape[axis])
      throw new Error(`${name}${path}: length ${v.length}, expected ${shape[axis]} (shape [${shape}])`)
    for (let i = 0; i < v.length; i++) walk(v[i], axis + 1, `${path}[${i}]`)
  }
  walk(value, 0, '')
}

/** Nested plain arrays of numbers with the given shape, read from arr[off ..]. */
export function nest(arr: ArrayLike<number>, off: number, shape: number[]): unknown {
  if (shape.length === 0) return arr[off]
  let k = off
  const build = (axis: number): unknown => {
    const n = shape[axis]
    const res: unknown[] = new Array(n)
    if (axis === shape.length - 1) {
      for (let i = 0; i < n; i++) res[i] = arr[k++]
      return res
    }
    for (let i = 0; i < n; i++) res[i] = build(axis + 1)
    return res
  }
  return build(0)
}

/** Copy PyTorch-layout weights into the slab. Every parameter of the layout must be present. */
export function importTorch(layout: ParamLayout, arr: Arr, weights: Record<string, unknown>): void {
  for (const e of layout.entries) {
    if (!(e.name in weights)) throw new Error(`weights: missing parameter ${e.name} (shape [${e.shape}])`)
    flattenInto(arr, e.offset, weights[e.name], e.shape, e.name)
  }
}

/** PyTorch-layout nested arrays (state_dict order and names). */
export function exportTorch(layout: ParamLayout, arr: ArrayLike<number>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const e of layout.entries) out[e.name] = nest(arr, e.offset, e.shape)
  return out
}
