// Desktop downloads: the main process asks where to save (the native Save dialog, named after the file) and writes
// the bytes there; a cancelled dialog writes nothing; other senders are refused before the service is asked.
import { describe, expect, it, vi } from 'vitest'
import { DOWNLOAD_CHANNEL } from '../../../../src-shared/channels'
import { registerDownloadHandler } from '../../../../src-main/shell/download-ipc'
import type { Envelope } from '../../../../src-main/shell/envelope'
import { FakeIpcMain, FakeWebContents } from './fake-electron'

function setup(answer: { canceled: boolean; filePath?: string }) {
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
    write: async (p, b) => {
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
})
