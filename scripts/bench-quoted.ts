// Quoted fields against the same fields unquoted (part of `npm run bench:import`; QUOTED_MB=0 skips it): a file of
// short fields (300,000 rows x 3: unquoted, every field quoted, every field quoted with a "" inside) and one long
// field (QUOTED_MB, default 20: unquoted, quoted, and quoted with a "" after every character), each imported by
// parseCsv in this process, best CPU time of 3, and its ratio to the unquoted file.
import { parseCsv } from '../src-worker/data/csv'

const enc = new TextEncoder()

function cpuSeconds(bytes: Uint8Array): number {
  let best = Infinity
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage()
    parseCsv(bytes)
    const c = process.cpuUsage(c0)
    best = Math.min(best, (c.user + c.system) / 1e6)
  }
  return best
}

function rows(field: (r: number, c: number) => string): Uint8Array {
  const lines = ['a,b,c']
  for (let r = 0; r < 300_000; r++) lines.push([0, 1, 2].map((c) => field(r, c)).join(','))
  return enc.encode(lines.join('\n') + '\n')
}

function report(label: string, cases: [string, Uint8Array][]): void {
  let base = 0
  for (const [name, bytes] of cases) {
    const s = cpuSeconds(bytes)
    base ||= s
    console.log(
      `${label.padEnd(12)} ${name.padEnd(28)} ${(bytes.length / 1e6).toFixed(1).padStart(6)} MB ${s.toFixed(2).padStart(6)} CPU s  x${(s / base).toFixed(2)}`
    )
  }
}

export function benchQuoted(mb: number): void {
  console.log('quoted fields (parseCsv, best CPU s of 3, ratio to unquoted):')
  const text = (r: number, c: number) => `w${r % 977} v${c}`
  report('300k x 3', [
    ['unquoted', rows(text)],
    ['quoted', rows((r, c) => `"${text(r, c)}"`)],
    ['quoted with ""', rows((r, c) => `"${text(r, c)} ""q"""`)]
  ])
  const n = Math.round(mb * 1e6)
  report(`${mb} MB field`, [
    ['unquoted', enc.encode(`a,b\n1,${'x'.repeat(n)}\n`)],
    ['quoted', enc.encode(`a,b\n1,"${'x'.repeat(n)}"\n`)],
    ['quoted, "" after every char', enc.encode(`a,b\n1,"${'x""'.repeat(Math.round(n / 3))}"\n`)]
  ])
}
