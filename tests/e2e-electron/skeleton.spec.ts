// Issue #2, the walking skeleton in the Electron app: the same user path as browser mode's e2e (import
// the CO2 sample, train 3 epochs with a growing chart, restart, reopen the run), plus File → Import CSV…
// through the native dialog and the window's security surface. Skips, saying why, when Electron's binary
// or its better-sqlite3 build is missing (as on the offline build machine).
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { freshUserData, launch, ROOT, unavailable } from './launch'

const reason = unavailable()
if (reason) console.log(`SKIP electron e2e: ${reason}`)
test.skip(reason !== null, reason ?? '')

const CO2 = join(ROOT, 'resources/samples/co2-monthly.csv')
const finiteLoss = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/

let data: ReturnType<typeof freshUserData>
test.beforeEach(() => { data = freshUserData() })
test.afterEach(() => data.remove())

async function recordChartPoints(page: Page): Promise<void> {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="loss-chart"]')!
    const w = window as unknown as { __points: { n: number; phase: string }[] }
    w.__points = []
    const phase = () => document.querySelector('[data-testid="progress"]')?.getAttribute('data-phase') ?? ''
    new MutationObserver(() => w.__points.push({ n: Number(el.getAttribute('data-points')), phase: phase() }))
      .observe(el, { attributes: true, attributeFilter: ['data-points'] })
  })
}
const pointHistory = (page: Page) => page.evaluate(() => (window as unknown as { __points: { n: number; phase: string }[] }).__points)
const chartPoints = async (page: Page) => Number(await page.getByTestId('loss-chart').getAttribute('data-points'))

test('import the CO2 sample, train 3 epochs live, reopen the run after a restart', async () => {
  let { app, page } = await launch(data.dir)
  try {
    await expect(page.getByTestId('app-mode')).toContainText('Desktop')
    expect(page.url()).toBe('app://workbench/index.html')

    await page.getByTestId('sample-co2-monthly').click()
    await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
    await expect(page.getByTestId('column-header')).toHaveCount(3)

    await page.getByTestId('target-select').selectOption('CO2')
    await page.getByTestId('window-input').fill('12')
    await page.getByTestId('hidden-input').fill('8')
    await page.getByTestId('epochs-input').fill('3')
    await page.getByTestId('advanced-toggle').click()
    await page.getByTestId('batch-input').fill('8')
    await recordChartPoints(page)
    await page.getByTestId('train-button').click()

    await expect(page.getByTestId('run-result')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 })
    await expect(page.getByTestId('stat-epoch')).toHaveText('3 / 3')
    for (const id of ['stat-train-loss', 'stat-val-loss']) await expect(page.getByTestId(id)).toHaveText(finiteLoss)
    const counts = (await pointHistory(page)).map((h) => h.n).filter((n) => n > 0)
    expect(new Set(counts).size, `point counts seen: ${counts.join(', ')}`).toBeGreaterThanOrEqual(2)
    const finalPoints = await chartPoints(page)
    expect(finalPoints).toBeGreaterThanOrEqual(3)

    // Restart on the same user-data folder: quitting closes the store; the run reopens with its curve.
    await app.close()
    ;({ app, page } = await launch(data.dir))
    const item = page.getByTestId('experiment-item').first()
    await expect(item).toHaveAttribute('data-status', 'completed')
    await item.click()
    await expect(page.getByTestId('chart-title')).toBeVisible()
    await expect.poll(() => chartPoints(page)).toBe(finalPoints)
  } finally {
    await app.close()
  }
})

test('File → Import CSV… imports through the native dialog; the page has no Node and only the contract', async () => {
  const { app, page } = await launch(data.dir)
  try {
    await expect(page.getByTestId('app-mode')).toContainText('Desktop')
    // Answer the native dialog with the CO2 file, then click the menu item as a user would.
    await app.evaluate(({ dialog }, file) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as typeof dialog.showOpenDialog
    }, CO2)
    await app.evaluate(({ Menu }) => {
      const file = Menu.getApplicationMenu()!.items.find((i) => i.label === 'File')!
      file.submenu!.items.find((i) => i.label === 'Import CSV…')!.click()
    })
    await expect(page.getByTestId('dataset-name')).toHaveText('co2-monthly')

    const surface = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      keys: Object.keys((window as unknown as { workbench: object }).workbench).sort(),
      popup: window.open('https://example.com/') === null
    }))
    expect(surface.require).toBe('undefined')
    expect(surface.process).toBe('undefined')
    expect(surface.keys).toContain('datasets.import')
    expect(surface.keys).toContain('on')
    expect(surface.keys).not.toContain('ipcRenderer')
    expect(surface.popup).toBe(true)
    expect(app.windows()).toHaveLength(1)
  } finally {
    await app.close()
  }
})
