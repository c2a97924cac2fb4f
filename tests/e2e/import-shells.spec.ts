// The same files through the three shells — the CLI (`import --json`), the service's HTTP API (POST /api/upload)
// and the Data screen in Chromium — give the same message text: two refusals and one named cell. Then a column's
// type is chosen on the import preview (its named cell goes; ignored, the column goes), and the Reading options are
// shot at two sizes.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, only, test } from './helpers/app'
import { ROOT } from './helpers/server'
import { shot } from './helpers/ui'

const CORPUS = join(ROOT, 'tests/fixtures/csv')
const CLI = join(ROOT, 'out/main/cli.js')

/** The CLI: a refusal's message on stderr (exit 2), else the JSON line's warnings. */
function viaCli(file: string, dataDir: string): string[] {
  const r = spawnSync(process.execPath, [CLI, 'import', file, '--data-dir', dataDir, '--json'], { encoding: 'utf8' })
  // stderr may also carry the engine's notes (`rnn-workbench engine: …`); the refusal is the `rnn-workbench:` line
  const refusal = r.stderr.split('\n').filter((l) => l.startsWith('rnn-workbench: '))
  if (r.status === 2) return refusal.map((l) => l.slice('rnn-workbench: '.length))
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout.trim().split('\n').pop()!).warnings
}

/** The HTTP API: the upload's error message, else the stored dataset's warnings. */
async function viaHttp(file: string, serverUrl: string): Promise<string[]> {
  const url = new URL(serverUrl)
  const res = await fetch(`${url.origin}/api/upload?fileName=${encodeURIComponent(basename(file))}`, {
    method: 'POST',
    headers: { 'X-Workbench-Token': url.searchParams.get('token')!, 'content-type': 'application/octet-stream' },
    body: readFileSync(file)
  })
  const body = (await res.json()) as { result?: { warnings: string[] }; error?: { message: string } }
  return body.error ? [body.error.message] : body.result!.warnings
}

/** The Data screen: the import error's text, else the dataset's warnings. */
async function viaUi(page: Page, file: string): Promise<string[]> {
  await page.getByTestId('file-input').setInputFiles(file)
  const error = page.getByTestId('import-error').locator('.msg')
  const name = page.getByTestId('dataset-name')
  await expect(error.or(name.filter({ hasText: basename(file, '.csv') }))).toBeVisible()
  if (await error.isVisible()) {
    const text = (await error.textContent())!.trim()
    await page.getByRole('button', { name: 'Dismiss the import error' }).click()
    return [text]
  }
  return page.getByTestId('dataset-warnings').locator('li').allTextContents()
}

test('CLI, HTTP and the Data screen give the same messages for the same files', async ({ page, app }) => {
  only('browser', 'the HTTP upload is browser mode’s')
  const headerOnly = join(app.dataDir, 'header-only.csv')
  writeFileSync(headerOnly, 'date,temp\n')
  const cases: [file: string, messages: string[]][] = [
    [headerOnly, ['line 2: no data rows (the file has only a header)']],
    [
      join(CORPUS, 'bad/dates-both-orders.csv'),
      [
        'line 4, column "date": "04/14/2024" has the month first (MM/DD/YYYY), but line 3 "13/04/2024" has the day first (DD/MM/YYYY); choose Reading options → Date order (--date-order dmy|mdy)'
      ]
    ],
    [join(CORPUS, 'named/not-a-number.csv'), ['line 7, column "temp": "abc" is not a number']]
  ]
  for (const [file, messages] of cases) {
    expect(viaCli(file, join(app.dataDir, 'cli')), `CLI: ${basename(file)}`).toEqual(messages)
    expect(await viaHttp(file, app.server!.url), `HTTP: ${basename(file)}`).toEqual(messages)
    expect(await viaUi(page, file), `UI: ${basename(file)}`).toEqual(messages)
  }

  // the last file is on screen: "temp" read as text names no cell, ignored it is gone, read again it is named again
  const temp = page.getByRole('combobox', { name: 'Type of column temp' })
  await expect(temp).toHaveValue('auto')
  await temp.selectOption('text')
  await expect(page.getByTestId('dataset-warnings')).toHaveCount(0)
  await expect(page.getByRole('combobox', { name: 'Type of column temp' })).toHaveValue('text')
  await page.getByRole('combobox', { name: 'Type of column temp' }).selectOption('ignore')
  await expect(page.getByTestId('column-header')).toHaveCount(1)
  await page.getByRole('button', { name: 'Read column temp again' }).click()
  await expect(page.getByTestId('column-header')).toHaveCount(2)
  await expect(page.getByTestId('dataset-warnings')).toHaveText('line 7, column "temp": "abc" is not a number')

  await page.getByTestId('reading-options').locator('summary').click()
  for (const [w, h] of [
    [1024, 700],
    [1440, 900]
  ] as const) {
    await page.setViewportSize({ width: w, height: h })
    await shot(page, `import-reading-options-${w}x${h}`)
  }
})
