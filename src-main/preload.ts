// Electron preload (sandboxed, context-isolated; built to out/preload/index.cjs): exposes window.workbench,
// the contract as one function per request plus on(event, cb). Nothing else crosses into the page.
import { contextBridge, ipcRenderer } from 'electron'
import { exposeWorkbench } from './shell/preload-api'

exposeWorkbench(contextBridge, ipcRenderer)
