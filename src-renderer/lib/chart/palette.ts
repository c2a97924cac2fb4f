// Theme colours read from the page's CSS custom properties (so charts follow light/dark), and the
// categorical colours used for one line per run / per gate.
export interface Palette {
  text: string
  muted: string
  grid: string
  surface: string
}

export function palette(el: Element): Palette {
  const css = getComputedStyle(el)
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback
  return {
    text: v('--text', '#1d2330'),
    muted: v('--text-muted', '#5d6678'),
    grid: v('--grid', 'rgba(0,0,0,.08)'),
    surface: v('--surface', '#fff')
  }
}

/** Distinct hues that read on both themes (Tableau 10, slightly deepened). */
const SERIES = [
  '#2f6fde',
  '#e8590c',
  '#2b8a3e',
  '#c2255c',
  '#7048e8',
  '#0c8599',
  '#b08900',
  '#5c677d',
  '#d6336c',
  '#495057'
]

export function seriesColor(i: number): string {
  return SERIES[((i % SERIES.length) + SERIES.length) % SERIES.length]!
}

/** `#rrggbb` with an alpha in 0..1. */
export function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a.toFixed(3)})`
}

/** Ticks like 0.0012 → 1e-3, 12345678 → 1e+7, otherwise 3 significant digits. */
export function fmtTick(v: number | string): string {
  const n = Number(v)
  if (!Number.isFinite(n)) return String(v)
  return Math.abs(n) !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e5)
    ? n.toExponential(0)
    : String(Number(n.toPrecision(3)))
}
