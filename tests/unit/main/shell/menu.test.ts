// The menu: File → Import CSV… (native dialog, import in main, app.command event), Quit, Edit/View.
import { describe, expect, it, vi } from 'vitest'
import { CSV_FILTERS, importCsvFromDialog, menuTemplate } from '../../../../src-main/shell/menu'

describe('menu template', () => {
  it('has File → Import CSV… and Quit, and the standard Edit and View menus', () => {
    const importCsv = vi.fn()
    const t = menuTemplate({ importCsv }, 'linux')
    const file = t.find((m) => m.label === 'File')!
    const items = file.submenu as { label?: string; role?: string; click?: () => void }[]
    expect(items[0].label).toBe('Import CSV…')
    items[0].click!()
    expect(importCsv).toHaveBeenCalledOnce()
    expect(items.some((i) => i.role === 'quit')).toBe(true)
    expect(t.map((m) => m.role).filter(Boolean)).toEqual(expect.arrayContaining(['editMenu', 'viewMenu']))
    expect(t.some((m) => m.role === 'appMenu')).toBe(false)
    expect(menuTemplate({ importCsv }, 'darwin')[0].role).toBe('appMenu')
  })
})

describe('import from the native dialog', () => {
  const deps = (
    answer: { canceled: boolean; filePaths: string[] },
    importPath = vi.fn(async () => ({ id: 1, name: 'co2' }))
  ) => {
    const errors: string[] = []
    const options: unknown[] = []
    return {
      errors,
      options,
      importPath,
      announce: vi.fn(),
      dialog: {
        showOpenDialog: async (...args: unknown[]) => {
          options.push(args.at(-1))
          return answer
        },
        showErrorBox: (_t: string, c: string) => {
          errors.push(c)
        }
      }
    }
  }

  it('opens a CSV dialog, imports the chosen path in main, then announces app.command', async () => {
    const d = deps({ canceled: false, filePaths: ['/data/co2.csv'] })
    await expect(importCsvFromDialog(d)).resolves.toEqual({ id: 1, name: 'co2' })
    expect(d.options[0]).toMatchObject({ properties: ['openFile'], filters: CSV_FILTERS })
    expect(CSV_FILTERS[0].extensions).toContain('csv')
    expect(d.importPath).toHaveBeenCalledWith('/data/co2.csv')
    expect(d.announce).toHaveBeenCalledOnce()
  })

  it('does nothing when cancelled', async () => {
    const d = deps({ canceled: true, filePaths: [] })
    await expect(importCsvFromDialog(d)).resolves.toBeNull()
    expect(d.importPath).not.toHaveBeenCalled()
    expect(d.announce).not.toHaveBeenCalled()
  })

  it('shows a failed import in an error box', async () => {
    const d = deps(
      { canceled: false, filePaths: ['/x.csv'] },
      vi.fn(async () => {
        throw new Error('row 3: 2 fields, expected 4')
      })
    )
    await expect(importCsvFromDialog(d)).resolves.toBeNull()
    expect(d.errors).toEqual(['row 3: 2 fields, expected 4'])
    expect(d.announce).not.toHaveBeenCalled()
  })
})
