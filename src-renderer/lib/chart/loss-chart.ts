// The loss chart: Chart.js with only the parts it uses registered, no animation, pre-parsed {x, y}
// points (parsing: false, normalized: true) and min-max decimation for long per-step curves.
import {
  animator,
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Plugin
} from 'chart.js'
import type { LossSeries, XY } from '../state/loss-series.svelte'
import { thinLogTicks } from './palette'

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Decimation, Legend, Tooltip)

interface Palette {
  text: string
  muted: string
  grid: string
  step: string
  train: string
  val: string
  surface: string
}

/** Colours come from the page's CSS custom properties, so the chart follows the light/dark theme. */
function palette(el: Element): Palette {
  const css = getComputedStyle(el)
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback
  return {
    text: v('--text', '#1d2330'),
    muted: v('--text-muted', '#5d6678'),
    grid: v('--grid', 'rgba(0,0,0,.08)'),
    step: v('--series-step', 'rgba(90,120,200,.45)'),
    train: v('--series-train', '#2456d6'),
    val: v('--series-val', '#d9480f'),
    surface: v('--surface', '#fff')
  }
}

const fmtTick = (v: number | string) => {
  const n = Number(v)
  if (!Number.isFinite(n)) return String(v)
  return Math.abs(n) !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e5)
    ? n.toExponential(0)
    : String(Number(n.toPrecision(3)))
}

/** What the x axis counts: optimizer steps (with the per-step curve), epochs, or training seconds. */
export type XMode = 'step' | 'epoch' | 'time'
const X_TITLE: Record<XMode, string> = { step: 'training step', epoch: 'epoch', time: 'training time (s)' }

/** What the last redraw drew, for tests and the UI benchmark (exposed as data-* attributes). */
export interface DrawStats {
  /** Points handed to the chart, all curves. */
  points: number
  /** Points Chart.js laid out after decimation, all curves (≪ points for a long per-step curve). */
  drawn: number
  /** Whether the min-max decimation replaced any curve's points. */
  decimated: boolean
  /** Whether an animation was still running right after the redraw (it never should). */
  animating: boolean
}

/** The y axis' title for each kind of loss the trainer reports. */
export const LOSS_TITLE = {
  mse: 'loss (MSE on normalised target)',
  ce: 'loss (cross-entropy, nats)',
  unknown: 'loss (MSE on normalised values, cross-entropy for classes)'
} as const

export interface LossChart {
  setX(mode: XMode): void
  /** Hand the series' current arrays to the chart and redraw without animation. */
  sync(): void
  setLog(log: boolean): void
  /** The y axis' title (which loss it is). */
  setYTitle(text: string): void
  /** Dashed horizontal reference lines (the run's baselines on its loss scale), labelled at their right end. */
  setBaselines(refs: Reference[]): void
  /** Re-read the theme colours (after prefers-color-scheme changed). */
  restyle(): void
  stats(): DrawStats
  destroy(): void
}

/** A horizontal reference line: a baseline's figure on the chart's y scale. */
export interface Reference {
  label: string
  y: number
}

/** Draws the references as dashed lines over the plot area, each labelled at its right end. */
export function referencePlugin(refs: () => Reference[], color: () => string): Plugin<'line'> {
  return {
    id: 'references',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: a, scales } = chart
      const y = scales.y
      if (!y) return
      ctx.save()
      ctx.strokeStyle = ctx.fillStyle = color()
      ctx.setLineDash([5, 4])
      ctx.lineWidth = 1.25
      ctx.font = '11px system-ui, sans-serif'
      ctx.textAlign = 'right'
      for (const r of refs()) {
        const py = y.getPixelForValue(r.y)
        if (!(py >= a.top && py <= a.bottom)) continue
        ctx.beginPath()
        ctx.moveTo(a.left, py)
        ctx.lineTo(a.right, py)
        ctx.stroke()
        ctx.fillText(r.label, a.right - 4, py - 4)
      }
      ctx.restore()
    }
  }
}

