// Import benchmark: `npm run bench:import` (tsx scripts/bench-import.ts [rows] [cols]).
// Generates a rows x cols numeric CSV (default 1,000,000 x 10) in a temp dir, then measures, each in its own
// child process (so peak memory is per run):
//   papaparse alone    Papa.parse on the decoded text: the tokenizer by itself (no checks, rows of strings)
//   import (whole)     parseCsv on the whole bytes = strict decoding + papaparse's Parser + our checks (physical
//                      lines, strict quotes, field counts, strict numbers, type inference, stats, columnar storage)
//   import (stream)    the same import fed 1 MiB chunks, as importCsvFile and the import worker do
// Then quoted fields against the same unquoted (scripts/bench-quoted.ts; QUOTED_MB=…, 0 = none), and a 300 MB file
// (UPLOAD_MB=…, 0 = none) uploaded through browser mode and imported from disk, with each
// process's peak RSS (scripts/bench-upload.ts; needs the build).
// Prints rows/s, MB/s, CPU seconds (user + system: less sensitive than wall time to other load), peak RSS and
// the load average (the machine may be shared).
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Papa from 'papaparse'
import { createCsvStream, parseCsv } from '../src-worker/data/csv'
import { benchQuoted } from './bench-quoted'
import { benchUpload } from './bench-upload'

type Mode = 'papaparse' | 'parseCsv' | 'stream'
const LABEL: Record<Mode, string> = {
  papaparse: 'papaparse alone',
  parseCsv: 'import (whole)',
  stream: 'import (stream)'
}
interface ChildResult {
  mode: Mode
  seconds: number
  cpuSeconds: number
  rows: number
  maxRssMiB: number
  heapMiB: number
}

function generate(path: string, rows: number, cols: number): void {
  const fd = openSync(path, 'w')
  let seed = 12345
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
  writeSync(fd, Array.from({ length: cols }, (_, c) => `c${c}`).join(',') + '\n')
  let buf: string[] = []
  for (let r = 0; r < rows; r++) {
    const cells: string[] = []
    for (let c = 0; c < cols; c++) cells.push((rnd() * 2000 - 1000).toFixed(c % 3 === 0 ? 2 : 4))
    buf.push(cells.join(','))
    if (buf.length === 10_000) {
      writeSync(fd, buf.join('\n') + '\n')
      buf = []
    }
  }
  if (buf.length) writeSync(fd, buf.join('\n') + '\n')
  closeSync(fd)
}

function child(mode: Mode, file: string): ChildResult {
  const bytes = readFileSync(file)
  let heapPeak = 0
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let rows: number
  if (mode === 'papaparse') {
    const text = new TextDecoder().decode(bytes)
    const r = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true })
    rows = r.data.length - 1
  } else if (mode === 'parseCsv') {
    rows = parseCsv(bytes).rowCount
  } else {
    const s = createCsvStream({
      onProgress: () => {
        const h = process.memoryUsage().heapUsed
        if (h > heapPeak) heapPeak = h
      }
    })
    const step = 1 << 20
    for (let off = 0; off < bytes.length; off += step) s.push(bytes.subarray(off, off + step))
    rows = s.end().rowCount
  }
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(c0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
  return {
    mode,
    seconds,
    cpuSeconds,
    rows,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    heapMiB: heapPeak / 2 ** 20
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--child') {
    process.stdout.write(JSON.stringify(child(args[1] as Mode, args[2]!)) + '\n')
    return
  }
  const rows = Number(args[0] ?? 1_000_000)
  const cols = Number(args[1] ?? 10)
  const dir = mkdtempSync(join(tmpdir(), 'rnnwb-bench-'))
  try {
    const file = join(dir, 'bench.csv')
    const g0 = performance.now()
    generate(file, rows, cols)
    const size = statSync(file).size
    const mb = size / 1e6
    console.log(
      `generated ${rows.toLocaleString('en')} rows x ${cols} cols, ${mb.toFixed(1)} MB in ${((performance.now() - g0) / 1000).toFixed(1)} s`
    )
    const self = fileURLToPath(import.meta.url)
    console.log(
      `load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`
    )
    console.log('mode                 seconds     rows/s      MB/s   CPU s   peak RSS MiB')
    for (const mode of ['papaparse', 'parseCsv', 'stream'] as Mode[]) {
      const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', mode, file], {
        encoding: 'utf8',
        maxBuffer: 1 << 20
      })
      if (r.status !== 0) {
        console.log(`${mode}: failed\n${r.stderr}`)
        continue
      }
      const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult
      if (res.rows !== rows) console.log(`${mode}: expected ${rows} rows, got ${res.rows}`)
      console.log(
        `${LABEL[mode].padEnd(19)} ${res.seconds.toFixed(2).padStart(8)} ${Math.round(rows / res.seconds)
          .toLocaleString('en')
          .padStart(10)} ` +
          `${(mb / res.seconds).toFixed(1).padStart(9)} ${res.cpuSeconds.toFixed(2).padStart(7)} ${res.maxRssMiB.toFixed(0).padStart(14)}`
      )
    }
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`
    )
    const quotedMb = Number(process.env.QUOTED_MB ?? 20)
    if (quotedMb > 0) benchQuoted(quotedMb)
    // a 300 MB file (UPLOAD_MB) through browser mode, next to the same file imported from disk
    const uploadMb = Number(process.env.UPLOAD_MB ?? 300)
    if (uploadMb > 0) {
      const big = join(dir, 'upload.csv')
      const bigRows = Math.round((rows * uploadMb * 1e6) / size)
      generate(big, bigRows, cols)
      console.log(
        `browser-mode upload of ${(statSync(big).size / 1e6).toFixed(0)} MB (${bigRows.toLocaleString('en')} rows):`
      )
      await benchUpload(big, bigRows)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
