// End-to-end tests in browser mode: the specs' `test` (tests/e2e/helpers/app.ts) starts
// `node out/main/serve.js` on a fresh data folder for each test (no webServer option) and drives the
// Debian Chromium. The same specs run against Electron with playwright.electron.config.ts.
// Run after `npm run build`.
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  workers: 1,
  retries: 0,
  reporter: 'list',
  // Generous: a 2-core machine also compiles, trains and serves while the browser runs.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  use: {
    viewport: { width: 1280, height: 860 },
    actionTimeout: 30_000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  }
})
