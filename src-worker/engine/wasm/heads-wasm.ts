// Float32 softmax cross-entropy on the WASM kernel (assembly/kernels.ts ceLossF32): the logits and their
// gradient are used in place when they are WASM views (the model allocates them there); class ids and the mask
// are staged. Returns null when the kernel does not apply (float64, no kernels, or operands outside WASM memory).

import type { Arr } from '../arr.js'
import { inWasm, wasm } from './runtime.js'
import { Stage } from './stage.js'

const stage = wasm ? new Stage(wasm) : null

/** ceLoss (engine/heads.ts) on the kernel; throws the same error for a class id out of range. */
export function ceLossWasm(
  dy: Arr | null,
  y: Arr,
  cls: Int32Array,
  cOff: number,
  mask: Arr | null,
  mOff: number,
  N: number,
  C: number,
  den: number
): number | null {
  if (!wasm || !(y instanceof Float32Array) || !inWasm(y) || (dy && !(dy instanceof Float32Array && inWasm(dy))))
    return null
  if (mask && !(mask instanceof Float32Array)) return null
  for (let r = 0; r < N; r++) {
    const c = cls[cOff + r]
    if ((!mask || mask[mOff + r] !== 0) && (c < 0 || c >= C))
      throw new Error(`class id ${c} at row ${r} is outside 0..${C - 1}`)
  }
  const s = stage as Stage
  s.reset()
  const pc = s.ptrInI32(cls, cOff, N),
    pm = mask ? s.ptrIn(mask, mOff, N) : 0
  const inv = den > 0 ? 1 / den : 0
  return wasm.k.ceLossF32(dy ? dy.byteOffset : 0, y.byteOffset, pc, pm, N, C, inv) * inv
}
