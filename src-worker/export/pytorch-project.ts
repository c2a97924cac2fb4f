// The PyTorch training project of a run: train.py (a fixed template that reads config.json), model.py and the final
// weights (the PyTorch export, verified by PyTorch itself), config.json (the run's full configuration, its batch
// size, and the state of its Rng after drawing the initial weights — every epoch's batch order follows from it),
// README.md, and data/ — the encoded training and validation tensors exactly as the workbench built them (.npy),
// the fitted normalisation, vocabularies and classes, and the run's initial weights (safetensors, in the run's
// precision). Nothing is fitted or parsed on the PyTorch side.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { writeFileAtomic } from './write-file'
import { join, resolve } from 'node:path'
import type { SavedModel } from '../protocol'
import type { ExperimentConfig } from '../../src-shared/contract'
import { initialState, type SplitData, type TrainConfig, type TrainData } from '../trainer'
import { encodeNpy } from './npy'
import { encodeSafetensors } from './safetensors'
import { normalizationOf, specOf, tensorsOf } from './spec'
import { exportModel, type ExportOptions, type ExportReport } from './export-model'
import { PROJECT_FORMAT, type ProjectSource } from './project-source'
import { fillTemplate } from './templates/fill'
import TRAIN_PY from './templates/train.py?raw'
import README_MD from './templates/README.md?raw'

export { PROJECT_FORMAT, type ProjectSource }

export interface ProjectInput {
  model: SavedModel
  config: ExperimentConfig
  data: TrainData
  source: ProjectSource
  /** The workbench's own curve of the run, kept in config.json to compare with. */
  log: { epoch: number; trainLoss: number | null; valLoss: number | null }[]
}

function splitFiles(name: string, s: SplitData, d: TrainData): Record<string, Uint8Array> {
  const tokens = d.tokens === true,
    reg = d.task === 'regression'
  const out: Record<string, Uint8Array> = {
    [`data/${name}_x.npy`]: encodeNpy(s.x, tokens ? [s.n, d.tx] : [s.n, d.tx, d.inputSize]),
    [`data/${name}_y.npy`]: encodeNpy(s.y, reg ? [s.n, d.ty, d.outputSize] : [s.n, d.ty])
  }
  if (s.mask) out[`data/${name}_mask.npy`] = encodeNpy(s.mask, [s.n, d.ty])
  return out
}

/**
 * What train.py needs for regression valMetrics: the validation targets in their own units (f8) and the map back to
 * them — the target normaliser, the difference lags and, for differenced targets, the target columns in their own
 * units with each validation window's first row (toUserUnits in Python).
 */
function unitsFiles(d: TrainData): { files: Record<string, Uint8Array>; units: object | null } {
  const u = d.units
  if (!u?.transform) return { files: {}, units: null }
  const { norm, lags } = u.transform
  const files: Record<string, Uint8Array> = {
    'data/val_truth.npy': encodeNpy(u.truth, [d.val.n, d.ty, d.outputSize], 'f8')
  }
  const a = lags.length ? u.anchors : undefined
  if (a) {
    const rows = a.columns[0]?.length ?? 0
    const cols = new Float64Array(a.columns.length * rows)
    a.columns.forEach((c, o) => cols.set(c, o * rows))
    files['data/series_targets.npy'] = encodeNpy(cols, [a.columns.length, rows], 'f8')
    files['data/val_starts.npy'] = encodeNpy(Array.from(a.starts), [a.starts.length], 'f8')
  }
  const anchors = a ? { yStart: a.yStart, tx: a.tx, ty: a.ty } : null
  return { files, units: { a: norm.a, b: norm.b, lags, anchors } }
}

/** config.json: everything train.py reads besides the tensors. */
function configJson(p: ProjectInput, tc: TrainConfig, init: ReturnType<typeof initialState>): string {
  const d = p.data
  return JSON.stringify(
    {
      format: PROJECT_FORMAT,
      version: 1,
      source: p.source,
      experiment: p.config,
      train: tc,
      data: {
        mapping: d.mapping,
        task: d.task,
        inputSize: d.inputSize,
        outputSize: d.outputSize,
        tx: d.tx,
        ty: d.ty,
        tokens: d.tokens === true,
        nTrain: d.train.n,
        nVal: d.val.n
      },
      batchMax: init.batchMax,
      rngAfterInit: init.rng.slice(0, 4),
      inputs: p.model.inputs,
      target: p.model.target,
      normalization: normalizationOf(p.model),
      vocab: p.model.vocab ?? null,
      workbenchLog: p.log
    },
    null,
    2
  )
}

function readme(p: ProjectInput, tc: TrainConfig): string {
  const vars: Record<string, string> = {
    name: p.source.name,
    experimentId: String(p.source.experimentId),
    mapping: p.data.mapping,
    cell: tc.model.cell,
    precision: tc.dtype ?? 'float32',
    epochs: String(tc.epochs),
    nTrain: String(p.data.train.n),
    nVal: String(p.data.val.n)
  }
  return fillTemplate(README_MD, vars)
}

/** Every file of the project except model.py and its weights (relative path → bytes or text). */
export function projectFiles(p: ProjectInput): Record<string, Uint8Array | string> {
  const tc = p.model.trainConfig
  const init = initialState(tc, p.data)
  const s = specOf(p.model)
  const initTensors = [...tensorsOf({ ...p.model, weights: init.weights }, s).values()]
  const units = unitsFiles(p.data)
  return {
    'train.py': TRAIN_PY,
    'config.json': configJson(p, tc, init),
    'README.md': readme(p, tc),
    ...splitFiles('train', p.data.train, p.data),
    ...splitFiles('val', p.data.val, p.data),
    ...units.files,
    'data/initial_weights.safetensors': encodeSafetensors(initTensors, {}, tc.dtype === 'float64' ? 'F64' : 'F32'),
    'data/fitted.json': JSON.stringify(
      {
        inputs: p.model.inputs,
        target: p.model.target,
        normalization: normalizationOf(p.model),
        vocab: p.model.vocab ?? null,
        targetUnits: units.units
      },
      null,
      2
    )
  }
}

/** A folder that holds files and is not an earlier export of a project is the user's: refused. */
function checkTarget(dir: string): void {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return
  let ours: boolean
  try {
    ours = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { format?: string }).format === PROJECT_FORMAT
  } catch {
    ours = false
  }
  if (!ours)
    throw Object.assign(new Error(`${dir} is not empty and holds no exported project: choose an empty or new folder`), {
      name: 'InputError'
    })
}

/**
 * Writes the project into `outDir`; model.py and the final weights are checked by PyTorch as the pytorch export is
 * (unless `opts.verify` is false).
 */
export async function writeProject(p: ProjectInput, outDir: string, opts: ExportOptions = {}): Promise<ExportReport> {
  const dir = resolve(outDir)
  checkTarget(dir)
  const files = projectFiles(p)
  const r = await exportModel(p.model, 'pytorch', dir, opts)
  const written = [...r.files]
  for (const [name, data] of Object.entries(files)) {
    const path = join(dir, name)
    writeFileAtomic(path, data)
    written.push(path)
  }
  return {
    ...r,
    format: 'pytorch-project',
    files: written,
    notes: [
      ...r.notes,
      `python3 train.py reproduces the run (${p.data.train.n} training and ${p.data.val.n} validation sequences, ${p.model.trainConfig.dtype ?? 'float32'}); see README.md`
    ]
  }
}
