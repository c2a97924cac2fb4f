// Number, duration and loss formatting shared by the components.

/** A statistic such as a column mean: up to 4 significant digits, no exponent for everyday values. */
export function stat(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—'
  const a = Math.abs(x)
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2)
  return Number(x.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 4 })
}

/** A loss value: 4 significant digits, exponent when small. */
export function loss(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—'
  const a = Math.abs(x)
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(3)
  return x.toPrecision(4)
}

/** Seconds as "0.4 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 10) return `${seconds.toFixed(1)} s`
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

export function rate(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—'
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3)
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** "2026-11-25T13:20:35Z" → local "25 Nov, 14:20". */
export function when(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })
}
