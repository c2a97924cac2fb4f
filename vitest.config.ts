// Two projects: `unit` (Node code, in forked processes; its task workers run a bundle of src-worker/ built once per
// run by tests/setup/worker-bundle.ts) and `renderer` (the UI's `.svelte.ts` state classes,
// compiled by Svelte's plugin for the browser so that runes behave as they do in the window).
import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          exclude: ['tests/unit/renderer/**'],
          globalSetup: ['tests/setup/worker-bundle.ts']
        }
      },
      {
        extends: true,
        plugins: [svelte({ configFile: false, dynamicCompileOptions: () => ({ generate: 'client' }) })],
        resolve: { conditions: ['browser'] },
        test: { name: 'renderer', include: ['tests/unit/renderer/**/*.test.ts'], testTimeout: 10_000 }
      }
    ]
  }
})
