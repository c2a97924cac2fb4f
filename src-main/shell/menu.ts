// The application menu (File → Import CSV…, Quit; standard Edit/View/Window) and the native import dialog.
// Runtime: Electron main; Electron objects come in as arguments (types only are imported).
import type { MenuItemConstructorOptions } from 'electron'

export type MenuItem = MenuItemConstructorOptions

export interface MenuActions {
  importCsv(): void
}

export function menuTemplate(actions: MenuActions, platform: NodeJS.Platform = process.platform): MenuItem[] {
  const isMac = platform === 'darwin'
  const appMenu: MenuItem[] = isMac ? [{ role: 'appMenu' }] : []
  return [
    ...appMenu,
    {
      label: 'File',
      submenu: [
        { label: 'Import CSV…', accelerator: 'CmdOrCtrl+O', click: () => actions.importCsv() },
        { type: 'separator' },
        { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' }
  ]
}

export interface OpenDialogLike {
  showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }>
  showErrorBox(title: string, content: string): void
}

export const CSV_FILTERS = [
  { name: 'CSV files', extensions: ['csv', 'tsv', 'txt'] },
  { name: 'All files', extensions: ['*'] }
]

export interface ImportDeps {
  dialog: OpenDialogLike
  /** The window the dialog is modal to (omit for an app-modal dialog). */
  window?: unknown
  /** workbench.importPath: reads the file in main; the service then emits datasets.changed. */
  importPath(path: string): Promise<{ id: number; name: string }>
  /** Emits the contract event app.command {command:'import'} (the renderer shows the datasets view). */
  announce(): void
}

/**
 * File → Import CSV…: the native open dialog, then the import in the main process. The renderer never
 * sees the path; it hears `datasets.changed` from the service and `app.command {command:'import'}`.
 * Returns the imported dataset, or null when the user cancelled or the import failed (shown in a box).
 */
export async function importCsvFromDialog(deps: ImportDeps): Promise<{ id: number; name: string } | null> {
  const options = { title: 'Import CSV', properties: ['openFile'], filters: CSV_FILTERS }
  const choice =
    deps.window === undefined
      ? await deps.dialog.showOpenDialog(options)
      : await deps.dialog.showOpenDialog(deps.window, options)
  const path = choice.canceled ? undefined : choice.filePaths[0]
  if (!path) return null
  try {
    const dataset = await deps.importPath(path)
    deps.announce()
    return dataset
  } catch (e) {
    deps.dialog.showErrorBox('Import failed', e instanceof Error ? e.message : String(e))
    return null
  }
}
