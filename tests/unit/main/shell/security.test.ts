// Navigation stays on app://workbench, window.open is denied, <webview> is refused, permissions denied.
import { describe, expect, it } from 'vitest'
import { denyAllPermissions, hardenContents } from '../../../../src-main/shell/security'
import { isAppUrl, isSafeExternalUrl } from '../../../../src-main/shell/origin'
import { FakeEvent, FakeWebContents } from './fake-electron'

function guarded() {
  const wc = new FakeWebContents()
  const opened: string[] = []
  const logs: string[] = []
  hardenContents(wc, {
    openExternal: (u) => {
      opened.push(u)
    },
    log: (m) => logs.push(m)
  })
  return { wc, opened, logs }
}

describe('navigation guard', () => {
  it('prevents will-navigate to any other origin', () => {
    const { wc, logs } = guarded()
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://workbench@evil/x',
      'javascript:alert(1)',
      'data:text/html,hi',
      'about:blank',
      'not a url'
    ]) {
      expect(wc.navigate(url), url).toBe(true)
    }
    expect(logs.length).toBeGreaterThan(0)
  })

  it('lets the app navigate within app://workbench', () => {
    const { wc } = guarded()
    expect(wc.navigate('app://workbench/index.html')).toBe(false)
    expect(wc.navigate('app://workbench/index.html#/experiments/3')).toBe(false)
  })

  it('also guards redirects', () => {
    const { wc } = guarded()
    expect(wc.navigate('https://example.com/', 'will-redirect')).toBe(true)
  })

  it('reads the URL from the event when Electron passes it there only', () => {
    const { wc } = guarded()
    const e = new FakeEvent('https://example.com/')
    wc.emit('will-navigate', e)
    expect(e.defaultPrevented).toBe(true)
  })

  it('refuses <webview>', () => {
    const { wc } = guarded()
    const e = new FakeEvent()
    wc.emit('will-attach-webview', e)
    expect(e.defaultPrevented).toBe(true)
  })
})

describe('window.open', () => {
  it('is always denied; only vetted https links go to the OS browser', async () => {
    const { wc, opened } = guarded()
    const open = wc.windowOpenHandler!
    expect(open({ url: 'https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html' })).toEqual({ action: 'deny' })
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'app://workbench/index.html',
      'javascript:alert(1)',
      'https://user:pw@example.com/',
      'smb://server/share',
      'x'
    ]) {
      expect(open({ url }), url).toEqual({ action: 'deny' })
    }
    await Promise.resolve()
    expect(opened).toEqual(['https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html'])
  })

  it('classifies URLs', () => {
    expect(isAppUrl('app://workbench/')).toBe(true)
    expect(isAppUrl('app://workbench.evil/')).toBe(false)
    expect(isAppUrl('app://workbench:80/')).toBe(false)
    expect(isAppUrl(null)).toBe(false)
    expect(isSafeExternalUrl('https://example.com')).toBe(true)
    expect(isSafeExternalUrl('http://example.com')).toBe(false)
  })
})

describe('permissions', () => {
  it('denies every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined
    let check: ((wc: unknown, p: string) => boolean) | undefined
    denyAllPermissions({
      setPermissionRequestHandler: (h) => {
        request = h
      },
      setPermissionCheckHandler: (h) => {
        check = h
      }
    })
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid', 'openExternal', 'unknown']) {
      const answers: boolean[] = []
      request!({}, p, (g) => answers.push(g))
      expect(answers, p).toEqual([false])
      expect(check!({}, p), p).toBe(false)
    }
  })
})
