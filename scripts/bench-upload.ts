// The browser-mode upload leg of `npm run bench:import`: a big CSV (default 300 MB) sent to a running
// `out/main/serve.js` as the raw body of POST /api/upload, next to the same file imported from disk by
// `out/main/cli.js import`; prints the wall time and each process's peak RSS (VmHWM), per row too. Needs the build.
import { spawn } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'

const peakKiB = (pid: number): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1])

/** Runs `node args…` to its end, sampling its peak RSS just before it exits (VmHWM never decreases). */
function runPeak(args: string[]): Promise<{ seconds: number; peakMiB: number; out: string }> {
  const t0 = performance.now()
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  let peak = 0
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, peakKiB(p.pid!))
    } catch {}
  }, 50)
  p.stdout.on('data', (d) => (out += d))
  return new Promise((done) =>
    p.on('exit', () => {
      clearInterval(timer)
      done({ seconds: (performance.now() - t0) / 1000, peakMiB: peak / 1024, out })
    })
  )
}

async function serverUpload(
  file: string,
  dataDir: string
): Promise<{ seconds: number; peakMiB: number; rows: number }> {
  const p = spawn(process.execPath, ['out/main/serve.js', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  try {
    const url = await new Promise<string>((done) => p.stdout.on('data', (d) => done(String(d).trim())))
    const u = new URL(url)
    const t0 = performance.now()
    const res = await fetch(`${u.origin}/api/upload?fileName=bench.csv`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-workbench-token': u.searchParams.get('token')! },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half'
    } as RequestInit)
    const body = (await res.json()) as { result?: { rows: number }; error?: { message: string } }
    if (!body.result) throw new Error(`upload failed: ${body.error?.message}`)
    return { seconds: (performance.now() - t0) / 1000, peakMiB: peakKiB(p.pid!) / 1024, rows: body.result.rows }
  } finally {
    p.kill()
  }
}

/** Prints the upload and the file import of `file` (a CSV of `rows` rows). */
export async function benchUpload(file: string, rows: number): Promise<void> {
  if (!existsSync('out/main/serve.js') || !existsSync('out/main/cli.js')) {
    console.log('browser-mode upload: skipped (no build in out/; run npx electron-vite build)')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-bench-upload-'))
  try {
    const up = await serverUpload(file, join(dir, 'serve'))
    const cli = await runPeak(['out/main/cli.js', 'import', file, '--data-dir', join(dir, 'cli'), '--json'])
    const perRow = (mib: number) => ((mib * 2 ** 20) / rows).toFixed(0)
    console.log('import path                    seconds   peak RSS MiB   bytes/row')
    console.log(
      `browser upload (POST /api/upload) ${up.seconds.toFixed(1).padStart(7)} ${up.peakMiB.toFixed(0).padStart(14)} ${perRow(up.peakMiB).padStart(11)}`
    )
    console.log(
      `file import (cli import)          ${cli.seconds.toFixed(1).padStart(7)} ${cli.peakMiB.toFixed(0).padStart(14)} ${perRow(cli.peakMiB).padStart(11)}`
    )
    if (up.rows !== rows) console.log(`upload: expected ${rows} rows, got ${up.rows}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
