// A staging arena in the WASM memory for operands that live in ordinary JS typed arrays: `ptrIn` copies a
// span in (or returns the operand's own address when it already is a WASM view), `copyOut` writes a span
// back. One arena per user; `reset()` at the start of each top-level call recycles everything.

import { allocBytes, free, inWasm, viewF32, viewI32, type WasmRuntime } from './runtime.js'

export class Stage {
  private block = 0
  private cap = 0
  private used = 0
  private old: number[] = []

  constructor(
    readonly rt: WasmRuntime,
    initialBytes = 1 << 16
  ) {
    this.block = allocBytes(initialBytes)
    this.cap = initialBytes
  }

  reset(): void {
    for (const b of this.old) free(b)
    this.old.length = 0
    this.used = 0
  }

  /** Raw 64-byte aligned bytes valid until the next reset. */
  take(bytes: number): number {
    const need = Math.ceil(bytes / 64) * 64 + 64
    if (this.used + need > this.cap) {
      // keep the full block alive until reset (pointers into it are still in use), continue in a bigger one
      this.old.push(this.block)
      this.cap = Math.max(2 * this.cap, need * 2)
      this.block = allocBytes(this.cap)
      this.used = 0
    }
    const p = this.block + this.used
    this.used += need
    return p
  }

  /** Float32 scratch of n elements (zeroed when asked). */
  f32(n: number, zero = false): { ptr: number; v: Float32Array } {
    const ptr = this.take(n * 4),
      v = viewF32(ptr, n)
    if (zero) v.fill(0)
    return { ptr, v }
  }

  /** Address of a[off .. off+n): the array's own memory when it is a WASM view, else a staged copy. */
  ptrIn(a: Float32Array | Float64Array, off: number, n: number): number {
    if (a instanceof Float32Array && inWasm(a)) return a.byteOffset + off * 4
    const ptr = this.take(n * 4)
    viewF32(ptr, n).set(a.subarray(off, off + n))
    return ptr
  }

  ptrInI32(a: Int32Array, off: number, n: number): number {
    if (inWasm(a)) return a.byteOffset + off * 4
    const ptr = this.take(n * 4)
    viewI32(ptr, n).set(a.subarray(off, off + n))
    return ptr
  }

  /** a[off .. off+n) = staged float32 at ptr (no-op when ptr is a's own memory). */
  copyOut(a: Float32Array | Float64Array, off: number, n: number, ptr: number): void {
    if (a instanceof Float32Array && inWasm(a) && a.byteOffset + off * 4 === ptr) return
    a.set(viewF32(ptr, n), off)
  }
}
