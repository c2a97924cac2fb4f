// Starts the built browser-mode server (`node out/main/serve.js --port 0 --data-dir DIR`) as a child
// process and hands back the one URL it prints (with this launch's token).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../../..')
const SERVE = join(ROOT, 'out/main/serve.js')

export interface Server {
  url: string
  stop(): Promise<void>
}

export function freshDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-wb-e2e-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** `env`: extra environment for the server, e.g. { RNN_WORKBENCH_MAX_RUNS: '2' }. */
export function startServer(dataDir: string, timeoutMs = 30_000, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [SERVE, '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env }
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s
  })
  return new Promise((resolvePromise, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve.js printed no URL in ${timeoutMs} ms; stderr:\n${stderr}`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve.js exited with ${code} before printing its URL; stderr:\n${stderr}`))
    })
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s
      const line = out.split('\n').find((l) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+$/.test(l.trim()))
      if (!line) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolvePromise({ url: line.trim(), stop: () => stopChild(child) })
    })
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolvePromise) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolvePromise()
    })
    child.kill('SIGTERM')
  })
}
