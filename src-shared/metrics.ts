// Validation metrics in the user's units and the baselines a run has to beat: their shapes, which metric a task
// kind is judged by, and the verdict in words. Shared by the worker (which computes them), the store, the CLI and
// the renderer (which show them), so every place names and compares them the same way.
import { z } from 'zod'

/**
 * Per epoch, on the validation split: regression {rmse, mae} in the target's units; classification {accuracy};
 * token decoders {tokenAccuracy, exactMatch} (greedy, free-running); generators {tokenAccuracy} (teacher-forced
 * next token) and, on the final line, {novelty}.
 */
export const valMetrics = z.record(z.string(), z.number())
export type ValMetrics = z.output<typeof valMetrics>

const regressionBaseline = z.object({ rmse: z.number(), mae: z.number(), loss: z.number() })
/** What simple rules score on the same validation split, in the same units (loss: the run's own loss scale). */
export const baselines = z.object({
  /** the window's last observed level repeated over the horizon */
  persistence: regressionBaseline.optional(),
  /** the value one period before, from the last observed period */
  seasonalNaive: regressionBaseline.extend({ period: z.number() }).optional(),
  /** the training split's class frequencies as the prediction (cross-entropy) */
  classPrior: z.object({ loss: z.number() }).optional(),
  /** always the training split's most frequent class */
  majority: z.object({ accuracy: z.number() }).optional(),
  /** the training split's token frequencies as every step's prediction (cross-entropy) */
  unigram: z.object({ loss: z.number() }).optional()
})
export type Baselines = z.output<typeof baselines>

export type MetricKind = 'regression' | 'classification' | 'tokens' | 'generation'

/** How a run's results are judged: by the mapping and the task its data became. */
export function metricKindOf(mapping: string, task: string): MetricKind {
  if (task === 'regression') return 'regression'
  if (mapping === 'seq2seq') return 'tokens'
  if (mapping === 'one-to-many') return 'generation'
  return 'classification'
}

/** The metric a task kind is shown and ranked by, whether higher is better, and how it is labelled. */
export const HEADLINE: Record<MetricKind, { key: string; label: string; higher: boolean }> = {
  regression: { key: 'rmse', label: 'RMSE', higher: false },
  classification: { key: 'accuracy', label: 'accuracy', higher: true },
  tokens: { key: 'tokenAccuracy', label: 'token accuracy', higher: true },
  generation: { key: 'tokenAccuracy', label: 'token accuracy', higher: true }
}

const NAMES: Record<string, string> = {
  persistence: 'persistence',
  seasonalNaive: 'seasonal naive',
  classPrior: 'class prior',
  majority: 'majority class',
  unigram: 'unigram'
}

export const METRIC_LABELS: Record<string, string> = {
  rmse: 'RMSE',
  mae: 'MAE',
  accuracy: 'accuracy',
  tokenAccuracy: 'token accuracy',
  exactMatch: 'exact match',
  novelty: 'novelty',
  loss: 'loss'
}

export function baselineName(key: string): string {
  return NAMES[key] ?? key
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toPrecision(3) : v.toFixed(Math.abs(v) < 1 ? 3 : 2)
}

interface Candidate {
  name: string
  what: string
  run: number
  base: number
  higher: boolean
}

/** Every (run, baseline) pair that can be compared: the metric where the baseline has it, else the loss. */
function candidates(valLoss: number | null, m: ValMetrics | null, b: Baselines): Candidate[] {
  const out: Candidate[] = []
  const add = (name: string, what: string, run: number | null | undefined, base: number, higher: boolean) => {
    if (run != null && Number.isFinite(run) && Number.isFinite(base)) out.push({ name, what, run, base, higher })
  }
  if (b.persistence) add('persistence', 'RMSE', m?.rmse, b.persistence.rmse, false)
  if (b.seasonalNaive) add('seasonalNaive', 'RMSE', m?.rmse, b.seasonalNaive.rmse, false)
  if (b.majority) add('majority', 'accuracy', m?.accuracy, b.majority.accuracy, true)
  if (b.classPrior) add('classPrior', 'loss', valLoss, b.classPrior.loss, false)
  if (b.unigram) add('unigram', 'loss', valLoss, b.unigram.loss, false)
  return out
}

