// Every number on the Train screen belongs to the run next to it: a run opened from Experiments shows its own
// figures in the strip (not those of the run this window trained last); a resumed run's best loss and training time
// move with its curve; a paused run says so in the ETA and on the main button.
import type { Page } from '@playwright/test'
import { expect, test } from './helpers/app'
import { callApi, seedRuns } from './helpers/seed'
import { shot } from './helpers/ui'

const fmt = (x: number) => (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(3) : x.toPrecision(4))

async function openOnTrain(page: Page, id: number): Promise<void> {
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', /completed|stopped/, { timeout: 90_000 })
  await row.click()
  await page.getByTestId('exp-open').click()
}

test("a run opened on Train shows its own figures in the strip, not the last trained run's", async ({ page }) => {
  await page.getByTestId('sample-co2-monthly').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
  await page.getByTestId('target-select').selectOption('CO2')
  await page.getByTestId('epochs-input').fill('2')
  await page.getByTestId('train-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 })
  await expect(page.getByTestId('stat-epoch')).toHaveText('2 / 2')

  const [other] = await seedRuns(page, [{ name: 'the other run', hidden: 4, epochs: 3 }])
  await openOnTrain(page, other!)
  const d = await callApi<{ trainLoss: number; valLoss: number }>(page, 'experiments.get', { id: other })
  await expect(page.getByTestId('chart-title')).toHaveText('the other run')
  await expect(page.getByTestId('stats')).toHaveAttribute('data-run', String(other))
  await expect(page.getByTestId('stat-epoch')).toHaveText('3 / 3')
  await expect(page.getByTestId('stat-train-loss')).toHaveText(fmt(d.trainLoss))
  await expect(page.getByTestId('stat-val-loss')).toHaveText(fmt(d.valLoss))
  await expect(page.getByTestId('stat-eta')).toHaveText('—')
  await expect(page.getByTestId('caption-epochs')).toHaveText('3/3 epochs')
  await expect(page.getByTestId('run-status')).toContainText(`#${other} completed: 3 of 3 epochs`)
  await shot(page, '62-strip-of-opened-run')
})

test("a resumed run's best loss and training time follow its curve; paused says so", async ({ page }) => {
  const [id] = await seedRuns(page, [{ name: 'long', hidden: 32, epochs: 5000, batch: 4 }])
  const item = page.locator(`[data-testid="experiment-item"][data-id="${id}"]`)
  await expect
    .poll(async () => (await callApi<{ epochsDone: number }>(page, 'experiments.get', { id })).epochsDone, {
      timeout: 60_000
    })
    .toBeGreaterThanOrEqual(3)
  await callApi(page, 'experiments.stop', { id })
  await expect(item).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 })

  await page.getByTestId('tab-experiments').click()
  await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).click()
  await page.getByTestId('exp-resume').click()
  await page.getByTestId('tab-train').click()
  await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'running')
  const seconds = async () => {
    const m = /([\d.]+) s training/.exec((await page.getByTestId('chart-caption').textContent()) ?? '')
    return m ? Number(m[1]) : 0
  }
  const t0 = await seconds()
  await expect.poll(seconds, { timeout: 60_000 }).toBeGreaterThan(t0 + 1)
  // the best shown is the best of the epochs on the curve so far, stored ones and live ones alike
  await expect
    .poll(
      async () => {
        const caption = (await page.getByTestId('chart-caption').textContent()) ?? ''
        const listed = await callApi<{ bestValLoss: number }[]>(page, 'experiments.list')
        const e = (listed as unknown as { id: number; bestValLoss: number }[]).find((x) => x.id === id)!
        const shown = /\(best ([\d.e+-]+)\)/.exec(caption)?.[1] ?? /val ([\d.e+-]+)/.exec(caption)?.[1]
        return Number(shown) <= e.bestValLoss + 1e-12
      },
      { timeout: 30_000 }
    )
    .toBe(true)
  await expect(page.getByText('This run recorded no diagnostics.')).toHaveCount(0)

  await page.getByTestId('pause-button').click()
  await expect(page.getByTestId('run-status')).toContainText('Paused', { timeout: 30_000 })
  await expect(page.getByTestId('stat-eta')).toHaveText('paused')
  await expect(page.getByTestId('train-button')).toHaveText('Paused')
  await shot(page, '63-resumed-paused')
  await page.getByTestId('stop-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 })
})
