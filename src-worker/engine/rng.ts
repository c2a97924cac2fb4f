// The engine's one seeded PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state),
// with uniform doubles, Box–Muller normals, Fisher–Yates shuffles. Used for init, shuffling and dropout,
// so the same seed and config reproduce a run bit for bit. State is exportable for checkpoints.

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare = NaN // second Box–Muller normal, NaN = none

  constructor(seed: number) {
    // splitmix32 expands the seed into the 4 state words
    let s = (seed >>> 0) ^ 0x9e3779b9
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    for (let i = 0; i < 12; i++) this.nextU32()
  }

  nextU32(): number {
    const a = this.a,
      b = this.b,
      c = this.c,
      d = this.d
    const t = (((a + b) | 0) + d) | 0
    this.d = (d + 1) | 0
    this.a = b ^ (b >>> 9)
    this.b = (c + (c << 3)) | 0
    this.c = (((c << 21) | (c >>> 11)) + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5,
      lo = this.nextU32() >>> 6
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** Standard normal (Box–Muller; pairs are cached). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare
      this.spare = NaN
      return s
    }
    let u = 0
    while (u === 0) u = this.uniform()
    const v = this.uniform()
    const r = Math.sqrt(-2 * Math.log(u)),
      th = 2 * Math.PI * v
    this.spare = r * Math.sin(th)
    return r * Math.cos(th)
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle(a: Int32Array | number[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = a[i]
      a[i] = a[j]
      a[j] = t
    }
  }

  getState(): number[] {
    return [this.a, this.b, this.c, this.d, this.spare]
  }
  setState(s: number[]): void {
    ;[this.a, this.b, this.c, this.d, this.spare] = s
  }
}