/**
 * In words: whether the run beats the best of its baselines, and by what figure — e.g. "does not beat
 * persistence: RMSE 1.23 vs 0.98". Null when there is nothing to compare (no baselines or no validation figures).
 * The best baseline is the one that is hardest to beat for each figure; the run must beat every one.
 */
export function verdictOf(valLoss: number | null, m: ValMetrics | null, b: Baselines | null): string | null {
  if (!b) return null
  const c = candidates(valLoss, m, b)
  if (!c.length) return null
  const lost = c.filter((x) => (x.higher ? !(x.run > x.base) : !(x.run < x.base)))
  const pick = (list: Candidate[]) =>
    list.reduce((w, x) => {
      // the largest margin by which the run loses, or the smallest by which it wins
      const mx = x.higher ? x.base - x.run : x.run - x.base,
        mw = w.higher ? w.base - w.run : w.run - w.base
      return mx / Math.max(Math.abs(x.base), 1e-12) > mw / Math.max(Math.abs(w.base), 1e-12) ? x : w
    })
  const x = pick(lost.length ? lost : c)
  const say = `${baselineName(x.name)}: ${x.what} ${fmt(x.run)} vs ${fmt(x.base)}`
  return lost.length ? `does not beat ${say}` : `beats its best baseline, ${say}`
}

/** True when the verdict says the run loses to a baseline. */
export function losesToBaseline(verdict: string | null | undefined): boolean {
  return !!verdict && verdict.startsWith('does not beat')
}

/** "RMSE 0.412, MAE 0.301" — the metrics in a fixed order, shares as percentages. */
export function formatMetrics(m: ValMetrics | null | undefined): string {
  if (!m) return '—'
  const order = ['rmse', 'mae', 'accuracy', 'tokenAccuracy', 'exactMatch', 'novelty']
  const share = new Set(['accuracy', 'tokenAccuracy', 'exactMatch', 'novelty'])
  return order
    .filter((k) => m[k] != null)
    .map((k) => `${METRIC_LABELS[k]} ${share.has(k) ? `${(m[k] * 100).toFixed(1)} %` : fmt(m[k])}`)
    .join(', ')
}

/** "persistence: RMSE 0.98, MAE 0.71, loss 0.112; seasonal naive (period 12): …" */
export function formatBaselines(b: Baselines | null | undefined): string {
  if (!b) return '—'
  const parts = Object.entries(b)
    .filter(([, v]) => v)
    .map(([k, v]) => {
      const { period, ...figures } = v as Record<string, number>
      const shown = Object.entries(figures).map(([f, x]) =>
        f === 'accuracy' ? `accuracy ${(x * 100).toFixed(1)} %` : `${METRIC_LABELS[f] ?? f} ${fmt(x)}`
      )
      return `${baselineName(k)}${period ? ` (period ${period})` : ''}: ${shown.join(', ')}`
    })
  return parts.length ? parts.join('; ') : '—'
}

/** A stored run's task kind, read off its metrics (or its baselines before the first epoch); null when neither says. */
export function kindOfResults(m: ValMetrics | null | undefined, b?: Baselines | null): MetricKind | null {
  if (m?.rmse != null || b?.persistence) return 'regression'
  if (m?.exactMatch != null) return 'tokens'
  if (m?.tokenAccuracy != null || b?.unigram) return 'generation'
  if (m?.accuracy != null || b?.majority) return 'classification'
  return null
}

/** The headline metric of a run — RMSE, accuracy or token accuracy — with its label, or null. */
export function headlineOf(
  m: ValMetrics | null | undefined
): { key: string; label: string; higher: boolean; value: number } | null {
  const kind = kindOfResults(m)
  if (!kind || !m) return null
  const h = HEADLINE[kind]
  return m[h.key] != null ? { ...h, value: m[h.key] } : null
}
