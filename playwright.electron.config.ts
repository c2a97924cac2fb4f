// The same e2e specs as browser mode (tests/e2e/*.spec.ts), run against the Electron app: the specs'
// `test` (tests/e2e/helpers/app.ts) launches the built app (out/main/index.js) with Playwright's
// _electron and a fresh user-data folder instead of starting serve.js and Chromium. Specs that only
// make sense in one shell say so and skip in the other.
// When Electron's binary or the Electron build of better-sqlite3 is missing, every test skips and
// prints `SKIP electron e2e: <reason>` (tests/e2e-electron/launch.ts says why).
// Run: npm run build && npx playwright test -c playwright.electron.config.ts
// (on a Linux box without a display: xvfb-run -a npx playwright test -c playwright.electron.config.ts)
import { defineConfig } from '@playwright/test'

// Read by tests/e2e/helpers/app.ts in the runner and in its workers (they inherit the environment).
process.env.RNN_E2E_SHELL = 'electron'

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/electron',
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 240_000,
  expect: { timeout: 30_000 },
  use: { actionTimeout: 30_000 }
})
