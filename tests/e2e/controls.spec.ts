// Controls that say what they do: Esc only pauses a run (Stop stops it) and a stopped run resumes from the Train
// screen; Train is disabled while the preview refuses the mapping, and comes back when it is fixed; the target gap
// is named for what it does; the event log is written in sentences.
import { expect, test } from './helpers/app'
import { shot } from './helpers/ui'

test('Esc pauses and never stops; a stopped run resumes from Train; the log reads as sentences', async ({ page }) => {
  await page.getByTestId('sample-co2-monthly').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
  await page.getByTestId('target-select').selectOption('CO2')
  await page.getByTestId('epochs-input').fill('3000')
  await page.getByTestId('train-button').click()
  await expect(page.getByTestId('pause-button')).toBeEnabled({ timeout: 60_000 })
  await page.locator('body').press('Escape')
  await expect(page.getByTestId('run-status')).toContainText('Paused', { timeout: 30_000 })
  await expect(page.getByTestId('experiment-item').first()).toHaveAttribute('data-status', 'paused')
  await page.getByTestId('stop-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 })

  const stoppedAt = Number((await page.getByTestId('stat-epoch').textContent())!.split('/')[0])
  await page.getByTestId('resume-button').click()
  await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'running', { timeout: 30_000 })
  await expect
    .poll(async () => Number((await page.getByTestId('stat-epoch').textContent())!.split('/')[0]), { timeout: 60_000 })
    .toBeGreaterThan(stoppedAt)
  await page.getByTestId('stop-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 })

  await page.getByTestId('tab-experiments').click()
  await page.getByTestId('exp-row').first().click()
  await expect(page.getByTestId('exp-row').first()).toContainText('CO2 ← ')
  const log = page.getByTestId('exp-events')
  await log.locator('xpath=..').locator('summary').click()
  await expect(log).toContainText('Training started.')
  await expect(log).toContainText('Paused.')
  await expect(log).toContainText(/Resumed from epoch \d+\./)
  await expect(log).toContainText('Stopped; it can be resumed')
  expect(await log.textContent()).not.toMatch(/[{}"]/)
  await shot(page, '64-event-log')
})

test('Train is disabled while the preview refuses the mapping, and the refusal goes when it is fixed', async ({
  page
}) => {
  await page.getByTestId('sample-co2-monthly').click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
  await page.getByTestId('target-select').selectOption('CO2')
  await expect(page.getByText('Target gap')).toBeVisible()
  await expect(page.getByText("Rows between the window's last row and the target row")).toBeVisible()
  // the validation part (the last 149 rows) cannot hold one window of 12 + 140 + 1 rows: only the service knows
  await page.getByTestId('gap-input').fill('140')
  await expect(page.getByTestId('sequences-preview')).toHaveAttribute('data-state', 'refused', { timeout: 30_000 })
  await expect(page.getByTestId('train-button')).toBeDisabled()
  await expect(page.getByTestId('run-status')).toContainText('cannot use the data as set up')
  await shot(page, '65-train-disabled-on-refusal')
  await page.getByTestId('gap-input').fill('0')
  await expect(page.getByTestId('sequences-preview')).toHaveAttribute('data-state', 'ok', { timeout: 30_000 })
  await expect(page.getByTestId('train-button')).toBeEnabled()
  await expect(page.getByTestId('run-status')).toContainText('Ready: press Train')
})
