// The app's own origin (app://workbench) and URL checks on it. Runtime: any (pure functions).
// Node's URL reports origin "null" for non-special schemes such as app:, so origins are compared by
// protocol and host rather than with URL.origin.
export const APP_SCHEME = 'app'
export const APP_HOST = 'workbench'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/** True when `url` is on the app's own origin (app://workbench, any path). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (typeof url !== 'string') return false
  const u = parse(url)
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password
}

/** Links the app may hand to the OS browser: https only, no embedded credentials. */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url)
  return !!u && u.protocol === 'https:' && u.hostname !== '' && !u.username && !u.password
}
