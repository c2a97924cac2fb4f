// A heatmap drawn straight onto a canvas: rows = time steps, columns = units, one cell per value,
// coloured by a perceptual ramp between `min` and `max` (diverging when the range crosses zero).
export type Ramp = 'sequential' | 'diverging'

/** Viridis-like sequential ramp (5 stops) and a blue–white–red diverging ramp. */
const SEQ: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37]
]
const DIV: [number, number, number][] = [
  [33, 102, 172],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [178, 24, 43]
]

export function rampColor(ramp: Ramp, u: number): [number, number, number] {
  const stops = ramp === 'diverging' ? DIV : SEQ
  const x = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x)),
    f = x - i
  const a = stops[i]!,
    b = stops[i + 1]!
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]
}

/** CSS gradient of a ramp, for the colour-scale legend. */
export function rampGradient(ramp: Ramp): string {
  const stops = ramp === 'diverging' ? DIV : SEQ
  return `linear-gradient(to right, ${stops.map((s, i) => `rgb(${s.join(',')}) ${(i / (stops.length - 1)) * 100}%`).join(', ')})`
}

/** Draw `m[t][j]` with t down the rows and j across; the canvas keeps its CSS size, cells are stretched. */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  m: readonly (readonly number[])[],
  min: number,
  max: number,
  ramp: Ramp
): void {
  const T = m.length,
    H = m[0]?.length ?? 0
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  // One pixel per cell, then scaled up without smoothing: crisp cells at any size.
  const img = new ImageData(Math.max(1, H), Math.max(1, T))
  const span = max - min || 1
  for (let t = 0; t < T; t++) {
    const row = m[t]!
    for (let j = 0; j < H; j++) {
      const [r, g, b] = rampColor(ramp, (row[j]! - min) / span)
      const o = (t * H + j) * 4
      img.data[o] = r
      img.data[o + 1] = g
      img.data[o + 2] = b
      img.data[o + 3] = 255
    }
  }
  const src = document.createElement('canvas')
  src.width = img.width
  src.height = img.height
  src.getContext('2d')!.putImageData(img, 0, 0)
  const dpr = window.devicePixelRatio || 1
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr)),
    h = Math.max(1, Math.round(canvas.clientHeight * dpr))
  if (canvas.width !== w) canvas.width = w
  if (canvas.height !== h) canvas.height = h
  ctx.imageSmoothingEnabled = false
  ctx.clearRect(0, 0, w, h)
  if (T && H) ctx.drawImage(src, 0, 0, w, h)
}

/** The range of a set of matrices (finite values only); [0, 1] when empty. */
export function rangeOf(ms: readonly (readonly (readonly number[])[])[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity
  for (const m of ms)
    for (const row of m)
      for (const v of row)
        if (Number.isFinite(v)) {
          if (v < lo) lo = v
          if (v > hi) hi = v
        }
  return lo <= hi ? [lo, hi] : [0, 1]
}
