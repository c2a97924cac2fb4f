// While two runs train at once, at most ~10 training updates a second per run reach the
// renderer, and none of their content is lost. The runs have tiny epochs (10 steps each): the worker sends
// their steps ~10 times a second and the epochs in batches about once a second, main emits one
// `training.epoch` per epoch — dozens a second per run — and the coalescing between service and window
// (src-main/shell/event-coalescer.ts) keeps the page's rate down.
import { expect, test } from './helpers/app'
import { maxInWindow, received, recordTrainingEvents } from './helpers/events'
import { callApi, seedRuns } from './helpers/seed'

// Two runs at once, one thread each (a run alone would take both cores, and finish before the other starts)
test.use({ appEnv: { RNN_WORKBENCH_MAX_RUNS: '2', RNN_THREADS: '1' } })

// long enough that the second run starts well before the first ends (200 took 0.6–0.8 s per run, and the second started up to 0.8 s after the first)
const EPOCHS = 1200

test('two runs training together: ≤ ~10 progress events a second per run reach the page, every step and epoch arrives', async ({
  page
}) => {
  await recordTrainingEvents(page)
  const t0 = await page.evaluate(() => performance.now())
  const ids = await seedRuns(page, [
    { name: 'fast a', hidden: 4, epochs: EPOCHS, batch: 64 },
    { name: 'fast b', hidden: 4, epochs: EPOCHS, batch: 64 }
  ])
  for (const id of ids) {
    await expect(page.locator(`[data-testid="experiment-item"][data-id="${id}"]`)).toHaveAttribute(
      'data-status',
      'completed',
      { timeout: 150_000 }
    )
  }
  const got = await received(page)
  const spans = ids.map((id) => {
    const ts = got.filter((g) => g.id === id).map((g) => g.t)
    return { first: Math.min(...ts), last: Math.max(...ts) }
  })
  // They really trained side by side: each began before the other ended.
  expect(spans[0]!.first, JSON.stringify(spans)).toBeLessThan(spans[1]!.last)
  expect(spans[1]!.first, JSON.stringify(spans)).toBeLessThan(spans[0]!.last)

  for (const id of ids) {
    const progress = got.filter((g) => g.id === id && g.kind === 'progress')
    const times = progress.map((g) => g.t)
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000
    const busiest = maxInWindow(times, 1000)
    const line = `${progress.length} progress events over ${seconds.toFixed(1)} s (from ${((Math.min(...times) - t0) / 1000).toFixed(1)} s after the start), at most ${busiest} in any second`
    console.log(`event rate, run ${id}: ${line}`)
    test.info().annotations.push({ type: `run ${id}`, description: line })
    // One delivery per 100 ms at the source; one more in a second allows for delivery jitter.
    expect(busiest, `progress events of run ${id} in its busiest second`).toBeLessThanOrEqual(11)
    expect(progress.length, `progress events of run ${id} over ${seconds.toFixed(2)} s`).toBeLessThanOrEqual(
      Math.floor(seconds * 10) + 2
    )

    // Nothing was lost on the way: the page saw every stored step once, in order, and every epoch.
    const steps = progress.flatMap((g) => g.steps)
    const stored = await callApi<{ steps: { step: number }[]; epochs: { epoch: number }[] }>(page, 'experiments.get', {
      id
    })
    expect(steps).toEqual(stored.steps.map((s) => s.step))
    expect(stored.epochs).toHaveLength(EPOCHS)
    const epochs = got.filter((g) => g.id === id && g.kind === 'epoch')
    expect(epochs).toHaveLength(EPOCHS)
  }
})