export function createLossChart(
  canvas: HTMLCanvasElement,
  series: LossSeries,
  log: boolean,
  mode: XMode = 'step'
): LossChart {
  let p = palette(canvas)
  // The arrays each mode reads: the step curve only exists against steps.
  const sources = (): XY[][] =>
    mode === 'step'
      ? [series.steps, series.train, series.val]
      : mode === 'epoch'
        ? [[], series.trainByEpoch, series.valByEpoch]
        : [[], series.trainByTime, series.valByTime]
  // The chart owns copies of the series' arrays: new points are appended to them (one push per
  // curve per sync); a reset of the series replaces the datasets wholesale.
  let generation = series.generation
  const makeDatasets = (): ChartDataset<'line', XY[]>[] => {
    const line = (
      label: string,
      data: XY[],
      extra: Partial<ChartDataset<'line', XY[]>>
    ): ChartDataset<'line', XY[]> => ({
      label,
      data,
      borderWidth: 2,
      pointRadius: 0,
      pointHoverRadius: 4,
      tension: 0,
      spanGaps: true,
      ...extra
    })
    const [s, t, v] = sources()
    return [
      line('step loss', s!.slice(), { borderWidth: 1, borderColor: p.step, backgroundColor: p.step, order: 3 }),
      // clip: the last epoch's marker sits on the axis' end and is drawn whole.
      line('train loss (epoch)', t!.slice(), {
        borderColor: p.train,
        backgroundColor: p.train,
        pointRadius: 3,
        order: 1,
        clip: 5
      }),
      line('validation loss (epoch)', v!.slice(), {
        borderColor: p.val,
        backgroundColor: p.val,
        pointRadius: 3,
        borderDash: [6, 3],
        order: 2,
        clip: 5
      })
    ]
  }
  let own: XY[][] = []
  const adopt = (ds: ChartDataset<'line', XY[]>[]) => {
    own = ds.map((d) => d.data)
    return ds
  }

  let refs: Reference[] = []
  const chart = new Chart<'line', XY[]>(canvas, {
    type: 'line',
    plugins: [
      referencePlugin(
        () => refs,
        () => p.muted
      )
    ],
    data: { datasets: adopt(makeDatasets()) },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { right: 6 } },
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          // fitX: the axis ends where the data ends (not at the next round number, up to a fifth of it empty).
          type: 'linear',
          title: { display: true, text: X_TITLE[mode], color: p.muted },
          ticks: { color: p.muted, maxTicksLimit: 8, precision: 0, includeBounds: false },
          grid: { color: p.grid }
        },
        y: {
          type: log ? 'logarithmic' : 'linear',
          title: { display: true, text: LOSS_TITLE.unknown, color: p.muted },
          ticks: { color: p.muted, maxTicksLimit: 6, callback: fmtTick },
          afterBuildTicks: thinLogTicks,
          grid: { color: p.grid }
        }
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'min-max' },
        legend: { position: 'top', align: 'end', labels: { color: p.text, boxWidth: 14, boxHeight: 2 } },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? `${X_TITLE[mode]} ${fmtTick(items[0]!.parsed.x ?? NaN)}` : ''),
            label: (item) => ` ${item.dataset.label}: ${fmtTick(item.parsed.y ?? NaN)}`
          }
        }
      }
    }
  })

  /** The x axis from 0 (epochs: 1) to the last point; ticks stay on round numbers inside it. */
  const fitX = () => {
    const x = chart.options.scales!.x! as { min?: number; max?: number }
    let hi = -Infinity
    for (const d of own) if (d.length) hi = Math.max(hi, d[d.length - 1]!.x)
    const lo = mode === 'epoch' ? 1 : 0
    x.min = Number.isFinite(hi) && hi > lo ? lo : undefined
    x.max = Number.isFinite(hi) && hi > lo ? hi : undefined
  }

  // Epoch markers help on short runs and only clutter long ones.
  const markers = () => {
    const radius = series.train.length > 40 ? 0 : 3
    for (const i of [1, 2]) (chart.data.datasets[i] as ChartDataset<'line', XY[]>).pointRadius = radius
  }

  return {
    sync() {
      if (series.generation !== generation) {
        generation = series.generation
        chart.data.datasets = adopt(makeDatasets())
      } else {
        const src = sources()
        for (let i = 0; i < 3; i++) {
          const to = own[i]!,
            from = src[i]!
          for (let k = to.length; k < from.length; k += 10_000)
            to.push(...from.slice(k, Math.min(from.length, k + 10_000)))
        }
      }
      markers()
      fitX()
      chart.update('none')
    },
    setX(m) {
      if (m === mode) return
      mode = m
      chart.data.datasets = adopt(makeDatasets())
      markers()
      const x = chart.options.scales!.x!
      if ('title' in x && x.title) x.title.text = X_TITLE[mode]
      const ticks = x.ticks as { precision?: number }
      ticks.precision = mode === 'time' ? undefined : 0
      fitX()
      chart.update('none')
    },
    setLog(l) {
      chart.options.scales!.y!.type = l ? 'logarithmic' : 'linear'
      chart.update('none')
    },
    setBaselines(next) {
      refs = next
      // the y axis reaches the references, so a baseline far above the curve is still seen
      const y = chart.options.scales!.y as { suggestedMin?: number; suggestedMax?: number }
      const ys = next.map((r) => r.y).filter((v) => Number.isFinite(v) && v > 0)
      y.suggestedMin = ys.length ? Math.min(...ys) : undefined
      y.suggestedMax = ys.length ? Math.max(...ys) : undefined
      chart.update('none')
    },
    setYTitle(text) {
      const y = chart.options.scales!.y as { title?: { text?: string } }
      if (y.title && y.title.text !== text) {
        y.title.text = text
        chart.update('none')
      }
    },
    restyle() {
      p = palette(canvas)
      const [s, t, v] = chart.data.datasets
      s!.borderColor = s!.backgroundColor = p.step
      t!.borderColor = t!.backgroundColor = p.train
      v!.borderColor = v!.backgroundColor = p.val
      for (const axis of [chart.options.scales!.x!, chart.options.scales!.y!]) {
        axis.ticks!.color = p.muted
        axis.grid!.color = p.grid
        if ('title' in axis && axis.title) axis.title.color = p.muted
      }
      chart.options.plugins!.legend!.labels!.color = p.text
      chart.update('none')
    },
    stats() {
      const metas = chart.data.datasets.map((_, i) => chart.getDatasetMeta(i))
      return {
        points: own.reduce((n, d) => n + d.length, 0),
        drawn: metas.reduce((n, m) => n + m.data.length, 0),
        decimated: chart.data.datasets.some((d) => (d as { _decimated?: unknown })._decimated !== undefined),
        animating: animator.has(chart as never) || animator.running(chart)
      }
    },
    destroy() {
      chart.destroy()
    }
  }
}
