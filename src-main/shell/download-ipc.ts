// Downloads in the desktop app: the renderer asks on DOWNLOAD_CHANNEL for an export or a predictions file; the main
// process (after the same sender check as every request) shows the native Save dialog, named after the file, and
// writes the bytes where the user chose: whole (a temporary file renamed into place, so a full disk leaves an existing
// file as it was), and never onto the experiment store or the rest of the data folder's own layout, which the app has
// open. The renderer never names a path. Runtime: Electron main.
import { DOWNLOAD_CHANNEL } from '../../src-shared/channels'
import type { DownloadResult } from '../../src-shared/contract'
import type { DownloadFile } from '../services/downloads'
import { writeFileAtomic } from '../../src-worker/export/write-file'
import { checkOutPath } from '../out-path'
import { toWireError, type Envelope } from './envelope'
import { checkSender, ForbiddenError, type ContentsLike, type IpcMainLike } from './ipc'

export interface SaveDialogLike {
  showSaveDialog(options: { title: string; defaultPath: string }): Promise<{ canceled: boolean; filePath?: string }>
}

export interface DownloadIpcOptions {
  ipcMain: IpcMainLike
  service: { download(raw: unknown): DownloadFile }
  mainContents(): ContentsLike | null
  dialog: SaveDialogLike
  /** The folder the Save dialog opens in (the user's Downloads folder). */
  downloadsDir: string
  /** The app's data folder (the store and its exports): never a place to save to. */
  dataDir: string
  write?: (path: string, bytes: Uint8Array) => Promise<void>
}

/** Registers the download handler; returns a function removing it. */
export function registerDownloadHandler(opts: DownloadIpcOptions): () => void {
  const write = opts.write ?? (async (p: string, b: Uint8Array) => writeFileAtomic(p, b))
  opts.ipcMain.handle(DOWNLOAD_CHANNEL, async (event, raw): Promise<Envelope<DownloadResult>> => {
    const refused = checkSender(event, opts.mainContents())
    if (refused) return { ok: false, error: toWireError(new ForbiddenError(`download: refused: ${refused}`)) }
    try {
      const file = opts.service.download(raw)
      const base = { fileName: file.fileName, bytes: file.bytes.byteLength }
      const choice = await opts.dialog.showSaveDialog({
        title: `Save ${file.fileName}`,
        defaultPath: `${opts.downloadsDir}/${file.fileName}`
      })
      if (choice.canceled || !choice.filePath) return { ok: true, result: { ...base, savedTo: null, cancelled: true } }
      // the dialog has asked before replacing a file
      checkOutPath(choice.filePath, 'save', { dataDir: opts.dataDir, overwrite: true })
      await write(choice.filePath, file.bytes)
      return { ok: true, result: { ...base, savedTo: choice.filePath, cancelled: false } }
    } catch (e) {
      return { ok: false, error: toWireError(e) }
    }
  })
  return () => opts.ipcMain.removeHandler(DOWNLOAD_CHANNEL)
}
