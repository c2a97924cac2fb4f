// import-run: a run trained elsewhere comes back from its exported PyTorch project — config.json (what was trained on
// which dataset), and the checkpoint train.py wrote (final weights, with the epoch log, the summary and where it was
// trained in its metadata) — as a finished experiment usable like any other (Experiments, Compare, every export).
import { readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { InputError } from '../../src-shared/errors'
import { experimentConfig, type ExperimentConfig, type ExperimentStatus } from '../../src-shared/contract'
import { decodeSafetensors } from '../../src-worker/export/safetensors'
import { specOf, tensorsOf } from '../../src-worker/export/spec'
import { checkFinite } from '../../src-worker/export/native'
import { nest } from '../../src-worker/engine/params'
import { PROJECT_FORMAT, type ProjectSource } from '../../src-worker/export/project-source'
import { parseSavedModel, type SavedModel } from '../../src-worker/model/saved-model'
import type { EpochRecord } from '../store/experiments'
import type { Workbench } from './workbench'

/** Larger files are refused before they are read (config.json holds the workbench's curve; checkpoints the weights). */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024
const MAX_CHECKPOINT_BYTES = 2 * 1024 * 1024 * 1024

interface ProjectConfig {
  format: string
  source: ProjectSource
  experiment: unknown
  train: SavedModel['trainConfig']
  data: SavedModel['data']
  inputs: string[]
  target: string
  normalization: SavedModel['normalization']
  vocab: SavedModel['vocab'] | null
}

interface Summary {
  status?: string
  error?: string
  trainedOn?: string
}

function readBounded(path: string, max: number, what: string): Buffer {
  let size: number
  try {
    size = statSync(path).size
  } catch {
    throw new InputError(`${path}: no such file (${what})`)
  }
  if (size > max) throw new InputError(`${path}: ${size} bytes, more than the ${max} a ${what} may have`)
  return readFileSync(path)
}

function parseJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T
  } catch (e) {
    throw new InputError(`${where}: not valid JSON (${(e as Error).message})`)
  }
}

function readConfig(dir: string): { cfg: ProjectConfig; config: ExperimentConfig } {
  const path = join(dir, 'config.json')
  const cfg = parseJson<ProjectConfig>(readBounded(path, MAX_CONFIG_BYTES, 'project config').toString('utf8'), path)
  if (!cfg || cfg.format !== PROJECT_FORMAT)
    throw new InputError(`${path}: not the config.json of an exported PyTorch project (format ${PROJECT_FORMAT})`)
  const parsed = experimentConfig.safeParse(cfg.experiment)
  if (!parsed.success) throw new InputError(`${path}: experiment: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  if (!cfg.source || typeof cfg.source.datasetSha256 !== 'string') throw new InputError(`${path}: source is missing`)
  return { cfg, config: parsed.data }
}

/** The epoch lines of train.py's log: {epoch, trainLoss, valLoss} with numbers or null, epochs 1, 2, 3, … */
function readLog(text: string | undefined, where: string): EpochRecord[] {
  const log = parseJson<unknown>(text ?? '', `${where}: metadata "log"`)
  if (!Array.isArray(log)) throw new InputError(`${where}: metadata "log" is not a list of epochs`)
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  return log.map((l: { epoch?: unknown; trainLoss?: unknown; valLoss?: unknown }, i) => {
    if (!l || l.epoch !== i + 1) throw new InputError(`${where}: log line ${i + 1} is not epoch ${i + 1}`)
    return { epoch: i + 1, trainLoss: num(l.trainLoss), valLoss: num(l.valLoss), seconds: 0 }
  })
}

function findDataset(wb: Workbench, source: ProjectSource): number {
  const byId = wb.store.datasets.get(source.datasetId)
  if (byId && byId.sha256 === source.datasetSha256) return byId.id
  const same = wb.store.datasets.list().find((d) => d.sha256 === source.datasetSha256)
  if (same) return same.id
  throw new InputError(
    `the project's dataset "${source.datasetName}" (sha256 ${source.datasetSha256.slice(0, 12)}…) is not in this store: import that CSV first`
  )
}

/** Imports the run of the project in `dir` (checkpoint: train.py's --out, default run/final.safetensors). */
export function importRun(wb: Workbench, dirArg: string, checkpointArg?: string): number {
  const dir = resolve(dirArg)
  const { cfg, config } = readConfig(dir)
  const ckpt = checkpointArg ? resolve(checkpointArg) : join(dir, 'run', 'final.safetensors')
  const bytes = readBounded(ckpt, MAX_CHECKPOINT_BYTES, 'checkpoint (run python3 train.py first)')
  let st: ReturnType<typeof decodeSafetensors>
  try {
    st = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (e) {
    throw new InputError(`${ckpt}: ${(e as Error).message}`)
  }
  const epochs = readLog(st.metadata.log, ckpt)
  const summary = parseJson<Summary>(st.metadata.summary ?? '{}', `${ckpt}: metadata "summary"`)
  const weights: Record<string, unknown> = {}
  for (const t of st.tensors) weights[t.name] = nest(t.data, 0, t.shape)
  let model: SavedModel
  try {
    model = parseSavedModel(
      {
        weights,
        trainConfig: { ...(cfg.train as object), epochs: epochs.length },
        data: cfg.data,
        inputs: cfg.inputs,
        target: cfg.target,
        normalization: cfg.normalization,
        ...(cfg.vocab ? { vocab: cfg.vocab } : {}),
        experiment: { ...config, epochs: Math.max(1, epochs.length) }
      },
      ckpt
    )
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  try {
    // every parameter present with its shape, and finite (train.py never steps into NaN: such weights are damaged)
    for (const t of tensorsOf(model, specOf(model)).values()) checkFinite(t)
  } catch (e) {
    throw new InputError(`${ckpt}: ${(e as Error).message}`)
  }
  const status: ExperimentStatus = summary.status === 'completed' ? 'completed' : 'failed'
  const trainedOn = typeof summary.trainedOn === 'string' ? summary.trainedOn.slice(0, 200) : 'PyTorch'
  const id = wb.store.experiments.importRun({
    datasetId: findDataset(wb, cfg.source),
    name: `${cfg.source.name} (${trainedOn.split(' on ')[0]})`.slice(0, 200),
    config: { ...config, epochs: Math.max(1, epochs.length) },
    status,
    error: status === 'failed' ? (summary.error ?? 'train.py did not complete').slice(0, 2000) : null,
    epochs,
    model,
    imported: { trainedOn, from: dir }
  })
  wb.bus.emit('experiments.changed', { experimentId: id })
  return id
}
