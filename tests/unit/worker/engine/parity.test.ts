// Fixture parity under vitest: the same checks as `npm run test:parity`, one test per fixture file.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkFixture, PARITY_TOL } from '../../../../src-worker/engine/fixtures.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')
const dir = process.env.RNN_FIXTURES_DIR
  ? resolve(repoRoot, process.env.RNN_FIXTURES_DIR)
  : resolve(repoRoot, '../shared/fixtures')
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .sort()

describe('PyTorch fixture parity (float64, 1e-9·max(1,|ref|))', () => {
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(0))
  for (const f of files) {
    it(f, () => {
      const fx = JSON.parse(readFileSync(join(dir, f), 'utf8'))
      const r = checkFixture(fx, PARITY_TOL)
      const bad = r.tensors.filter((t) => !t.ok).map((t) => `${t.name} rel ${t.maxRel} ${t.detail ?? ''}`)
      expect(r.error ?? '').toBe('')
      expect(bad).toEqual([])
      expect(r.ok).toBe(true)
      expect(r.tensors.length).toBeGreaterThan(0)
    })
  }
})
