// The main window's options: a sandboxed, context-isolated renderer with only our preload.
// Runtime: Electron main (pure data; index/main.ts passes it to BrowserWindow).

export interface SecureWebPreferences {
  preload: string
  contextIsolation: true
  sandbox: true
  nodeIntegration: false
  nodeIntegrationInWorker: false
  nodeIntegrationInSubFrames: false
  webviewTag: false
  webSecurity: true
  allowRunningInsecureContent: false
  experimentalFeatures: false
  navigateOnDragDrop: false
  spellcheck: false
}

/** The renderer's webPreferences. `preload` is the built out/preload/index.cjs (CommonJS: sandboxed preloads cannot be ESM). */
export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // A file dropped on the window must reach the renderer's drop handler, never replace the page.
    navigateOnDragDrop: false,
    spellcheck: false
  }
}

export interface MainWindowOptions {
  width: number
  height: number
  minWidth: number
  minHeight: number
  title: string
  show: boolean
  backgroundColor: string
  webPreferences: SecureWebPreferences
}

export function mainWindowOptions(preload: string): MainWindowOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'RNN Workbench',
    show: false, // shown on ready-to-show, so the window never flashes blank
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preload)
  }
}
