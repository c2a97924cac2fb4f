// A general line chart for the internals and the comparison: Chart.js with only the parts it uses
// registered, no animation, pre-parsed {x, y} points (parsing: false, normalized: true), min-max
// decimation, and `update('none')` when the data is replaced.
import {
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset
} from 'chart.js'
import { fmtTick, palette, thinLogTicks, type Palette } from './palette'

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Decimation,
  Filler,
  Legend,
  Tooltip
)

export interface XY {
  x: number
  y: number
}

/** One line: colour, dash, width; `fill` = index of the dataset to fill towards (for ± bands). */
export interface Line {
  label: string
  data: XY[]
  color: string
  width?: number
  dash?: number[]
  points?: boolean
  fill?: number | false
  fillColor?: string
  /** Hidden from the legend (band edges). */
  quiet?: boolean
}

export interface LineOptions {
  xTitle: string
  yTitle: string
  logY?: boolean
  legend?: boolean
  xInteger?: boolean
}

export interface LineChart {
  set(lines: Line[], opts: LineOptions): void
  restyle(): void
  destroy(): void
}

export function createLineChart(canvas: HTMLCanvasElement): LineChart {
  let p: Palette = palette(canvas)
  let opts: LineOptions = { xTitle: '', yTitle: '' }
  const chart = new Chart<'line', XY[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      plugins: {
        decimation: { enabled: true, algorithm: 'min-max' },
        legend: {
          position: 'top',
          align: 'end',
          labels: {
            boxWidth: 14,
            boxHeight: 2,
            filter: (item, data) => !(data.datasets[item.datasetIndex!] as { quiet?: boolean }).quiet
          }
        },
        tooltip: { callbacks: { label: (item) => ` ${item.dataset.label}: ${fmtTick(item.parsed.y ?? NaN)}` } }
      }
    }
  })

  function applyOptions(): void {
    const o = chart.options
    o.scales = {
      x: {
        type: 'linear',
        title: { display: true, text: opts.xTitle, color: p.muted },
        ticks: { color: p.muted, maxTicksLimit: 8, precision: opts.xInteger ? 0 : undefined, callback: fmtTick },
        grid: { color: p.grid }
      },
      y: {
        type: opts.logY ? 'logarithmic' : 'linear',
        title: { display: true, text: opts.yTitle, color: p.muted },
        ticks: { color: p.muted, maxTicksLimit: 6, callback: fmtTick },
        afterBuildTicks: thinLogTicks,
        grid: { color: p.grid }
      }
    }
    o.plugins!.legend!.display = opts.legend !== false
    o.plugins!.legend!.labels!.color = p.text
  }

  return {
    set(lines, next) {
      opts = next
      chart.data.datasets = lines.map((l): ChartDataset<'line', XY[]> & { quiet?: boolean } => ({
        label: l.label,
        data: l.data,
        borderColor: l.color,
        backgroundColor: l.fill === undefined || l.fill === false ? l.color : (l.fillColor ?? l.color),
        borderWidth: l.width ?? 2,
        borderDash: l.dash,
        pointRadius: l.points ? 2.5 : 0,
        pointHoverRadius: 4,
        tension: 0,
        spanGaps: true,
        fill: l.fill === undefined || l.fill === false ? false : l.fill,
        quiet: l.quiet
      }))
      applyOptions()
      chart.update('none')
    },
    restyle() {
      p = palette(canvas)
      applyOptions()
      chart.update('none')
    },
    destroy() {
      chart.destroy()
    }
  }
}
