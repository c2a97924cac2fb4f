// What only the desktop app has: File → Import CSV… through the native dialog, the app:// origin, and
// the window's security surface (no Node in the page, only the contract's bridge, no pop-ups). The
// user paths themselves are the other specs, which run under Electron too (helpers/app.ts).
import { join } from 'node:path'
import { expect, only, test } from './helpers/app'
import { ROOT } from './helpers/server'

only('electron', 'the native File menu, the app:// origin and the preload surface exist in the desktop app only')

const CO2 = join(ROOT, 'resources/samples/co2-monthly.csv')

test('File → Import CSV… imports through the native dialog; the page has no Node and only the contract', async ({
  page,
  app
}) => {
  const electron = app.electron!
  expect(page.url()).toBe('app://workbench/index.html')
  // Answer the native dialog with the CO2 file, then click the menu item as a user would.
  await electron.evaluate(({ dialog }, file) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as typeof dialog.showOpenDialog
  }, CO2)
  await electron.evaluate(({ Menu }) => {
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
  expect(electron.windows()).toHaveLength(1)
})
