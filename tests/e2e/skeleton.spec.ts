// The whole path through the app: import a CSV (file picker, sample button, drop, refusal), configure a
// many-to-one LSTM, train with a live loss chart, stop a run, and reopen a run after the app restarts
// on the same data folder. Runs in both shells (helpers/app.ts).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './helpers/app'
import { ROOT } from './helpers/server'
import { chartPoints, pointHistory, recordChartPoints, shot, shotOf, unlabelledControls } from './helpers/ui'

const CO2 = join(ROOT, 'resources/samples/co2-monthly.csv')

async function configure(page: Page, o: { hidden: number; epochs: number; batch?: number }): Promise<void> {
  await page.getByTestId('target-select').selectOption('CO2')
  await page.getByTestId('window-input').fill('12')
  await page.getByTestId('hidden-input').fill(String(o.hidden))
  await page.getByTestId('epochs-input').fill(String(o.epochs))
  if (o.batch) {
    await page.getByTestId('advanced-toggle').click()
    await page.getByTestId('batch-input').fill(String(o.batch))
  }
}

const finiteLoss = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/

test('import with the file picker, train 3 epochs live, reopen the run after a restart', async ({ page, app }) => {
  await expect(page.getByTestId('data-empty')).toBeVisible()
  await expect(page.getByTestId('experiments-empty')).toBeVisible()
  await shot(page, '01-empty')

  await page.getByTestId('file-input').setInputFiles(CO2)
  await expect(page.getByTestId('dataset-name')).toHaveText('co2-monthly')
  const headers = page.getByTestId('column-header')
  await expect(headers).toHaveCount(3)
  await expect(headers.nth(0).getByTestId('column-type')).toContainText('date')
  await expect(headers.nth(1)).toContainText('CO2')
  await expect(headers.nth(1).getByTestId('column-type')).toContainText('numeric')
  await expect(headers.nth(1)).toContainText('mean')
  await expect(page.getByTestId('preview-table').locator('tbody tr').first()).toContainText('315.70')
  await shot(page, '02-imported')

  await configure(page, { hidden: 8, epochs: 3, batch: 8 })
  expect(await unlabelledControls(page), 'controls without an accessible name').toEqual([])
  await recordChartPoints(page)
  await page.getByTestId('train-button').click()

  const result = page.getByTestId('run-status')
  await expect(result).toHaveAttribute('data-status', 'completed', { timeout: 120_000 })
  await expect(page.getByTestId('stat-epoch')).toHaveText('3 / 3')
  for (const id of ['stat-train-loss', 'stat-val-loss']) await expect(page.getByTestId(id)).toHaveText(finiteLoss)

  // The curve grew while the run was training: several increasing point counts, some seen mid-run.
  const history = await pointHistory(page)
  const counts = history.map((h) => h.n).filter((n) => n > 0)
  expect(new Set(counts).size, `point counts seen: ${counts.join(', ')}`).toBeGreaterThanOrEqual(2)
  expect(
    history.some((h) => h.n > 0 && h.phase === 'running'),
    JSON.stringify(history)
  ).toBe(true)
  const finalPoints = await chartPoints(page)
  expect(finalPoints).toBeGreaterThan(counts[0]!)
  expect(finalPoints).toBeGreaterThanOrEqual(3)
  await shot(page, '03-trained')

  const item = page.getByTestId('experiment-item').first()
  await expect(item).toHaveAttribute('data-status', 'completed')
  await expect(item.getByTestId('experiment-config')).toContainText('LSTM · hidden 8 · window 12 · 3 epochs')
  await expect(item.getByTestId('experiment-losses')).not.toContainText('—')

  // Restart on the same data folder: the page says the server went away (browser mode; Electron's
  // window closes with its app); the run is listed and its curve reopens.
  await app.stop()
  if (app.shell === 'browser') await expect(page.getByTestId('connection-lost')).toBeVisible()
  page = await app.start()
  const again = page.getByTestId('experiment-item').first()
  await expect(again).toHaveAttribute('data-status', 'completed')
  await page.reload()
  await page.getByTestId('experiment-item').first().click()
  await expect(page.getByTestId('chart-title')).toBeVisible()
  await expect.poll(() => chartPoints(page)).toBe(finalPoints)
  await expect(page.getByTestId('dataset-name')).toHaveText('co2-monthly')
  await expect(page.getByTestId('connection-lost')).toHaveCount(0)
  await expect(page.getByTestId('chart-caption')).toContainText('3/3 epochs')
  await shot(page, '04-reopened')
  await shotOf(page.getByTestId('training-card'), '04b-reopened-training-card')

  // Its settings go back into the form.
  await page.getByTestId('reuse-settings').click()
  await expect(page.getByTestId('hidden-input')).toHaveValue('8')
  await expect(page.getByTestId('epochs-input')).toHaveValue('3')
  await expect(page.getByTestId('window-input')).toHaveValue('12')

  // The chart follows a switch to the dark theme (colours come from CSS custom properties).
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(17, 20, 24)')
  await page.waitForTimeout(200)
  await shot(page, '05-reopened-dark')
})

