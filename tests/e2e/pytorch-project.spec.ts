// A run goes to PyTorch and back through the interface: "PyTorch training project" in the Export list downloads one
// .zip (train.py, model.py, config.json, README.md, data/), PyTorch trains the unzipped folder, and "Import run…"
// in the Experiments screen brings its curve back as an experiment marked with where it was trained.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { unzipSync } from 'fflate'
import { expect, only, test } from './helpers/app'
import { seedRuns } from './helpers/seed'
import { shot } from './helpers/ui'

const PYTHON = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0
)

test('export a PyTorch training project, train it with PyTorch, import the run back', async ({ page }) => {
  only('browser', 'Electron saves through the native Save dialog (tests/unit/main/shell/download-ipc.test.ts)')
  if (!PYTHON) console.log('SKIP pytorch-project e2e: no python3 with torch')
  test.skip(!PYTHON, 'no python3 with torch')
  const [id] = await seedRuns(page, [{ name: 'to PyTorch', hidden: 6, epochs: 2, batch: 64 }])
  await page.getByTestId('tab-experiments').click()
  const row = page.locator(`[data-testid="exp-row"][data-id="${id}"]`)
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 })
  await row.click()
  await page.getByTestId('export-format').selectOption({ label: 'PyTorch training project' })
  await page.getByTestId('export-button').click()
  await expect(page.getByTestId('export-result')).toContainText('train.py', { timeout: 90_000 })
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()])
  expect(zip.suggestedFilename()).toBe(`experiment-${id}-pytorch-project.zip`)
  const files = unzipSync(readFileSync((await zip.path())!))
  for (const f of ['train.py', 'model.py', 'config.json', 'README.md', 'data/train_x.npy', 'data/val_y.npy'])
    expect(Object.keys(files)).toContain(f)
  await shot(page, '70-pytorch-project-export')

  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-e2e-project-'))
  try {
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true })
      writeFileSync(join(dir, name), bytes)
    }
    const r = spawnSync(PYTHON!, ['train.py', '--epochs', '3', '--json'], { cwd: dir, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)

    await page.getByTestId('import-run-toggle').click()
    await page.getByTestId('import-run-dir').fill(dir)
    await shot(page, '71-import-run-form')
    await page.getByTestId('import-run-submit').click()
    const details = page.getByTestId('exp-details')
    await expect(details).not.toHaveAttribute('data-id', String(id), { timeout: 30_000 })
    await expect(page.getByTestId('exp-trained-on')).toContainText('Trained with PyTorch')
    await expect(details).toContainText('3/3 epochs')
    for (const [w, h] of [
      [1024, 700],
      [1440, 900]
    ]) {
      await page.setViewportSize({ width: w, height: h })
      await shot(page, `72-imported-run-${w}`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
