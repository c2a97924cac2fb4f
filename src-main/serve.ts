// Browser mode entry: `npm run serve [-- --port N --data-dir DIR]` serves the renderer and the service on
// 127.0.0.1 and prints one line, the URL with this launch's token.
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { Workbench } from './services/workbench'
import { startServer } from './server/http-server'
import { workerFactoryFor } from './services/worker-factory'
import { appRoot, dataDirWarning, defaultDataDir, rendererDir, samplesDir, VERSION } from './paths'
import { maxRunsFromEnv } from './shell/max-runs'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' }, help: { type: 'boolean' } },
    strict: true
  })
  if (values.help) {
    process.stdout.write('usage: npm run serve -- [--port N (0 = any free port)] [--data-dir DIR]\n')
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: "${values.port}" is not a port number (0-65535)`)
  const root = appRoot(import.meta.url)
  const workbench = new Workbench({
    dataDir: values['data-dir'] ?? defaultDataDir(),
    mode: 'browser',
    version: VERSION,
    workerFactory: workerFactoryFor(import.meta.url),
    samplesDir: samplesDir(root),
    maxConcurrent: maxRunsFromEnv()
  })
  const server = await startServer({
    workbench,
    token: randomBytes(16).toString('hex'),
    port,
    staticDir: rendererDir(root)
  })
  process.stdout.write(server.url + '\n')
  const warning = dataDirWarning(workbench.opts.dataDir)
  if (warning) process.stderr.write(warning + '\n')
  const shutdown = async () => {
    await server.close()
    await workbench.close()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((e: Error) => {
  process.stderr.write(`rnn-workbench serve: ${e.message}\n`)
  process.exit(1)
})
