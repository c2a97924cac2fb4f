// exportModel: write a trained model in one of four formats (export-writers.ts), then load what was written with an
// independent runtime and compare its predictions on held-out inputs with the workbench's own `predict` — as the
// network's outputs and, for values, in the target's units (normalisation and differences undone, target-units.ts).
import { resolve } from 'node:path'
import type { SavedModel } from '../protocol'
import { maxAbsDiff, referencePredict, specOf, type ExportSpec } from './spec'
import { DEFAULT_SEED, givenHeldOut, randomHeldOut, type HeldOut } from './held-out'
import { writeFileAtomic } from './write-file'
import type { PytorchWeightsFormat } from './pytorch'
import { writeJson, writeOnnx, writePytorch, writeTfjs, type Check, type WriterContext } from './export-writers'
import { heldOutUserUnits, targetTransformOf } from './target-units'

export type ExportFormat = 'json' | 'onnx' | 'tfjs' | 'pytorch'
export const EXPORT_FORMATS: ExportFormat[] = ['json', 'onnx', 'tfjs', 'pytorch']
/** verified = maxAbsDiff ≤ this. */
export const VERIFY_TOLERANCE = 1e-4

export interface ExportReport {
  format: ExportFormat | 'pytorch-project'
  /** Absolute paths of the files written. */
  files: string[]
  verified: boolean
  /** Largest |exported − workbench| over every output value of the held-out samples (null when not checked). */
  maxAbsDiff: number | null
  /** The runtime that loaded the written files. */
  runtime: string
  heldOutSamples: number
  /** values: the same comparison in the target's units, and its tolerance (null: class outputs or not checked) */
  userUnits?: { maxAbsDiff: number; tolerance: number } | null
  notes: string[]
}

export interface ExportOptions {
  /** Real held-out inputs (normalised, sample-major (n, tx, I) or token ids (n, tx)); default: seeded N(0,1) samples. */
  heldOut?: { x: Float32Array; n: number }
  /** Number of random held-out samples (default 16). */
  samples?: number
  seed?: number
  /** Skip the self-check (verified = false, maxAbsDiff = null). */
  verify?: boolean
  /** pytorch: weights as safetensors (default) or state_dict.json. */
  pytorchWeights?: PytorchWeightsFormat
  /** pytorch: run model.py with PyTorch when a python3 with torch is found ('auto', default), or re-read the weights into the engine ('engine'). */
  pytorchRuntime?: 'auto' | 'engine'
}

/**
 * Paths: json → `outPath` is the file. onnx → a `.onnx` file path (an encoder–decoder writes `<name>.encoder.onnx`
 * and `<name>.decoder_step.onnx` next to it) or a directory. tfjs, pytorch → a directory (created if needed).
 */
export async function exportModel(
  model: SavedModel,
  format: ExportFormat,
  outPath: string,
  opts: ExportOptions = {}
): Promise<ExportReport> {
  if (!EXPORT_FORMATS.includes(format))
    throw new Error(`format: unknown export format ${JSON.stringify(format)} (expected ${EXPORT_FORMATS.join(', ')})`)
  const s = specOf(model)
  const notes: string[] = []
  const written = new Map<string, Uint8Array | string>()
  const ctx: WriterContext = {
    model,
    spec: s,
    outPath: resolve(outPath),
    notes,
    write: (path, data) => {
      writeFileAtomic(path, data)
      written.set(path, data)
    },
    pytorchWeights: opts.pytorchWeights,
    pytorchRuntime: opts.pytorchRuntime
  }
  const w = WRITERS[format](ctx)
  const report: ExportReport = {
    format,
    files: [...written.keys()],
    verified: false,
    maxAbsDiff: null,
    runtime: w.runtime,
    heldOutSamples: 0,
    notes
  }
  if (opts.verify === false) {
    notes.push('not verified (verify: false)')
    return report
  }
  await verify(model, s, w.check, opts, report)
  return report
}

const WRITERS = { json: writeJson, onnx: writeOnnx, tfjs: writeTfjs, pytorch: writePytorch }

/** Runs the written files on held-out inputs and compares them with the workbench, filling the report. */
async function verify(
  model: SavedModel,
  s: ExportSpec,
  check: Check,
  opts: ExportOptions,
  report: ExportReport
): Promise<void> {
  const h = heldOutOf(s, opts)
  report.heldOutSamples = h.n
  try {
    const ref = referencePredict(model, h.x, h.n, s)
    const r = await check(h)
    report.runtime = r.runtime
    report.maxAbsDiff = maxAbsDiff(r.y, ref, `${report.format} output`)
    report.userUnits = userUnitsCheck(model, s, r.y, ref, h.n)
    report.verified =
      report.maxAbsDiff <= VERIFY_TOLERANCE &&
      (!report.userUnits || report.userUnits.maxAbsDiff <= report.userUnits.tolerance)
    report.notes.push(
      `held-out inputs: ${h.n} ${h.source === 'given' ? 'given samples' : `seeded N(0,1) samples (seed ${opts.seed ?? DEFAULT_SEED})`}; ${report.verified ? 'verified' : 'NOT verified'}: max |diff| = ${report.maxAbsDiff} (tolerance ${VERIFY_TOLERANCE})`
    )
    if (report.userUnits) report.notes.push(userUnitsNote(model, s, report.userUnits))
  } catch (e) {
    report.notes.push(`verification failed: ${(e as Error).message}`)
  }
}

/**
 * Both sides in the target's units. The tolerance scales VERIFY_TOLERANCE by how much an output's error can grow
 * there: the largest normaliser spread, times the horizon once per difference (changes add up over the steps).
 */
function userUnitsCheck(
  model: SavedModel,
  s: ExportSpec,
  y: Float32Array,
  ref: Float32Array,
  n: number
): ExportReport['userUnits'] {
  const mine = heldOutUserUnits(model, s, y, n),
    theirs = heldOutUserUnits(model, s, ref, n)
  if (!mine || !theirs) return null
  const t = targetTransformOf(model, s)
  const spread = Math.max(1, ...t.norm.b.map((b) => Math.abs(b)))
  const tolerance = Number((VERIFY_TOLERANCE * spread * s.ty ** t.lags.length).toPrecision(6))
  return { maxAbsDiff: maxAbsDiff(mine, theirs, `${s.task} output in the target's units`), tolerance }
}

function userUnitsNote(model: SavedModel, s: ExportSpec, u: NonNullable<ExportReport['userUnits']>): string {
  const lags = targetTransformOf(model, s).lags
  const how = lags.length
    ? `denormalised and the differences (lags ${lags.join(', ')}) added back onto a series that is 0 before each window`
    : 'denormalised'
  return `in the target's units (${how}): max |diff| = ${u.maxAbsDiff} (tolerance ${u.tolerance})`
}

function heldOutOf(s: ExportSpec, opts: ExportOptions): HeldOut {
  return opts.heldOut ? givenHeldOut(s, opts.heldOut.x, opts.heldOut.n) : randomHeldOut(s, opts.samples, opts.seed)
}
