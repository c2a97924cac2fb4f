#!/usr/bin/env node
// Runs Doyensec's electronegativity on the Electron shell's sources (src-main/) and on the built app
// (out/), and fails on any HIGH or MEDIUM finding that .electronegativity/allow-list.json does not cover
// (each entry there is a reviewed false positive with its reason and the test that proves it). Stale
// allow-list entries fail too. Without the package it prints why it skips and exits 0.
//   node scripts/electronegativity.mjs [--json]      (npm run lint:electron; in CI through tests/unit/hardening/electronegativity.test.ts)
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const INPUTS = ['src-main', 'out']
const FAIL_AT = new Set(['HIGH', 'MEDIUM'])
// Checks that need the network (the list of Electron releases); the Electron version is checked by
// tests/unit/hardening/electron-checklist.test.ts (16.) instead.
const EXCLUDED = ['availablesecurityfixesglobalcheck']

const require = createRequire(import.meta.url)
let run
try {
  run = require('@doyensec/electronegativity/dist/runner.js')
  run = run.default ?? run
} catch (e) {
  console.log(
    `electronegativity: skip: @doyensec/electronegativity is not installed (npm i -D @doyensec/electronegativity@1.10.3): ${e.code ?? e.message}`
  )
  process.exit(0)
}

const allow = JSON.parse(readFileSync(join(ROOT, '.electronegativity', 'allow-list.json'), 'utf8')).entries
for (const [i, a] of allow.entries()) {
  for (const k of ['id', 'input', 'file', 'max', 'reason', 'provedBy']) {
    if (a[k] === undefined || a[k] === '') {
      console.error(`electronegativity: allow-list entry ${i} has no "${k}"`)
      process.exit(1)
    }
  }
}

const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version
const severityName = (s) => (s?.name ?? String(s?.value ?? s)).toUpperCase()
// uses per (entry, input): `max` applies to each scanned input
const used = new Map()
const uses = (j, input) => used.get(`${j}:${input}`) ?? 0
const failures = []
const report = []
const log = console.log
for (const input of INPUTS) {
  const dir = join(ROOT, input)
  if (!existsSync(dir)) {
    console.error(`electronegativity: ${input}/ is missing${input === 'out' ? ': run `npm run build` first' : ''}`)
    process.exit(1)
  }
  console.log = () => {} // the runner prints banners and offline-translation notes
  let result
  try {
    result = await run(
      {
        input: dir,
        customScan: [],
        excludeFromScan: EXCLUDED,
        isRelative: true,
        isVerbose: false,
        parserPlugins: [],
        electronVersionOverride: electronVersion
      },
      false
    )
  } finally {
    console.log = log
  }
  for (const e of result.errors)
    report.push({
      input,
      level: 'parse-error',
      file: String(e.file ?? '').replace(dir + '/', ''),
      message: String(e.error ?? e.message ?? e)
    })
  for (const issue of result.issues) {
    const severity = severityName(issue.severity)
    const f = {
      input,
      id: issue.id,
      severity,
      confidence: severityName(issue.confidence),
      file: issue.file,
      line: issue.location?.line,
      manualReview: !!issue.manualReview
    }
    const k = allow.findIndex(
      (a, j) => a.id === f.id && (a.input === '*' || a.input === input) && a.file === f.file && uses(j, input) < a.max
    )
    if (k >= 0) {
      used.set(`${k}:${input}`, uses(k, input) + 1)
      report.push({ ...f, level: 'allowed', reason: allow[k].reason })
    } else if (FAIL_AT.has(severity)) {
      failures.push(f)
      report.push({ ...f, level: 'FAIL' })
    } else report.push({ ...f, level: 'info' })
  }
}
const stale = allow.filter((a, j) => INPUTS.every((input) => uses(j, input) === 0))

if (process.argv.includes('--json')) console.log(JSON.stringify({ report, failures, stale }, null, 2))
else {
  for (const r of report) {
    if (r.level === 'parse-error') console.log(`  note  ${r.input}/${r.file}: not parsed (${r.message.slice(0, 100)})`)
    else console.log(`  ${r.level.padEnd(7)} ${r.severity.padEnd(6)} ${r.id} ${r.input}/${r.file}:${r.line ?? ''}`)
  }
  console.log(
    `electronegativity ${electronVersion ? `(Electron ${electronVersion}) ` : ''}on ${INPUTS.join(', ')}: ${report.filter((r) => r.level !== 'parse-error').length} finding(s), ${report.filter((r) => r.level === 'allowed').length} allowed (reviewed), ${failures.length} HIGH/MEDIUM not allowed, ${stale.length} stale allow-list entr${stale.length === 1 ? 'y' : 'ies'}`
  )
}
for (const s of stale)
  console.error(`electronegativity: stale allow-list entry (no longer found): ${s.id} in ${s.input}/${s.file}`)
process.exit(failures.length || stale.length ? 1 : 0)