test('open samples and drop a CSV on the window', async ({ page }) => {
  await page.getByTestId('sample-seattle-weather').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Seattle weather (daily)')
  await expect(page.getByTestId('column-header')).toHaveCount(6)
  // The sample pre-selects the mapping it suits (aligned many-to-many, the weather label of every day).
  await expect(page.getByTestId('target-select')).toHaveValue('weather')
  await expect(page.getByTestId('target-select').locator('option')).toHaveText([
    'precipitation',
    'temp_max',
    'temp_min',
    'wind',
    'weather'
  ])

  await page.getByTestId('sample-co2-monthly').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
  await expect(page.getByTestId('recent-dataset')).toHaveCount(2)
  await page.setViewportSize({ width: 1000, height: 760 })
  await shot(page, '10-narrow-window')
  await page.setViewportSize({ width: 1280, height: 860 })

  // A file dropped anywhere on the window is imported.
  const drop = await page.evaluateHandle(() => {
    const dt = new DataTransfer()
    dt.items.add(new File(['t,level\n1,0.5\n2,0.7\n3,0.6\n4,0.9\n'], 'dropped-levels.csv', { type: 'text/csv' }))
    return dt
  })
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: drop })
  await expect(page.getByTestId('drop-overlay')).toBeVisible()
  await shot(page, '06-drop-overlay')
  await page.dispatchEvent('main', 'drop', { dataTransfer: drop })
  await expect(page.getByTestId('drop-overlay')).toBeHidden()
  await expect(page.getByTestId('dataset-name')).toHaveText('dropped-levels')
  await expect(page.getByTestId('target-select').locator('option')).toHaveText(['t', 'level'])
})

test('a CSV with a non-number in a numeric column names it by line and column', async ({ page, app }) => {
  const bad = join(app.dataDir, 'bad-temps.csv')
  // 19 of 20 values are numbers, so "temp" is numeric and the odd one out is named (line 7 = row 6).
  const rows = ['date,temp,wind']
  for (let i = 1; i <= 20; i++)
    rows.push(`2024-01-${String(i).padStart(2, '0')},${i === 6 ? 'abc' : 10 + i / 2},${i}.5`)
  writeFileSync(bad, rows.join('\n') + '\n')
  await page.getByTestId('file-input').setInputFiles(bad)
  const warnings = page.getByTestId('dataset-warnings')
  await expect(warnings).toBeVisible()
  await expect(warnings).toContainText('line 7, column "temp": "abc" is not a number')
  await shot(page, '07-bad-csv')
})

test('Stop ends a long run early', async ({ page }) => {
  await page.getByTestId('sample-co2-monthly').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
  await configure(page, { hidden: 48, epochs: 2000, batch: 4 })
  await page.getByTestId('train-button').click()
  await expect.poll(() => chartPoints(page), { timeout: 60_000 }).toBeGreaterThan(20)
  await expect(page.getByTestId('stat-eta')).not.toHaveText('—')
  await shot(page, '08-training')

  // A reloaded window picks the running run up again: live curve, progress and a working Stop.
  await page.reload()
  await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'running')
  await expect.poll(() => chartPoints(page)).toBeGreaterThan(20)
  const before = await chartPoints(page)
  await expect.poll(() => chartPoints(page), { timeout: 60_000 }).toBeGreaterThan(before)
  await page.getByTestId('stop-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 })
  await expect(page.getByTestId('experiment-item').first()).toHaveAttribute('data-status', 'stopped')
  await expect(page.getByTestId('train-button')).toBeEnabled()
  await shot(page, '09-stopped')
})
