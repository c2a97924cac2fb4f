// Compare's metric chart and the baselines on its charts: each run's validation metric in the data's units epoch by
// epoch (for the runs judged by the same metric), and every run's baselines as dashed lines — on the loss chart
// their losses, on the metric chart their metric — one line per distinct value, naming the runs it belongs to.
import type { Line } from '../chart/line-chart'
import { seriesColor, withAlpha } from '../chart/palette'
import { lossReferences, metricReferences } from '../chart/references'
import { HEADLINE, kindOfResults, type MetricKind } from '../../../src-shared/metrics'
import type { Result } from './types'

type Comparison = Result<'experiments.compare'>

/** The metric kind most of the runs share (null when none has metrics or baselines yet). */
export function sharedKind(r: Comparison): MetricKind | null {
  const counts = new Map<MetricKind, number>()
  for (const e of r.experiments) {
    const k = kindOfResults(e.valMetrics, e.baselines)
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  let best: MetricKind | null = null
  for (const [k, n] of counts) if (best === null || n > counts.get(best)!) best = k
  return best
}

/** Dashed horizontal lines from x0 to x1: one per distinct (baseline, value), labelled with the runs it is of. */
export function baselineLines(
  r: Comparison,
  refsOf: (e: Comparison['experiments'][number]) => { label: string; y: number }[],
  x0: number,
  x1: number
): Line[] {
  const byValue = new Map<string, { label: string; y: number; ids: number[]; index: number }>()
  r.experiments.forEach((e) => {
    for (const ref of refsOf(e)) {
      if (!Number.isFinite(ref.y)) continue
      const key = `${ref.label}|${ref.y.toPrecision(6)}`
      const found = byValue.get(key)
      if (found) found.ids.push(e.id)
      else byValue.set(key, { ...ref, ids: [e.id], index: r.curves.findIndex((c) => c.id === e.id) })
    }
  })
  const all = r.experiments.length
  return [...byValue.values()].map((b, k) => ({
    label: `${b.label}${b.ids.length === all ? '' : ` (${b.ids.map((id) => `#${id}`).join(', ')})`}`,
    color: b.ids.length === all ? ['#8a8f98', '#b08a3e'][k % 2]! : withAlpha(seriesColor(b.index), 0.75),
    width: 1.5,
    dash: [5, 4],
    data: [
      { x: x0, y: b.y },
      { x: Math.max(x1, x0 + 1), y: b.y }
    ]
  }))
}

/** The baselines' losses (validation loss chart). */
export function lossBaselineLines(r: Comparison, x0: number, x1: number): Line[] {
  return baselineLines(r, (e) => lossReferences(e.baselines), x0, x1)
}

/** Each run's headline metric per epoch, then its baselines in the same terms, for the runs of `kind`. */
export function metricLines(r: Comparison, kind: MetricKind): Line[] {
  const key = HEADLINE[kind].key
  const ofKind = r.experiments.filter((e) => kindOfResults(e.valMetrics, e.baselines) === kind)
  let last = 1
  const runs = r.curves
    .map((c, i): Line | null => {
      if (!ofKind.some((e) => e.id === c.id)) return null
      const data = c.epochs
        .filter((e) => e.valMetrics && Number.isFinite(e.valMetrics[key]))
        .map((e) => ({ x: e.epoch, y: e.valMetrics![key]! }))
      if (data.length) last = Math.max(last, data[data.length - 1]!.x)
      const name = r.experiments.find((e) => e.id === c.id)?.name ?? ''
      return { label: `#${c.id} ${name}`, color: seriesColor(i), width: 2, points: data.length < 40, data }
    })
    .filter((l): l is Line => l !== null && l.data.length > 0)
  const sub = { ...r, experiments: ofKind }
  return [...runs, ...baselineLines(sub, (e) => metricReferences(e.baselines, kind), 1, last)]
}
