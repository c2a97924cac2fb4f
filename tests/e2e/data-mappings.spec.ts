// The Data and Model screens with every mapping's options: for each of the five mappings, open
// its sample, pick the mapping in the picker, check the unrolled diagram and the live preview, train a
// small model through the Train button and see it complete; an impossible choice is refused in place.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './helpers/app'
import { shot, shotOf, unlabelledControls } from './helpers/ui'

test.beforeEach(async ({ page }) => {
  // Let the page finish opening the newest stored dataset (AppState.init), so that it cannot land after
  // an import of the test and replace it.
  await expect(page.getByTestId('dataset-name').or(page.getByText('No data yet'))).toBeVisible()
})

async function openSample(page: Page, id: string, title: string): Promise<void> {
  await page.getByTestId(`sample-${id}`).click()
  await expect(page.getByTestId('dataset-name')).toHaveText(title)
}

async function pick(page: Page, mapping: string): Promise<void> {
  await page.getByTestId(`mapping-${mapping}`).click()
  await expect(page.getByTestId(`mapping-${mapping}`).locator('input')).toBeChecked()
}

async function expectPreview(page: Page, o: { tx: number; ty: number; counts: string; shapes: string }): Promise<void> {
  const diagram = page.getByTestId('mapping-diagram')
  await expect(diagram).toHaveAttribute('data-tx', String(o.tx))
  await expect(diagram).toHaveAttribute('data-ty', String(o.ty))
  await expect(page.getByTestId('sequences-preview')).toHaveAttribute('data-state', 'ok')
  await expect(page.getByTestId('sequences-loading')).toHaveCount(0)
  await expect(page.getByTestId('seq-counts')).toHaveText(o.counts)
  await expect(page.getByTestId('seq-shapes')).toHaveText(o.shapes)
  await expect(page.getByTestId('model-params')).toHaveText(/^\d[\d,]*$/)
  await expect(page.getByTestId('epoch-estimate')).toHaveText(/^≈ /)
}

async function trainSmall(page: Page, o: { hidden: number; epochs: number; batch?: number }): Promise<void> {
  await page.getByTestId('hidden-input').fill(String(o.hidden))
  await page.getByTestId('epochs-input').fill(String(o.epochs))
  if (o.batch) {
    await page.getByTestId('advanced-toggle').click()
    await page.getByTestId('batch-input').fill(String(o.batch))
    expect(await unlabelledControls(page), 'controls without an accessible name').toEqual([])
  }
  await expect(page.getByTestId('train-button')).toBeEnabled()
  await page.getByTestId('train-button').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 })
  await expect(page.getByTestId('stat-epoch')).toHaveText(`${o.epochs} / ${o.epochs}`)
}

/** The mapping card whole: a tall viewport, so that the scrolling column does not clip it. */
async function mappingShot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 2000 })
  await shotOf(page.getByTestId('mapping-card'), name)
  await page.setViewportSize({ width: 1280, height: 860 })
}

test('many-to-one: CO2, window 12 → next month; the diagram follows the window', async ({ page }) => {
  await openSample(page, 'co2-monthly', 'Mauna Loa CO2 (monthly)')
  await expect(page.getByTestId('mapping-many-to-one').locator('input')).toBeChecked()
  await expect(page.getByTestId('target-select')).toHaveValue('CO2')
  await expectPreview(page, {
    tx: 12,
    ty: 1,
    counts: '580 train · 137 validation',
    shapes: 'x (580, 12, 1) · y (580, 1, 1)'
  })
  // Beyond 6 steps the diagram draws 1 2 3 4 … T.
  await expect(page.getByTestId('mapping-diagram')).toHaveAttribute('data-steps', '6')
  await page.getByTestId('window-input').fill('4')
  await expect(page.getByTestId('mapping-diagram')).toHaveAttribute('data-tx', '4')
  await expect(page.getByTestId('mapping-diagram')).toHaveAttribute('data-steps', '4')
  await expect(page.getByTestId('seq-shapes')).toHaveText('x (588, 4, 1) · y (588, 1, 1)')
  expect(await unlabelledControls(page), 'controls without an accessible name').toEqual([])
  await shot(page, '20-mapping-many-to-one')
  // The time per epoch is scaled from this machine's measured speed (the engine's calibration).
  await expect(page.getByTestId('epoch-estimate')).toHaveAttribute('title', /Measured on this machine/)
  await trainSmall(page, { hidden: 8, epochs: 2, batch: 32 })
  await shot(page, '21-mapping-many-to-one-trained')
})

test('many-to-many aligned: a weather label for every day of a 14-day window, bidirectional', async ({ page }) => {
  await openSample(page, 'seattle-weather', 'Seattle weather (daily)')
  await pick(page, 'many-to-many')
  await expect(page.getByTestId('target-select')).toHaveValue('weather')
  await expectPreview(page, {
    tx: 14,
    ty: 14,
    counts: '1,155 train · 280 validation',
    shapes: 'x (1155, 14, 4) · y (1155, 14)'
  })
  await expect(page.getByTestId('seq-classes')).toContainText('5: drizzle, fog, rain, snow, sun')
  await page.getByTestId('bidirectional-input').check()
  await mappingShot(page, '22-mapping-many-to-many')
  await trainSmall(page, { hidden: 8, epochs: 1, batch: 64 })
})

