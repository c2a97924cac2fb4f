// A run goes to PyTorch and comes back: `export --format pytorch-project`, `python3 train.py` (for more epochs than
// the workbench trained), then `import-run DIR` gives an experiment whose curve is the project's log, marked with
// where it was trained, that Compare takes and whose ONNX export verifies. A folder that is no project is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EXIT } from '../../../../src-main/cli'
import { findTorchPython } from '../../../../src-worker/export/pytorch-verify'
import { SAMPLES, tempDir } from '../../../helpers/workbench'
import { cli } from '../../../helpers/cli'

const py = await findTorchPython()
if (!py) console.warn('import-run tests skipped: no python3 with torch found (set RNN_WORKBENCH_PYTHON)')

describe.skipIf(!py)('import-run', () => {
  const t = tempDir('rnnwb-import-run-')
  const store = ['--data-dir', join(t.dir, 'store')]
  const project = join(t.dir, 'project')
  let log: { epoch: number; trainLoss: number; valLoss: number }[] = []
  afterAll(() => t.cleanup())

  beforeAll(async () => {
    const csv = join(SAMPLES, 'co2-monthly.csv')
    const flags = ['--target', 'CO2', '--window', '8', '--hidden', '4', '--epochs', '2', '--lr', '0.01', '--seed', '3']
    const trained = await cli(['train', '--csv', csv, ...flags, '--precision', 'float64', ...store, '--json'])
    expect(trained.code).toBe(EXIT.ok)
    const exported = await cli(['export', '1', '--format', 'pytorch-project', '--out', project, ...store, '--json'])
    expect(exported.code, exported.err).toBe(EXIT.ok)
    expect(JSON.parse(exported.out)).toMatchObject({ format: 'pytorch-project', verified: true })
    const r = spawnSync(py!.python, ['train.py', '--epochs', '4', '--json'], { cwd: project, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    log = readFileSync(join(project, 'run', 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => 'epoch' in l)
  }, 600_000)

  it('brings the PyTorch run back with its curve, marked with where it was trained', async () => {
    const r = await cli(['import-run', project, ...store, '--json'])
    expect(r.code, r.err).toBe(EXIT.ok)
    const j = JSON.parse(r.out)
    expect(j).toMatchObject({ experimentId: 2, status: 'completed', epochs: 4 })
    expect(j.trainedOn).toMatch(/^PyTorch .* on cpu$/)
    const shown = JSON.parse((await cli(['show', '2', ...store, '--json'])).out)
    expect(log).toHaveLength(4)
    expect(
      shown.epochs.map((e: { epoch: number; trainLoss: number; valLoss: number }) => [e.epoch, e.trainLoss, e.valLoss])
    ).toEqual(log.map((e) => [e.epoch, e.trainLoss, e.valLoss]))
    expect(shown.trainedOn).toBe(j.trainedOn)
    expect(shown.config.epochs).toBe(4)
    expect((await cli(['show', '2', ...store])).out).toContain(`trained with ${j.trainedOn} (imported run)`)
    const c = await cli(['compare', '1', '2', ...store, '--json'])
    expect(c.code).toBe(EXIT.ok)
    expect(JSON.parse(c.out).curves[1].epochs).toHaveLength(4)
  }, 600_000)

  it("the imported run's ONNX export verifies", async () => {
    const r = await cli(['export', '2', '--format', 'onnx', '--out', join(t.dir, 'm.onnx'), ...store, '--json'])
    expect(r.code, r.err).toBe(EXIT.ok)
    expect(JSON.parse(r.out)).toMatchObject({ format: 'onnx', verified: true })
  }, 600_000)

  it('refuses a folder that is not an exported project, naming the file', async () => {
    const r = await cli(['import-run', t.dir, ...store])
    expect(r.code).toBe(EXIT.input)
    expect(r.err).toContain(`${join(t.dir, 'config.json')}: no such file`)
  })

  it('refuses a checkpoint with a NaN weight, naming it', async () => {
    const bytes = readFileSync(join(project, 'run', 'final.safetensors'))
    const dataStart = 8 + Number(bytes.readBigUInt64LE(0))
    const header = JSON.parse(bytes.subarray(8, dataStart).toString('utf8'))
    const [name, first] = Object.entries(header).find(
      ([, v]) => (v as { data_offsets?: number[] }).data_offsets?.[0] === 0
    )!
    bytes.writeDoubleLE(NaN, dataStart) // the float64 run's first stored weight
    const damaged = join(t.dir, 'nan.safetensors')
    writeFileSync(damaged, bytes)
    const r = await cli(['import-run', project, '--checkpoint', damaged, ...store])
    expect(r.code).toBe(EXIT.input)
    const at = (first as { shape: number[] }).shape.map(() => '[0]').join('')
    expect(r.err).toContain(`${damaged}: weights.${name}${at} is NaN: a model's weights must be finite numbers`)
  })
})
