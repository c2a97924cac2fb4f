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

/** e.g. "estimated 310 ms per epoch, took 290 ms (estimate 7 % high)"; null without an estimate. */
export function estimateLine(d: RunTimes): string | null {
  const est = estimatedEpochSeconds(d)
  if (est == null) return null
  const n = d.epochs.length
  if (!n) return `estimated ${epochTime(est)} per epoch`
  const actual = d.epochs.reduce((a, e) => a + e.seconds, 0) / n
  const err = estimateError(est, actual)
  const off =
    err == null
      ? ''
      : Math.abs(err) < 0.005
        ? ' (estimate exact)'
        : ` (estimate ${Math.round(Math.abs(err) * 100)} % ${err > 0 ? 'high' : 'low'})`
  return `estimated ${epochTime(est)} per epoch, took ${epochTime(actual)} on average over ${n} epoch${n === 1 ? '' : 's'}${off}`
}
