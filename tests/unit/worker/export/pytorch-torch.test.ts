// PyTorch exports run by PyTorch itself: every cell (incl. the reset-before GRU, which model.py builds as its own
// GRUResetBefore module) × mapping × task, plus bidirectional, multi-layer and token models, exported with
// buildPytorch's model.py + model.safetensors, then imported and run by python3 + torch in ONE process (torch takes
// seconds to import), and compared with the workbench's own predictions on the same held-out inputs.
// Skips, saying why, when no python3 with torch is on the machine (.ci/run installs python3-torch).
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { exportModel } from '../../../../src-worker/export'
import { findTorchPython, runTorch, type TorchJob } from '../../../../src-worker/export/pytorch-verify'
import { randomHeldOut } from '../../../../src-worker/export/held-out'
import { referencePredict, specOf, maxAbsDiff } from '../../../../src-worker/export/spec'
import type { CellKind } from '../../../../src-worker/engine/cells/common'
import type { Mapping, Task } from '../../../../src-worker/engine/model'
import { buildModel, caseName, type ModelCase } from './models'
import { tempDir } from './tmp'

const dir = tempDir('pytorch-torch')
const py = await findTorchPython()
if (!py)
  console.log(
    'SKIP PyTorch runtime checks: no python3 with torch (set RNN_WORKBENCH_PYTHON, or apt-get install python3-torch)'
  )

const CELLS: { cell: CellKind; resetBefore?: boolean }[] = [
  { cell: 'rnn_tanh' },
  { cell: 'rnn_relu' },
  { cell: 'lstm' },
  { cell: 'gru' },
  { cell: 'gru', resetBefore: true }
]
const MAPPINGS: Mapping[] = ['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'seq2seq']
const TASKS: Task[] = ['regression', 'classification']

function cases(): ModelCase[] {
  const out: ModelCase[] = []
  for (const { cell, resetBefore } of CELLS)
    for (const mapping of MAPPINGS)
      for (const task of TASKS) {
        const generating = mapping === 'seq2seq' || mapping === 'one-to-many'
        out.push({ cell, resetBefore, mapping, task, layers: generating ? 2 : 1, H: 4, epochs: 1 })
      }
  out.push(
    { cell: 'gru', mapping: 'many-to-one', task: 'classification', layers: 2, bidirectional: true },
    { cell: 'gru', resetBefore: true, mapping: 'many-to-many', task: 'regression', layers: 3, bidirectional: true },
    {
      cell: 'lstm',
      mapping: 'many-to-many',
      task: 'classification',
      layers: 2,
      bidirectional: true,
      tokens: true,
      I: 7
    },
    { cell: 'rnn_relu', mapping: 'seq2seq', task: 'classification', layers: 2, tokens: true, I: 6 },
    { cell: 'lstm', mapping: 'one-to-many', task: 'classification', layers: 1, tokens: true, I: 5 }
  )
  return out
}

describe.skipIf(!py)('PyTorch export, run by PyTorch', () => {
  it('every cell × mapping × task (and bidirectional / deep / token models) predicts like the workbench', async () => {
    const all = cases()
    const jobs: (TorchJob & { name: string; ref: Float32Array })[] = []
    for (const [k, c] of all.entries()) {
      const model = buildModel(c, 5)
      const out = join(dir, `case-${k}`)
      const r = await exportModel(model, 'pytorch', out, { verify: false })
      expect(r.files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['model.py', 'model.safetensors'])
      const s = specOf(model),
        h = randomHeldOut(s, 6, 11 + k)
      jobs.push({ dir: out, spec: s, heldOut: h, name: caseName(c), ref: referencePredict(model, h.x, h.n, s) })
    }
    const ys = await runTorch(py!, jobs)
    let worst = 0
    const bad: string[] = []
    for (const [k, j] of jobs.entries()) {
      const d = maxAbsDiff(ys[k]!, j.ref, j.name)
      worst = Math.max(worst, d)
      if (!(d <= 1e-4)) bad.push(`${j.name}: max |diff| ${d}`)
    }
    console.log(
      `PyTorch ${py!.torch} ran ${jobs.length} exported models; largest max |diff| from the workbench = ${worst}`
    )
    expect(bad).toEqual([])
    expect(worst).toBeGreaterThan(0) // float32 in two different programs: identical bits everywhere would mean we compared the engine with itself
  }, 600_000)

  it('exportModel verifies with PyTorch and says so; a broken model.py is reported, not verified', async () => {
    const model = buildModel(
      { cell: 'gru', resetBefore: true, mapping: 'seq2seq', task: 'classification', layers: 2, H: 4, epochs: 1 },
      9
    )
    const out = join(dir, 'report')
    const r = await exportModel(model, 'pytorch', out, { samples: 5 })
    expect(r.runtime).toMatch(/^PyTorch 1\.\d+.*model\.py\)$/)
    expect(r.verified).toBe(true)
    expect(r.maxAbsDiff!).toBeLessThanOrEqual(1e-4)
    expect(r.notes.join('\n')).toMatch(/GRUResetBefore/)
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(out, 'model.py'), 'raise RuntimeError("tampered")\n')
    const [job] = [{ dir: out, spec: specOf(model), heldOut: randomHeldOut(specOf(model), 2, 1) }]
    await expect(runTorch(py!, [job])).rejects.toThrow(/could not run model\.py: .*tampered/)
  }, 300_000)
})
