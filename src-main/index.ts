// Electron main entry (built to out/main/index.js, ESM). Thin: it hands Electron's modules to the shell
// (src-main/shell/main.ts), which opens the store in the user-data folder, serves the renderer on
// app://workbench in a sandboxed window and bridges the Workbench service over IPC. See docs/ELECTRON.md.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron'
import { startShell } from './shell/main'
import { workerFactoryFor } from './services/worker-factory'
import { appRoot, VERSION } from './paths'

startShell(
  { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell },
  { root: appRoot(import.meta.url), workerFactory: workerFactoryFor(import.meta.url), version: VERSION }
)
