// Training (live): the gate heatmaps, gate means and gradient flow appear and update epoch by
// epoch; Pause holds the run and Resume continues it; Esc only pauses it, Stop stops it; then the stopped run is
// inspected
// on its validation split (forecast plot) and a picked probe sequence refreshes the heatmaps.
import type { Page } from '@playwright/test'
import { expect, test } from './helpers/app'
import { seedSample } from './helpers/seed'
import { scrollToCard, shot, unlabelledControls } from './helpers/ui'

/** Scroll the centre column so that the loss curve and the internals below it are in view. */
const showRun = (page: Page) => scrollToCard(page, 'training-card')

const latestEpoch = async (page: Page) =>
  Number((await page.getByTestId('internals-card').getAttribute('data-latest-epoch')) || 0)

test('gates and gradients live; pause, resume, stop; then predictions and a picked probe', async ({ page }) => {
  await expect(page.getByTestId('internals-empty')).toBeVisible()
  // Ctrl+O opens the file picker of the Data card.
  // (A click on the file input is what opens the picker; it is counted rather than waiting for a
  // native dialog, whose interception races with the first key press.)
  await page.getByTestId('file-input').evaluate((el) => {
    const w = window as unknown as { __picks: number }
    w.__picks = 0
    el.addEventListener('click', (e) => {
      e.preventDefault()
      w.__picks++
    })
  })
  await page.getByTestId('internals-empty').click()
  await page.keyboard.press('Control+o')
  await expect.poll(() => page.evaluate(() => (window as unknown as { __picks: number }).__picks)).toBe(1)
  await page.getByTestId('sample-co2-monthly').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
  await page.getByTestId('target-select').selectOption('CO2')
  await page.getByTestId('hidden-input').fill('12')
  await page.getByTestId('epochs-input').fill('100000') // long enough to pause and stop however fast training is
  await page.getByTestId('advanced-toggle').click()
  await page.getByTestId('batch-input').fill('4')
  // Ctrl+Enter trains.
  await page.locator('body').press('Control+Enter')

  // After the first epoch: one heatmap per LSTM gate (i, f, g, o), the hidden state, the charts.
  const card = page.getByTestId('internals-card')
  await expect.poll(() => latestEpoch(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(1)
  await expect(card.getByTestId('gate-heatmap')).toHaveCount(4)
  await expect(card.getByTestId('gate-heatmap').first()).toHaveAttribute('data-units', '12')
  await expect(card.getByTestId('gate-heatmap').first()).toHaveAttribute('data-t', '12')
  await expect(card.getByTestId('hidden-heatmap')).toBeVisible()
  await expect(card.getByTestId('clip-fraction')).toContainText('%')
  await expect(card.getByTestId('gradient-reach')).toContainText('of the peak')
  // ... and they update: more epochs, more lines in the gradient-flow chart.
  const first = await latestEpoch(page)
  await expect.poll(() => latestEpoch(page), { timeout: 60_000 }).toBeGreaterThan(first + 1)
  await expect
    .poll(async () => Number(await page.getByTestId('gradient-flow-chart').getAttribute('data-lines')))
    .toBeGreaterThan(2)
  await expect
    .poll(async () => Number(await page.getByTestId('gate-means-chart').getAttribute('data-points')))
    .toBeGreaterThan(8)
  expect(await unlabelledControls(page), 'controls without an accessible name').toEqual([])
  // A tall window, so that the whole centre column (loss curve and internals) is on the picture.
  await page.setViewportSize({ width: 1440, height: 1900 })
  await showRun(page)
  await shot(page, '30-internals-live')

  // Pause: the run holds still; Resume: it moves on.
  await page.getByTestId('pause-button').click()
  await expect(page.getByTestId('run-status')).toContainText('Paused', { timeout: 30_000 })
  await expect(page.getByTestId('experiment-item').first()).toHaveAttribute('data-status', 'paused')
  const held = await page.getByTestId('stat-epoch').textContent()
  await page.waitForTimeout(1500)
  await expect(page.getByTestId('stat-epoch')).toHaveText(held!)
  await shot(page, '33-paused')
  await page.getByTestId('resume-button').click()
  await expect(page.getByTestId('experiment-item').first()).toHaveAttribute('data-status', 'running')
  await expect(page.getByTestId('stat-epoch')).not.toHaveText(held!, { timeout: 30_000 })

  // Esc only pauses (a stray key must not end a run); Stop stops it; the stopped run is run over its validation split.
  await page.locator('body').press('Escape')
  await expect(page.getByTestId('run-status')).toContainText('Paused', { timeout: 30_000 })
  await expect(page.getByTestId('experiment-item').first()).toHaveAttribute('data-status', 'paused')
  await page.getByTestId('stop-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 })
  await expect(card.getByTestId('forecast-chart')).toBeVisible({ timeout: 30_000 })
  await expect(card.getByTestId('prediction-errors')).toContainText('RMSE')
  await expect(card.getByTestId('gate-heatmaps')).toContainText('validation sequence #0')
  await card.getByTestId('probe-input').fill('7')
  await card.getByTestId('probe-input').press('Enter')
  await expect(card.getByTestId('gate-heatmaps')).toContainText('validation sequence #7')
  // Pointing at a cell reads out its time step, unit and value.
  await card.getByTestId('gradient-reach').scrollIntoViewIfNeeded()
  await expect(card.getByTestId('gradient-reach')).toContainText('of the peak')
  await showRun(page)
  await card.getByTestId('gate-heatmap').nth(1).locator('canvas').hover()
  await expect(card.getByTestId('gate-heatmap').nth(1)).toContainText(/t = \d+, unit \d+: [-\d.]+/)
  await shot(page, '30-internals')
  await page.setViewportSize({ width: 1280, height: 860 })

  // The loss chart's x axis and the help overlay.
  await page.getByTestId('loss-x').selectOption('epoch')
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.keyboard.press('?')
  await expect(page.getByTestId('shortcuts-help')).toBeVisible()
  await shot(page, '34-shortcuts')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('shortcuts-help')).toHaveCount(0)
  // Charts save as PNG.
  const download = page.waitForEvent('download')
  await card.getByTestId('gradient-flow').getByTestId('save-png').click()
  expect((await download).suggestedFilename()).toMatch(/^gradient-flow.*\.png$/)
})

test('classes show a confusion matrix, generated text its decoded samples (GRU gates r z n)', async ({ page }) => {
  const weather = await seedSample(page, 'seattle-weather', 'gru')
  const names = await seedSample(page, 'first-names', 'gru')
  const item = (id: number) => page.locator(`[data-testid="experiment-item"][data-id="${id}"]`)
  await expect(item(weather)).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await expect(item(names)).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await page.setViewportSize({ width: 1440, height: 1900 })

  const card = page.getByTestId('internals-card')
  await item(weather).click()
  await expect(card.getByTestId('confusion-matrix')).toBeVisible({ timeout: 30_000 })
  await expect(card.getByTestId('predictions')).toContainText('accuracy')
  await expect(card.getByTestId('gate-heatmap')).toHaveCount(3)
  await expect(card.getByTestId('gate-heatmaps')).toContainText('update gate z')
  await showRun(page)
  await shot(page, '36-confusion')

  await item(names).click()
  await expect(card.getByTestId('decoded-samples')).toBeVisible({ timeout: 30_000 })
  await expect(card.getByTestId('decoded-samples').locator('tbody tr').first()).toBeVisible()
  await page.emulateMedia({ colorScheme: 'dark' })
  await showRun(page)
  await shot(page, '37-decoded-dark')
})
