// The comparison of the experiments ticked on the Experiments screen (`experiments.compare`) and how it
// is displayed: x axis, which loss, smoothing (display only: stored data never changes), all settings
// or only the differing ones.
import { call, messageOf } from '../api'
import type { Line, XY } from '../chart/line-chart'
import { seriesColor, withAlpha } from '../chart/palette'
import type { Result } from './types'
import { lossBaselineLines, metricLines, sharedKind } from './compare-lines'
import type { MetricKind } from '../../../src-shared/metrics'

export type Comparison = Result<'experiments.compare'>
export type CompareX = 'epoch' | 'step' | 'time'

/** Exponential moving average, as TensorBoard smooths: 0 = raw, 0.99 = very smooth. */
export function smooth(points: XY[], s: number): XY[] {
  if (s <= 0 || points.length < 2) return points
  let m = points[0]!.y
  return points.map((p) => {
    m = s * m + (1 - s) * p.y
    return { x: p.x, y: m }
  })
}

export class CompareState {
  ids = $state.raw<number[]>([])
  result = $state.raw<Comparison | null>(null)
  loading = $state(false)
  error = $state<string | null>(null)
  x = $state<CompareX>('epoch')
  metric = $state<'val' | 'train'>('val')
  smoothing = $state(0)
  showAll = $state(false)
  logY = $state(true)

  private seq = 0

  async load(ids: number[]): Promise<void> {
    const seq = ++this.seq
    this.ids = ids
    this.error = null
    if (ids.length < 2 || ids.length > 10) {
      this.result = null
      return
    }
    this.loading = true
    try {
      const r = await call('experiments.compare', { ids })
      if (seq === this.seq) this.result = r
    } catch (e) {
      if (seq === this.seq) {
        this.result = null
        this.error = messageOf(e)
      }
    } finally {
      if (seq === this.seq) this.loading = false
    }
  }

  nameOf(id: number): string {
    return this.result?.experiments.find((e) => e.id === id)?.name ?? `#${id}`
  }

  /** The metric most compared runs are judged by (RMSE, accuracy, token accuracy), or null. */
  kind = $derived<MetricKind | null>(this.result ? sharedKind(this.result) : null)
  /** Each run's validation metric per epoch in the data's units, with the baselines as dashed lines. */
  metricLines = $derived.by((): Line[] => (this.result && this.kind ? metricLines(this.result, this.kind) : []))

  /** One line per experiment in the chosen x and loss, then the seed groups' mean ± std bands. */
  lines = $derived.by((): Line[] => {
    const r = this.result
    if (!r) return []
    const out: Line[] = []
    r.curves.forEach((c, i) => {
      let pts: XY[]
      if (this.x === 'step')
        pts = c.steps.filter((s) => s.loss != null && Number.isFinite(s.loss)).map((s) => ({ x: s.step, y: s.loss! }))
      else {
        let t = 0
        pts = []
        for (const e of c.epochs) {
          t += e.seconds
          const y = this.metric === 'val' ? e.valLoss : e.trainLoss
          if (y != null && Number.isFinite(y)) pts.push({ x: this.x === 'epoch' ? e.epoch : t, y })
        }
      }
      out.push({
        label: `#${c.id} ${this.nameOf(c.id)}`,
        color: seriesColor(i),
        width: 2,
        points: this.x !== 'step' && pts.length < 40,
        data: smooth(pts, this.smoothing)
      })
    })
    if (this.metric === 'val' && this.x !== 'step') {
      let hi = -Infinity
      for (const l of out) for (const p of l.data) hi = Math.max(hi, p.x)
      if (Number.isFinite(hi)) out.push(...lossBaselineLines(r, this.x === 'epoch' ? 1 : 0, hi))
    }
    if (this.x === 'epoch') {
      r.groups
        .filter((g) => g.ids.length >= 2)
        .forEach((g, k) => {
          const color = seriesColor(r.curves.length + k)
          const rows = g.epochs
            .map((e) =>
              this.metric === 'val'
                ? { x: e.epoch, m: e.valMean, s: e.valStd }
                : { x: e.epoch, m: e.trainMean, s: e.trainStd }
            )
            .filter((p): p is { x: number; m: number; s: number } => p.m != null && p.s != null)
          const upper = out.length
          out.push({
            label: `group ${g.groupId} +std`,
            color: withAlpha(color, 0.4),
            width: 1,
            quiet: true,
            data: rows.map((p) => ({ x: p.x, y: p.m + p.s }))
          })
          out.push({
            label: `group ${g.groupId} −std`,
            color: withAlpha(color, 0.4),
            width: 1,
            quiet: true,
            fill: upper,
            fillColor: withAlpha(color, 0.18),
            data: rows.map((p) => ({ x: p.x, y: Math.max(1e-12, p.m - p.s) }))
          })
          out.push({
            label: `seeds of #${g.groupId}: mean ± std (n=${g.ids.length})`,
            color,
            width: 2.5,
            dash: [6, 3],
            data: rows.map((p) => ({ x: p.x, y: p.m }))
          })
        })
    }
    return out
  })
}
