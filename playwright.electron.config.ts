// End-to-end tests of the Electron app (tests/e2e-electron), separate from browser mode's
// playwright.config.ts. Each spec launches the built app (out/main/index.js) with Playwright's _electron.
// When Electron's binary or the Electron build of better-sqlite3 is missing, the specs skip and say why.
// Run: npm run build && npx playwright test -c playwright.electron.config.ts
// (on a Linux box without a display: xvfb-run -a npx playwright test -c playwright.electron.config.ts)
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'tests/e2e-electron',
  outputDir: 'test-results/electron',
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 240_000,
  expect: { timeout: 30_000 },
  use: { actionTimeout: 30_000 }
})
