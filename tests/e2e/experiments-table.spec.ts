// Experiments: the table sorts, filters and searches; an experiment is renamed, tagged and
// annotated, found again by its tag, duplicated into the form, and deleted after a confirmation.
import type { Page } from '@playwright/test'
import { expect, test } from './helpers/app'
import { callApi, seedRuns } from './helpers/seed'
import { shot, unlabelledControls } from './helpers/ui'

const names = (page: Page) => page.getByTestId('exp-name').allTextContents()

test('sort, filter, search; rename, tag, notes; duplicate and edit; delete', async ({ page }) => {
  await page.getByTestId('tab-experiments').click()
  await expect(page.getByTestId('exp-table-empty')).toContainText('No experiments yet')
  const [a, b, c] = await seedRuns(page, [
    { name: 'alpha', hidden: 4 },
    { name: 'charlie', hidden: 6 },
    { name: 'bravo', hidden: 5 }
  ])
  await expect(page.locator('[data-testid="exp-row"][data-status="completed"]')).toHaveCount(3, { timeout: 60_000 })

  // Newest first by default; by name ascending, then descending.
  expect(await names(page)).toEqual(['bravo', 'charlie', 'alpha'])
  await page.getByTestId('sort-name').click()
  expect(await names(page)).toEqual(['alpha', 'bravo', 'charlie'])
  await page.getByTestId('sort-name').click()
  expect(await names(page)).toEqual(['charlie', 'bravo', 'alpha'])
  await page.getByTestId('sort-valLoss').click()
  await expect(page.getByTestId('exp-row')).toHaveCount(3)

  // Search and filters.
  await page.getByTestId('exp-search').fill('char')
  expect(await names(page)).toEqual(['charlie'])
  await page.getByTestId('exp-search').fill('')
  await page.getByTestId('exp-filter-status').selectOption('failed')
  await expect(page.getByTestId('exp-table-empty')).toContainText('No experiment matches')
  await page.getByTestId('exp-filter-status').selectOption('completed')
  await page.getByTestId('exp-filter-cell').selectOption('gru')
  await expect(page.getByTestId('exp-row')).toHaveCount(0)
  await page.getByTestId('exp-filter-cell').selectOption('lstm')
  await page.getByTestId('exp-filter-mapping').selectOption('many-to-one')
  await expect(page.getByTestId('exp-row')).toHaveCount(3)

  // Rename, tag and annotate "alpha".
  await page.locator(`[data-testid="exp-row"][data-id="${a}"]`).click()
  await expect(page.getByTestId('exp-details')).toHaveAttribute('data-id', String(a))
  await page.getByTestId('exp-edit-name').fill('alpha (baseline)')
  await page.getByTestId('exp-edit-tags').fill('baseline, tiny')
  await page.getByTestId('exp-edit-notes').fill('4 units are enough for CO2')
  await page.getByTestId('exp-save').click()
  await expect(page.getByTestId('exp-saved')).toBeVisible()
  const row = page.locator(`[data-testid="exp-row"][data-id="${a}"]`)
  await expect(row.getByTestId('exp-name')).toHaveText('alpha (baseline)')
  await expect(row.getByTestId('exp-tag')).toHaveText(['baseline', 'tiny'])
  await page.getByTestId('exp-search').fill('#baseline')
  await expect(page.getByTestId('exp-row')).toHaveCount(1)
  await expect(page.getByTestId('exp-details')).toContainText('alpha (baseline)')
  await shot(page, '35-experiments')
  expect(await unlabelledControls(page), 'controls without an accessible name').toEqual([])
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot(page, '35b-experiments-dark')
  await page.emulateMedia({ colorScheme: 'light' })
  await page.getByTestId('exp-search').fill('')

  // Delete asks first.
  await page.locator(`[data-testid="exp-row"][data-id="${b}"]`).click()
  await page.getByTestId('exp-delete').click()
  await page.getByTestId('exp-delete-confirm').click()
  await expect(page.getByTestId('exp-row')).toHaveCount(2)
  await expect(page.locator(`[data-testid="exp-row"][data-id="${b}"]`)).toHaveCount(0)

  // Duplicate & edit puts the run's settings into the form on the Train screen.
  await page.locator(`[data-testid="exp-row"][data-id="${c}"]`).click()
  await page.getByTestId('exp-duplicate-edit').click()
  await expect(page.getByTestId('training-card')).toBeVisible()
  await expect(page.getByTestId('hidden-input')).toHaveValue('5')
})

test('a stopped run resumes from its details and is followed live on the Train screen', async ({ page }) => {
  const [id] = await seedRuns(page, [{ name: 'long one', hidden: 8, epochs: 2000, batch: 4 }])
  const item = page.locator(`[data-testid="experiment-item"][data-id="${id}"]`)
  await expect(item).toHaveAttribute('data-status', 'running', { timeout: 30_000 })
  await callApi(page, 'experiments.stop', { id })
  await expect(item).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 })

  await page.getByTestId('tab-experiments').click()
  await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).click()
  const done = Number(
    (await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).locator('td').nth(7).textContent())!.split('/')[0]
  )
  await page.getByTestId('exp-resume').click()
  await expect(page.locator(`[data-testid="exp-row"][data-id="${id}"]`)).toHaveAttribute('data-status', 'running', {
    timeout: 30_000
  })
  await page.getByTestId('tab-train').click()
  await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'running')
  await expect
    .poll(async () => Number((await page.getByTestId('stat-epoch').textContent())!.split('/')[0]), { timeout: 30_000 })
    .toBeGreaterThan(done)
  await page.getByTestId('stop-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 })
})
