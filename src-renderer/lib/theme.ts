// The colour theme: the user's choice (system, light or dark, kept in localStorage) applied as
// <html data-theme="light|dark">, which app.css's colour tokens follow; "system" follows prefers-color-scheme live.
// Charts that cache colours re-read them through onThemeChange.

export type ThemeChoice = 'system' | 'light' | 'dark'

const KEY = 'rnn-workbench-theme'
const listeners = new Set<() => void>()
let choice: ThemeChoice = 'system'
const media = () => matchMedia('(prefers-color-scheme: dark)')

function apply(): void {
  const dark = choice === 'dark' || (choice === 'system' && media().matches)
  const root = document.documentElement
  if (root.dataset.theme === (dark ? 'dark' : 'light')) return
  root.dataset.theme = dark ? 'dark' : 'light'
  for (const cb of listeners) cb()
}

/** Reads the stored choice and applies it; call once before mounting the app. */
export function initTheme(): void {
  try {
    const stored = localStorage.getItem(KEY)
    if (stored === 'light' || stored === 'dark' || stored === 'system') choice = stored
  } catch {
    /* storage refused: the system theme */
  }
  media().addEventListener('change', apply)
  apply()
}

export function themeChoice(): ThemeChoice {
  return choice
}

export function setTheme(next: ThemeChoice): void {
  choice = next
  try {
    localStorage.setItem(KEY, next)
  } catch {
    /* not kept across reloads */
  }
  apply()
}

/** Calls `cb` after the effective theme changed (the toggle or the system's); returns unsubscribe. */
export function onThemeChange(cb: () => void): () => void {
  listeners.add(cb)
  return () => listeners.delete(cb)
}
