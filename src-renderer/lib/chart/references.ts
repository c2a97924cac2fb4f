// The baselines of a run as reference lines: on its loss scale for the loss chart, in its headline metric's
// terms for the metric chart.
import { baselineName, HEADLINE, type Baselines, type MetricKind } from '../../../src-shared/metrics'
import type { Reference } from './loss-chart'

/** The baselines' losses (persistence, seasonal naive, class prior, unigram). */
export function lossReferences(b: Baselines | null | undefined): Reference[] {
  if (!b) return []
  return Object.entries(b)
    .filter(([, v]) => v && 'loss' in v && Number.isFinite(v.loss))
    .map(([k, v]) => ({ label: baselineName(k), y: (v as { loss: number }).loss }))
}

/** The baselines that have the headline metric of `kind` (RMSE for series, accuracy for classes). */
export function metricReferences(b: Baselines | null | undefined, kind: MetricKind | null): Reference[] {
  if (!b || !kind) return []
  const key = HEADLINE[kind].key
  return Object.entries(b)
    .filter(([, v]) => v && key in v)
    .map(([k, v]) => ({ label: baselineName(k), y: (v as Record<string, number>)[key] }))
}
