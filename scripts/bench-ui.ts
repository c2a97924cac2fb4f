// UI responsiveness while two runs train: drives browser mode with Playwright and prints
// frame-time and long-task statistics as JSON. Not part of `npm test` (numbers, not assertions).
//
//   npm run build && npm run bench:ui [-- --seconds 12 --hidden 32 --batch 16]
//   (--hidden 4 --batch 64: tiny epochs, dozens a second per run — the renderer's worst case)
//
// It starts `node out/main/serve.js` on a fresh data folder with RNN_WORKBENCH_MAX_RUNS=2, opens the
// Debian Chromium (CHROMIUM=/path to use another), starts two LSTM runs on the CO2 sample, shows the
// first one's live loss chart and then, for --seconds, records in the page:
// - requestAnimationFrame deltas (frame times; 16.7 ms = 60 fps),
// - PerformanceObserver 'longtask' entries (main-thread tasks over 50 ms),
// - training.progress events received per run (a second EventSource on the same server),
// - loss-chart redraws, and every 2 s the time from a tab click to the next painted frame.
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { ROOT, startServer } from '../tests/e2e/helpers/server'
import { callApi, seedRuns } from '../tests/e2e/helpers/seed'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '12' },
    hidden: { type: 'string', default: '32' },
    batch: { type: 'string', default: '16' }
  },
  strict: true
})
const seconds = Number(values.seconds),
  hidden = Number(values.hidden),
  batch = Number(values.batch)
if (!(seconds > 0)) throw new Error(`--seconds: "${values.seconds}" is not a positive number`)
if (!Number.isInteger(hidden) || hidden < 1)
  throw new Error(`--hidden: "${values.hidden}" is not a positive whole number`)