test('seq2seq (Tx ≠ Ty): spelling → pronunciation, text pairs shown as text', async ({ page }) => {
  await openSample(page, 'cmudict-pronunciations', 'Spelling → pronunciation (CMUdict)')
  await expect(page.getByTestId('mapping-seq2seq').locator('input')).toBeChecked()
  await expect(page.getByTestId('text-select')).toHaveValue('word')
  await expect(page.getByTestId('target-select')).toHaveValue('pronunciation')
  await expectPreview(page, {
    tx: 8,
    ty: 22,
    counts: '1,675 train · 419 validation',
    shapes: 'x (1675, 8) · y (1675, 22)'
  })
  await expect(page.getByTestId('seq-vocab')).toHaveText('30 in · 29 out')
  await expect(page.getByTestId('seq-pair').first()).toContainText('aaa')
  await expect(page.getByTestId('seq-pair').first()).toContainText('T R IH P AH L EY')
  // Text mappings start from a larger state and a smaller learning rate.
  await expect(page.getByTestId('hidden-input')).toHaveValue('64')
  await expect(page.getByTestId('lr-input')).toHaveValue('0.005')
  await mappingShot(page, '23-mapping-seq2seq')
  await trainSmall(page, { hidden: 16, epochs: 1, batch: 64 })
  await shot(page, '24-mapping-seq2seq-trained')
})

test('one-to-many: generate first names conditioned on gender', async ({ page }) => {
  await openSample(page, 'first-names', 'English first names')
  await expect(page.getByTestId('mapping-one-to-many').locator('input')).toBeChecked()
  await expect(page.getByTestId('condition-select')).toHaveValue('gender')
  await expectPreview(page, {
    tx: 1,
    ty: 16,
    counts: '7,079 train · 1,770 validation',
    shapes: 'x (7079, 1, 2) · y (7079, 16)'
  })
  await expect(page.getByTestId('seq-pair').first()).toContainText('Aaren')
  await mappingShot(page, '25-mapping-one-to-many')
  await trainSmall(page, { hidden: 16, epochs: 1, batch: 128 })
})

test("one-to-one: the day's label from its measurements; keyboard picks the mapping", async ({ page }) => {
  await openSample(page, 'seattle-weather', 'Seattle weather (daily)')
  await expect(page.getByTestId('mapping-many-to-many').locator('input')).toBeChecked()
  // The picker is a radio group: arrow keys move the choice.
  await page.getByTestId('mapping-many-to-many').locator('input').focus()
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByTestId('mapping-many-to-one').locator('input')).toBeChecked()
  await page.keyboard.press('Home')
  await pick(page, 'one-to-one')
  await expectPreview(page, {
    tx: 1,
    ty: 1,
    counts: '1,169 train · 292 validation',
    shapes: 'x (1169, 1, 4) · y (1169, 1)'
  })
  await expect(page.getByTestId('source-select')).toHaveCount(0)
  await mappingShot(page, '26-mapping-one-to-one')
  await trainSmall(page, { hidden: 8, epochs: 2, batch: 64 })
})

test('an impossible choice is refused in place, in words, and the recent list switches datasets', async ({ page }) => {
  await openSample(page, 'seattle-weather', 'Seattle weather (daily)')
  await openSample(page, 'co2-monthly', 'Mauna Loa CO2 (monthly)')
  // A 700-month forecast from 741 months: the worker refuses, saying how many rows a window needs.
  await pick(page, 'seq2seq')
  await expect(page.getByTestId('source-select')).toHaveValue('series')
  await page.getByTestId('horizon-input').fill('700')
  const refusal = page.getByTestId('sequences-refusal')
  await expect(refusal).toBeVisible()
  await expect(refusal).toContainText('too few rows')
  await expect(refusal).toContainText('712 rows')
  await mappingShot(page, '27-mapping-refused')
  // A window longer than the training rows is caught next to the field.
  await pick(page, 'many-to-one')
  await page.getByTestId('window-input').fill('700')
  await expect(page.locator('#cfg-window-note')).toContainText('must be below')
  await expect(page.getByTestId('train-button')).toBeDisabled()

  const recent = page.getByTestId('recent-dataset')
  expect(await recent.count()).toBeGreaterThanOrEqual(2)
  await recent.filter({ hasText: 'Seattle weather' }).first().click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Seattle weather (daily)')
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.waitForTimeout(300)
  await shot(page, '28-data-dark')
})

