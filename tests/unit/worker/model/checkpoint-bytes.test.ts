// Checkpoint bytes: a training state written straight into reused memory (shared slots) instead of a fresh
// v8.serialize buffer every second. Every bit must come back, older v8 blobs must still read, and a slot must
// not be written again before main has released it.
import { describe, expect, it } from 'vitest'
import { serialize } from 'node:v8'
import { decodeState, encodeState, isEncodedState, prepareState } from '../../../../src-worker/model/checkpoint-bytes'
import { CheckpointSlots } from '../../../../src-worker/tasks/train-task'

const bits = (a: Float32Array | Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))

function state(n: number) {
  const params = new Float32Array(n).map((_, i) => Math.sin(i) * 1e-3)
  params[0] = -0
  params[1] = NaN
  params[2] = Infinity
  const big = new Float64Array(n + 3).map((_, i) => Math.cos(i))
  return {
    version: 1,
    epoch: 7,
    params,
    opt: { m: big.subarray(1, n + 1), v: new Float64Array(n).fill(1e-300), t: 12, x: new Float64Array(0) },
    lr: 1e-3,
    rng: [1, 2, 3, 4, -0],
    order: Int32Array.from({ length: 9 }, (_, i) => 8 - i),
    sched: [0.1, 0.1, Infinity, 0],
    best: -Infinity,
    bestEpoch: 0,
    bad: 0,
    bestParams: null,
    good: 'current' as const,
    reverts: 0,
    note: 'ü'
  }
}

describe('checkpoint bytes', () => {
  it('keep every bit of every number and array, views included, read back from unaligned bytes', () => {
    const s = state(33)
    const bytes = encodeState(s)
    expect(isEncodedState(bytes)).toBe(true)
    const shifted = new Uint8Array(bytes.byteLength + 3)
    shifted.set(bytes, 3) // as a store might hand it back: not 8-aligned
    const back = decodeState(shifted.subarray(3)) as ReturnType<typeof state>
    expect(back.params).toBeInstanceOf(Float32Array)
    expect(bits(back.params)).toEqual(bits(s.params))
    expect(Object.is(back.params[0], -0)).toBe(true)
    expect(back.opt.m).toBeInstanceOf(Float64Array)
    expect(bits(back.opt.m)).toEqual(bits(s.opt.m)) // only the view's elements, not its whole buffer
    expect(back.opt.m.length).toBe(33)
    expect(back.order).toEqual(s.order)
    expect(Object.is(back.rng[4], -0)).toBe(true)
    expect(back.sched[2]).toBe(Infinity)
    expect(back.best).toBe(-Infinity)
    expect({ ...back, params: null, opt: null }).toEqual({ ...s, params: null, opt: null })
  })

  it('read checkpoints stored before them (plain v8.serialize), and refuse cut-off bytes', () => {
    const s = state(5)
    expect(bits((decodeState(serialize(s)) as ReturnType<typeof state>).params)).toEqual(bits(s.params))
    const bytes = encodeState(s)
    expect(() => decodeState(bytes.subarray(0, bytes.byteLength - 8))).toThrow(/out of bounds/)
    expect(() => decodeState(bytes.subarray(0, 12))).toThrow(/truncated/)
  })

  it('refuse a damaged header in words, whatever it names', () => {
    // bytes with the format's magic and a header of our choosing, followed by 64 bytes of array room
    const forge = (header: unknown) => {
      const h = serialize(header),
        out = new Uint8Array(((8 + h.byteLength + 7) & ~7) + 64)
      out.set([0x52, 0x57, 0x43, 0x31])
      new DataView(out.buffer).setUint32(4, h.byteLength, true)
      out.set(h, 8)
      return out
    }
    expect(decodeState(forge({ body: { a: { $a: 0 } }, $arrays: [['f32', 0, 4]] }))).toEqual({ a: new Float32Array(4) })
    expect(() => decodeState(forge({ body: {}, $arrays: 3 }))).toThrow(/damaged header \(no array list\)/)
    expect(() => decodeState(forge({ body: {}, $arrays: [['u8', 0, 4]] }))).toThrow(/damaged header \(array 0\)/)
    expect(() =>
      decodeState(
        forge({
          body: {},
          $arrays: [
            ['f32', 0, 4],
            ['constructor', 0, 1]
          ]
        })
      )
    ).toThrow(/array 1/)
    expect(() => decodeState(forge({ body: {}, $arrays: [['f64', -8, 2]] }))).toThrow(/array 0/)
    expect(() => decodeState(forge({ body: {}, $arrays: [['f64', 0, 1.5]] }))).toThrow(/array 0/)
    expect(() => decodeState(forge({ body: {}, $arrays: [['f64', 0, 9]] }))).toThrow(/out of bounds/)
    expect(() => decodeState(forge({ body: { p: { $a: 1 } }, $arrays: [['i32', 0, 2]] }))).toThrow(/no array 1/)
  })

  it('go into two shared slots, each written again only after main released it; room grows when both are free', () => {
    const slots = new CheckpointSlots()
    const a = slots.write(prepareState(state(10)))!,
      b = slots.write(prepareState(state(10)))!
    expect([a.slot, b.slot]).toEqual([0, 1])
    expect(a.shared).toBe(b.shared)
    const flags = new Int32Array(a.shared, 0, 2)
    expect(Array.from(flags)).toEqual([1, 1])
    expect(slots.write(prepareState(state(10)))).toBeNull() // main still holds both: the caller sends bytes of its own
    const held = new Uint8Array(a.shared, a.offset, a.length).slice()
    Atomics.store(flags, 0, 0) // main has stored slot 0
    const c = slots.write(prepareState({ ...state(10), epoch: 8 }))!
    expect(c.slot).toBe(0)
    expect((decodeState(new Uint8Array(c.shared, c.offset, c.length)) as { epoch: number }).epoch).toBe(8)
    // slot 1 was left alone while main held it
    expect((decodeState(new Uint8Array(b.shared, b.offset, b.length)) as { epoch: number }).epoch).toBe(7)
    expect(held.length).toBe(a.length)
    // a bigger state: no room, and main still holds slots → none; once both are free, new memory
    expect(slots.write(prepareState(state(1000)))).toBeNull()
    Atomics.store(flags, 0, 0)
    Atomics.store(flags, 1, 0)
    const d = slots.write(prepareState(state(1000)))!
    expect(d.shared).not.toBe(a.shared)
    expect(
      bits((decodeState(new Uint8Array(d.shared, d.offset, d.length)) as ReturnType<typeof state>).params)
    ).toEqual(bits(state(1000).params))
  })
})
