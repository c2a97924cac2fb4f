// Fixture parity: runs every fixture JSON in $RNN_FIXTURES_DIR (default ../shared/fixtures relative to the
// repository root) through the engine in float64 and prints the per-file max difference; the last line is
// `fixtures: N passed, M failed`. Exit code 1 when M > 0 or N = 0.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkFixture, PARITY_TOL } from '../src-worker/engine/fixtures.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dir = process.env.RNN_FIXTURES_DIR
  ? resolve(repoRoot, process.env.RNN_FIXTURES_DIR)
  : resolve(repoRoot, '../shared/fixtures')

let passed = 0,
  failed = 0
let files: string[] = []
try {
  files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
} catch (e) {
  console.error(`cannot read fixtures directory ${dir}: ${(e as Error).message}`)
}
for (const f of files) {
  let fx: Record<string, unknown>
  try {
    fx = JSON.parse(readFileSync(join(dir, f), 'utf8'))
  } catch (e) {
    console.log(`FAIL ${f}: invalid JSON (${(e as Error).message})`)
    failed++
    continue
  }
  if (fx === null || typeof fx !== 'object' || !('kind' in fx)) continue // index.json and other non-fixture files
  const r = checkFixture(fx, PARITY_TOL)
  if (r.ok) {
    passed++
    console.log(`ok   ${f.padEnd(40)} ${r.kind.padEnd(15)} max|diff| ${r.maxDiff.toExponential(2)}`)
  } else {
    failed++
    console.log(`FAIL ${f.padEnd(40)} ${r.kind.padEnd(15)} ${r.error ?? ''}`)
    for (const t of r.tensors)
      if (!t.ok)
        console.log(
          `       ${t.name}: max|diff| ${t.maxDiff.toExponential(2)} rel ${t.maxRel.toExponential(2)} ${t.detail ?? ''}`
        )
  }
}
console.log(`fixtures: ${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 || passed === 0 ? 1 : 0
