#!/usr/bin/env node
// `rnn-workbench` command: runs the built CLI (out/main/cli.js; `npm install` builds it via "prepare").
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('rnn-workbench: the app is not built yet; run `npm run build` in the project folder first\n')
  process.exit(1)
}
process.env.RNN_WORKBENCH_CLI_MAIN = '1'
await import(cli.href)
