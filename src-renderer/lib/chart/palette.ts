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

/** The leading digit of a tick value that is d × 10^k (0.003 → 3, 2e5 → 2), else NaN (0.045). */
function mantissa(v: number): number {
  const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9)
  return Math.abs(m - Math.round(m)) < 1e-6 ? Math.round(m) : NaN
}

/**
 * Labels of a logarithmic axis that do not overlap: over two decades or more only the powers of ten, over one to
 * two 1, 2 and 5 × 10^k (the grid keeps a line at every tick); every tick within one decade (there are few) or
 * when thinning would leave fewer than two labels.
 */
export function logTickLabels(values: number[]): string[] {
  const pos = values.filter((v) => v > 0)
  if (!pos.length) return values.map(fmtTick)
  const decades = Math.log10(Math.max(...pos) / Math.min(...pos))
  if (decades < 1) return values.map(fmtTick)
  const keep = decades >= 2 ? [1] : [1, 2, 5]
  const shown = values.map((v) => v > 0 && keep.includes(mantissa(v)))
  if (shown.filter(Boolean).length < 2) return values.map(fmtTick)
  return values.map((v, i) => (shown[i] ? fmtTick(v) : ''))
}

/**
 * Chart.js's afterBuildTicks hook for a y axis: on a logarithmic axis only the ticks logTickLabels labels stay (their
 * grid lines too), so Chart.js measures and places the labels it draws.
 */
export function thinLogTicks(scale: { type?: string; ticks: { value: number }[] }): void {
  if (scale.type !== 'logarithmic') return
  const labels = logTickLabels(scale.ticks.map((t) => t.value))
  scale.ticks = scale.ticks.filter((_, i) => labels[i] !== '')
}
