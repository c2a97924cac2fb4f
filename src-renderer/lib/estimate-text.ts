// A run's recorded time estimate (its 'estimate' event, from this machine's calibration) against the time its
// epochs took, in words for the run's details.
import { estimateError } from '../../src-shared/estimate'
import { duration } from './format'

/** Seconds with milliseconds below one second ("35 ms", "1.2 s", "3 min 05 s"). */
export const epochTime = (s: number): string => (s < 1 ? `${Number((s * 1000).toPrecision(2))} ms` : duration(s))

interface RunTimes {
  events: { kind: string; detail: unknown }[]
  epochs: { seconds: number }[]
}

/** The run's latest estimate per epoch, or null when it recorded none. */
export function estimatedEpochSeconds(d: RunTimes): number | null {
  const ev = d.events.findLast((e) => e.kind === 'estimate')
  const s = (ev?.detail as { epochSeconds?: unknown } | undefined)?.epochSeconds
  return typeof s === 'number' && s > 0 ? s : null
}

/** The median of the epochs' times: the first epoch also pays for setting the run up, a few are slowed by others. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** e.g. "estimated 310 ms per epoch, took 290 ms (median of 5 epochs; estimate 7 % high)"; null without an estimate. */
export function estimateLine(d: RunTimes): string | null {
  const est = estimatedEpochSeconds(d)
  if (est == null) return null
  const n = d.epochs.length
  if (!n) return `estimated ${epochTime(est)} per epoch`
  const actual = median(d.epochs.map((e) => e.seconds))
  const err = estimateError(est, actual)
  const off =
    err == null
      ? ''
      : Math.abs(err) < 0.005
        ? '; estimate exact'
        : `; estimate ${Math.round(Math.abs(err) * 100)} % ${err > 0 ? 'high' : 'low'}`
  return `estimated ${epochTime(est)} per epoch, took ${epochTime(actual)} (median of ${n} epoch${n === 1 ? '' : 's'}${off})`
}
