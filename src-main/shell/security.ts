// Guards on every web contents and on the default session: navigation stays on app://workbench, new
// windows are denied (vetted https links go to the OS browser), <webview> is refused, permissions are
// denied. Runtime: Electron main; the functions take the Electron objects as arguments (tests pass fakes).
import { isAppUrl, isSafeExternalUrl } from './origin'

interface PreventableEvent {
  preventDefault(): void
}

/** The part of a WebContents the guards touch. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: PreventableEvent & { url?: string }, url?: string) => void
  ): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void
}

export interface GuardOptions {
  /** shell.openExternal; only called with https URLs that passed isSafeExternalUrl. */
  openExternal(url: string): unknown
  log?(message: string): void
}

/** Navigation target of a will-navigate / will-redirect event (Electron ≥ 25 puts it on the event). */
function targetUrl(event: { url?: string }, url?: string): string {
  return typeof event.url === 'string' ? event.url : String(url ?? '')
}

export function hardenContents(contents: GuardedContents, opts: GuardOptions): void {
  const log = opts.log ?? ((m: string) => console.warn(m))
  const keepOnApp = (event: PreventableEvent & { url?: string }, url?: string) => {
    const target = targetUrl(event, url)
    if (isAppUrl(target)) return
    event.preventDefault()
    log(`rnn-workbench: blocked navigation to ${target}`)
  }
  contents.on('will-navigate', keepOnApp)
  contents.on('will-redirect', keepOnApp)
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log('rnn-workbench: blocked a <webview>')
  })
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void Promise.resolve(opts.openExternal(url)).catch(() => {})
    else log(`rnn-workbench: blocked window.open(${url})`)
    return { action: 'deny' }
  })
}

/** The part of a Session the permission guard touches. */
export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void
  ): void
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void
}

/** The app needs no browser permission (camera, notifications, clipboard-read, HID, …): deny them all. */
export function denyAllPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}