if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch: "${values.batch}" is not a positive whole number`)
if (!existsSync(join(ROOT, 'out/main/serve.js')))
  throw new Error('out/main/serve.js is missing: run `npm run build` first')

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => (s.length ? Number(s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1)) : null)
  return {
    count: s.length,
    mean: s.length ? Number((s.reduce((a, b) => a + b, 0) / s.length).toFixed(1)) : null,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: s.length ? Number(s[s.length - 1]!.toFixed(1)) : null
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rnn-wb-bench-ui-'))
  const server = await startServer(dataDir, 30_000, { RNN_WORKBENCH_MAX_RUNS: '2' })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run'
    ]
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    // tsx (esbuild, keepNames) wraps the functions below in __name(…) calls, which the page lacks.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f' })
    await page.goto(server.url)
    await page.getByTestId('app-mode').waitFor()
    const [a, b] = await seedRuns(page, [
      { name: 'bench a', hidden, epochs: 50_000, batch },
      { name: 'bench b', hidden, epochs: 50_000, batch }
    ])
    const item = (id: number) => page.locator(`[data-testid="experiment-item"][data-id="${id}"]`)
    for (const id of [a!, b!]) await item(id).and(page.locator('[data-status="running"]')).waitFor({ timeout: 120_000 })
    await item(a!).click()
    await page.getByTestId('training-card').evaluate((el) => {
      const col = el.closest('.col') as HTMLElement | null
      if (col) col.scrollTop += el.getBoundingClientRect().top - col.getBoundingClientRect().top
    })
    // Let the curve start growing before measuring.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) > 50,
      undefined,
      { timeout: 120_000 }
    )

    await page.evaluate(() => {
      const w = window as unknown as {
        __bench: {
          frames: number[]
          longTasks: number[]
          progress: Record<number, number>
          stop: boolean
          redraws0: number
        }
      }
      const chart = () =>
        Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-redraws') ?? 0)
      w.__bench = { frames: [], longTasks: [], progress: {}, stop: false, redraws0: chart() }
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__bench.longTasks.push(e.duration)
      }).observe({ type: 'longtask' })
      let last = performance.now()
      const tick = (t: number) => {
        w.__bench.frames.push(t - last)
        last = t
        if (!w.__bench.stop) requestAnimationFrame(tick)
      }
      requestAnimationFrame((t) => {
        last = t
        requestAnimationFrame(tick)
      })
      // the event stream takes the page's token in a header, as the page's own stream does (no EventSource)
      void (async () => {
        const token = new URLSearchParams(location.search).get('token') ?? ''
        const res = await fetch('/api/events', { headers: { 'x-workbench-token': token } })
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
        let buf = '',
          event = ''
        while (!w.__bench.stop) {
          const { value, done } = await reader.read()
          if (done) break
          buf += value
          const lines = buf.split('\n')
          buf = lines.pop()!
          for (const line of lines) {
            if (line.startsWith('event:')) event = line.slice(6).trim()
            else if (line.startsWith('data:') && event === 'training.progress') {
              const id = JSON.parse(line.slice(5)).experimentId as number
              w.__bench.progress[id] = (w.__bench.progress[id] ?? 0) + 1
            } else if (line === '') event = ''
          }
        }
        void reader.cancel()
      })()
    })

    // Every 2 s: a tab click, timed to the frame that shows it.
    const tabSwitchMs: number[] = []
    const started = Date.now()
    let tab: 'experiments' | 'train' = 'experiments'
    while (Date.now() - started < seconds * 1000) {
      await page.waitForTimeout(2000)
      tabSwitchMs.push(
        await page.evaluate(
          (tab) =>
            new Promise<number>((resolve) => {
              const t0 = performance.now()
              document.querySelector<HTMLButtonElement>(`[data-testid="tab-${tab}"]`)!.click()
              requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)))
            }),
          tab
        )
      )
      tab = tab === 'experiments' ? 'train' : 'experiments'
    }
    const elapsed = (Date.now() - started) / 1000
    const raw = await page.evaluate(() => {
      const w = window as unknown as {
        __bench: {
          frames: number[]
          longTasks: number[]
          progress: Record<number, number>
          stop: boolean
          redraws0: number
        }
      }
      w.__bench.stop = true
      const el = document.querySelector('[data-testid="loss-chart"]')
      return {
        ...w.__bench,
        redraws: Number(el?.getAttribute('data-redraws') ?? 0),
        points: Number(el?.getAttribute('data-points') ?? 0),
        drawn: Number(el?.getAttribute('data-drawn') ?? 0)
      }
    })
    for (const id of [a!, b!]) await callApi(page, 'experiments.stop', { id })
    const frames = stats(raw.frames)
    const report = {
      seconds: Number(elapsed.toFixed(1)),
      runs: { count: 2, cell: 'lstm', hidden, batch, sample: 'co2-monthly' },
      frames: {
        ...frames,
        fps: Number((raw.frames.length / elapsed).toFixed(1)),
        over50ms: raw.frames.filter((f) => f > 50).length
      },
      longTasks: {
        ...stats(raw.longTasks),
        totalMs: Number(raw.longTasks.reduce((x, y) => x + y, 0).toFixed(0)),
        shareOfTime: Number((raw.longTasks.reduce((x, y) => x + y, 0) / (elapsed * 1000)).toFixed(3))
      },
      progressEventsPerSecond: Object.fromEntries(
        Object.entries(raw.progress).map(([id, n]) => [id, Number((n / elapsed).toFixed(1))])
      ),
      chart: {
        redrawsPerSecond: Number(((raw.redraws - raw.redraws0) / elapsed).toFixed(1)),
        points: raw.points,
        drawn: raw.drawn
      },
      tabSwitchToPaintMs: stats(tabSwitchMs),
      machine: { cpus: cpus().length, loadavg1: Number(loadavg()[0]!.toFixed(2)) }
    }
    process.stdout.write(JSON.stringify(report, null, 2) + '\n')
  } finally {
    await browser.close()
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench-ui: ${e.message}\n`)
  process.exit(1)
})
