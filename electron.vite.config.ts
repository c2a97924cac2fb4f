// Build of the three Electron bundles. The main bundle also emits the browser-mode server (serve.js),
// the CLI (cli.js) and the worker thread (worker.js): all plain-Node programs that share src-main.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve(__dirname, 'src-main/index.ts'),
          serve: resolve(__dirname, 'src-main/serve.ts'),
          cli: resolve(__dirname, 'src-main/cli.ts'),
          worker: resolve(__dirname, 'src-worker/index.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-main/preload.ts') },
        output: { format: 'cjs' }
      }
    }
  },
  renderer: {
    root: 'src-renderer',
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: resolve(__dirname, 'src-renderer/index.html') }
    },
    plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.js') })]
  }
})
