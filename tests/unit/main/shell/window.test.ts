// The main window's options are the secure set (sandboxed, isolated, no Node, no webview, web security on).
import { describe, expect, it } from 'vitest'
import { mainWindowOptions, secureWebPreferences } from '../../../../src-main/shell/window'

describe('window options', () => {
  it('sandboxes and isolates the renderer and loads only our preload', () => {
    const wp = mainWindowOptions('/app/out/preload/index.cjs').webPreferences
    expect(wp.preload).toBe('/app/out/preload/index.cjs')
    expect(wp.contextIsolation).toBe(true)
    expect(wp.sandbox).toBe(true)
    expect(wp.nodeIntegration).toBe(false)
    expect(wp.nodeIntegrationInWorker).toBe(false)
    expect(wp.nodeIntegrationInSubFrames).toBe(false)
    expect(wp.webviewTag).toBe(false)
    expect(wp.webSecurity).toBe(true)
    expect(wp.allowRunningInsecureContent).toBe(false)
    expect(wp.experimentalFeatures).toBe(false)
    expect(wp.navigateOnDragDrop).toBe(false)
  })

  it('uses the CommonJS preload and shows the window only when ready', () => {
    const o = mainWindowOptions('/x/out/preload/index.cjs')
    expect(o.webPreferences.preload.endsWith('.cjs')).toBe(true)
    expect(o.show).toBe(false)
    expect(secureWebPreferences('p')).toEqual({ ...o.webPreferences, preload: 'p' })
  })
})
