// Desktop downloads: the main process asks where to save (the native Save dialog, named after the file) and writes
// the bytes there; a cancelled dialog writes nothing; the store and the data folder's layout are refused; other senders
// are refused before the service is asked.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { DOWNLOAD_CHANNEL } from '../../../../src-shared/channels'
import { registerDownloadHandler } from '../../../../src-main/shell/download-ipc'
import type { Envelope } from '../../../../src-main/shell/envelope'
import { FakeIpcMain, FakeWebContents } from './fake-electron'
import { tempDir } from '../../../helpers/workbench'

const t = tempDir()
afterAll(() => t.cleanup())
const DATA = join(t.dir, 'data')

function setup(answer: { canceled: boolean; filePath?: string }, writer: 'fake' | 'disk' = 'fake') {
  const ipcMain = new FakeIpcMain()
  const main = new FakeWebContents('app://workbench/index.html')
  const service = { download: vi.fn(() => ({ fileName: 'model.onnx', mime: 'x', bytes: new Uint8Array([1, 2, 3]) })) }
  const dialog = { showSaveDialog: vi.fn(async () => answer) }
  const written: [string, Uint8Array][] = []
  const dispose = registerDownloadHandler({
    ipcMain,
    service,
    mainContents: () => main,
    dialog,
    downloadsDir: '/home/u/Downloads',
    dataDir: DATA,
    write:
      writer === 'disk'
        ? undefined
        : async (p, b) => {
            written.push([p, b])
          }
  })
  return { ipcMain, main, service, dialog, written, dispose }
}

describe('download handler', () => {
  it('saves where the user chose, offering the file name in the Downloads folder', async () => {
    const { ipcMain, main, service, dialog, written } = setup({ canceled: false, filePath: '/tmp/m.onnx' })
    const req = { kind: 'export', id: 1, format: 'onnx' }
    const reply = (await ipcMain.invoke(DOWNLOAD_CHANNEL, main, main.mainFrame, req)) as Envelope
    expect(service.download).toHaveBeenCalledWith(req)
    expect(dialog.showSaveDialog).toHaveBeenCalledWith({
      title: 'Save model.onnx',
      defaultPath: '/home/u/Downloads/model.onnx'
    })
    expect(written).toEqual([['/tmp/m.onnx', new Uint8Array([1, 2, 3])]])
    expect(reply).toEqual({
      ok: true,
      result: { fileName: 'model.onnx', bytes: 3, savedTo: '/tmp/m.onnx', cancelled: false }
    })
  })

  it('writes nothing when the dialog is cancelled', async () => {
    const { ipcMain, main, written } = setup({ canceled: true })
    const reply = (await ipcMain.invoke(DOWNLOAD_CHANNEL, main, main.mainFrame, {})) as Envelope
    expect(written).toEqual([])
    expect(reply).toMatchObject({ ok: true, result: { savedTo: null, cancelled: true } })
  })

  it('refuses another web contents without asking the service, and is removed by dispose', async () => {
    const { ipcMain, service, dispose } = setup({ canceled: false, filePath: '/tmp/x' })
    const other = new FakeWebContents('app://workbench/index.html')
    const reply = (await ipcMain.invoke(DOWNLOAD_CHANNEL, other, other.mainFrame, {})) as Envelope
    expect(reply.ok).toBe(false)
    if (!reply.ok) expect(reply.error.name).toBe('ForbiddenError')
    expect(service.download).not.toHaveBeenCalled()
    dispose()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('never saves onto the experiment store or into the data folder, even when the user picks it', async () => {
    mkdirSync(join(DATA, 'exports'), { recursive: true })
    writeFileSync(join(DATA, 'workbench.db'), 'the store')
    for (const target of ['workbench.db', 'workbench.db-wal', 'exports/model.onnx']) {
      const { ipcMain, main, written } = setup({ canceled: false, filePath: join(DATA, target) })
      const reply = (await ipcMain.invoke(DOWNLOAD_CHANNEL, main, main.mainFrame, {})) as Envelope
      expect(reply.ok, target).toBe(false)
      if (!reply.ok) expect(reply.error.message, target).toMatch(/choose a path outside it/)
      expect(written, target).toEqual([])
    }
    expect(readFileSync(join(DATA, 'workbench.db'), 'utf8')).toBe('the store')
  })

  it('replaces a file the user chose to overwrite with the whole download', async () => {
    const target = join(t.dir, 'old.onnx')
    writeFileSync(target, 'old contents')
    const { ipcMain, main } = setup({ canceled: false, filePath: target }, 'disk')
    const reply = (await ipcMain.invoke(DOWNLOAD_CHANNEL, main, main.mainFrame, {})) as Envelope
    expect(reply.ok).toBe(true)
    expect([...readFileSync(target)]).toEqual([1, 2, 3])
  })
})