test('switching to a dataset the chosen mapping cannot read moves to a mapping that can', async ({ page }) => {
  await openSample(page, 'cmudict-pronunciations', 'Spelling → pronunciation (CMUdict)')
  await openSample(page, 'co2-monthly', 'Mauna Loa CO2 (monthly)')
  await expect(page.getByTestId('mapping-many-to-one').locator('input')).toBeChecked()
  // Words only: no series to window, so the form moves to text → text (seq2seq).
  await page.getByTestId('recent-dataset').filter({ hasText: 'Spelling → pronunciation' }).first().click()
  await expect(page.getByTestId('dataset-name')).toHaveText('Spelling → pronunciation (CMUdict)')
  await expect(page.getByTestId('mapping-seq2seq').locator('input')).toBeChecked()
  await expect(page.getByTestId('text-select')).toHaveValue('word')
  await expect(page.getByTestId('target-select')).toHaveValue('pronunciation')
  await expect(page.getByTestId('sequences-preview')).toHaveAttribute('data-state', 'ok')
  await expect(page.getByTestId('train-button')).toBeEnabled()
})

test('grouped rows: one sequence per machine, ordered by time, a label per sequence', async ({ page, app }) => {
  // 20 machines, 8–12 readings each written newest first; every third machine is faulty.
  const rows = ['machine,t,temp,vib,status']
  for (let m = 0; m < 20; m++) {
    const n = 8 + (m % 5),
      fault = m % 3 === 0
    for (let t = n; t >= 1; t--) {
      rows.push(
        `M${String(m).padStart(2, '0')},${t},${(20 + m + t * (fault ? 1.5 : 0.5)).toFixed(1)},${((fault ? 0.8 : 0.2) + ((m * t) % 7) / 20).toFixed(2)},${fault ? 'fault' : 'ok'}`
      )
    }
  }
  const file = join(app.dataDir, 'machines.csv')
  writeFileSync(file, rows.join('\n') + '\n')
  await page.getByTestId('file-input').setInputFiles(file)
  await expect(page.getByTestId('dataset-name')).toHaveText('machines')
  await page.getByTestId('source-select').selectOption('grouped')
  await expect(page.getByTestId('groupby-select')).toHaveValue('machine')
  await page.getByTestId('orderby-select').selectOption('t')
  await page.getByTestId('target-select').selectOption('status')
  await page.getByTestId('input-temp').check()
  await page.getByTestId('input-vib').check()
  await page.getByTestId('maxlength-input').fill('10')
  await expectPreview(page, { tx: 10, ty: 1, counts: '16 train · 4 validation', shapes: 'x (16, 10, 2) · y (16, 1)' })
  await expect(page.getByTestId('seq-classes')).toContainText('2: fault, ok')
  await expect(page.getByTestId('seq-warnings')).toContainText('sorted by "t"')
  await expect(page.locator('[data-column="machine"]')).toHaveAttribute('data-role', 'group id')
  await expect(page.locator('[data-column="t"]')).toHaveAttribute('data-role', 'order')
  expect(await unlabelledControls(page), 'controls without an accessible name').toEqual([])
  await mappingShot(page, '30-mapping-grouped')
  await trainSmall(page, { hidden: 8, epochs: 2, batch: 4 })
})

// The service checks the cancel flag between chunks of its read loop only; a cancel that arrives after
// the read (while it compresses and stores) cannot stop it. So this test accepts either ending, but
// never an error, and a cancelled import must leave nothing behind.
test('a big import shows its progress bar and a Cancel button; a cancelled import stores nothing', async ({
  page,
  app
}) => {
  // 1,000,000 rows × 10 columns (≈ 60 MB): long enough to watch and cancel.
  const big = join(app.dataDir, 'big-sensor-log.csv')
  const fd = openSync(big, 'w')
  writeSync(fd, 't,a,b,c,d,e,f,g,h,i\n')
  for (let block = 0; block < 10; block++) {
    const lines: string[] = []
    for (let k = 0; k < 100_000; k++) {
      const i = block * 100_000 + k
      lines.push(
        `${i},${i % 97},${(i % 13) / 7},${i % 5},${(i * 7) % 101},${i % 3},${(i % 11) / 3},${i % 17},${i % 19},${i % 23}`
      )
    }
    writeSync(fd, lines.join('\n') + '\n')
  }
  closeSync(fd)

  await page.getByTestId('file-input').setInputFiles(big)
  const bar = page.getByTestId('import-progress')
  await expect(bar).toBeVisible()
  await expect(page.getByTestId('import-cancel')).toBeEnabled()
  // On a fast machine the import can end while the screenshot waits for a stable element: then there is
  // nothing left to cancel, and the checks below take the "stored" ending.
  const status = page.getByTestId('import-status')
  try {
    await shotOf(status, '29-import-progress')
    await page.getByTestId('import-cancel').click({ timeout: 10_000 })
  } catch (e) {
    if (await status.count()) throw e
    console.log('big import: it ended before the screenshot and the Cancel click')
  }
  await expect(page.getByTestId('import-status')).toHaveCount(0, { timeout: 60_000 })
  await expect(page.getByTestId('import-error')).toHaveCount(0)
  const stored = page.getByTestId('recent-dataset').filter({ hasText: 'big-sensor-log' })
  if (await page.getByTestId('import-notice').count()) {
    await expect(page.getByTestId('import-notice')).toContainText('cancelled; nothing was stored')
    await expect(stored).toHaveCount(0)
  } else {
    await expect(stored).toHaveCount(1)
  }
})
