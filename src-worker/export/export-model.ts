// exportModel: write a trained model in one of four formats, then load what was written with an independent
// runtime and compare its predictions on held-out inputs with the workbench's own `predict`.
//   json     native file (loadNativeModel)                 → predictions of the reloaded model
//   onnx     model.onnx, or encoder.onnx + decoder_step.onnx → onnxruntime-node
//   tfjs     model.json + weights.bin, or encoder/ + decoder_step/ → @tensorflow/tfjs tf.loadLayersModel
//   pytorch  model.safetensors (or state_dict.json) + model.py → PyTorch itself (python3 + torch) when found,
//            else our safetensors reader + the engine (said in the notes)
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { SavedModel } from '../protocol'
import { maxAbsDiff, referencePredict, specOf, type ExportSpec } from './spec'
import { DEFAULT_SEED, givenHeldOut, randomHeldOut, type HeldOut } from './held-out'
import { loadNativeModel, nativeJson } from './native'
import { buildOnnx } from './onnx'
import { writeFileAtomic } from './write-file'
import { buildTfjs, TFJS_WEIGHTS_FILE, type TfjsModel, type TfjsModelJson } from './tfjs'
import type { TfjsFiles } from './tfjs-verify'
import { buildPytorch, PYTORCH_FILES, readPytorchWeights, type PytorchWeightsFormat } from './pytorch'

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
  const support = exportSupport(model)[format]
  if (!support.ok) throw new Error(support.reason)
  outPath = resolve(outPath)
  const notes: string[] = []
  const written = new Map<string, Uint8Array | string>()
  const write = (path: string, data: Uint8Array | string) => {
    writeFileAtomic(path, data)
    written.set(path, data)
  }
  // 1. write
  let check: (h: HeldOut) => Promise<{ y: Float32Array; runtime: string }>
  let runtime = ''
  if (format === 'json') {
    write(outPath, nativeJson(model))
    runtime = 'RNN Workbench engine (loadNativeModel)'
    check = async (h) => ({ y: referencePredict(loadNativeModel(outPath), h.x, h.n), runtime })
  } else if (format === 'onnx') {
    const g = buildOnnx(model)
    notes.push(...g.notes)
    const names = Object.keys(g.files)
    const single = outPath.toLowerCase().endsWith('.onnx')
    const pathOf = (name: string) =>
      single ? (names.length === 1 ? outPath : outPath.replace(/\.onnx$/i, `.${name}`)) : join(outPath, name)
    for (const name of names) write(pathOf(name), g.files[name]!)
    runtime = 'onnxruntime-node'
    check = async (h) => {
      const { runOnnx, ortVersion } = await import('./onnx-verify')
      const bytes: Record<string, Uint8Array> = {}
      for (const name of names) bytes[name] = new Uint8Array(readFileSync(pathOf(name)))
      return { y: await runOnnx(s, bytes, h), runtime: await ortVersion() }
    }
  } else if (format === 'tfjs') {
    const a = buildTfjs(model)
    notes.push(...a.notes)
    const dirOf = (m: TfjsModel) => (m.dir ? join(outPath, m.dir) : outPath)
    for (const m of a.models) {
      write(join(dirOf(m), 'model.json'), JSON.stringify(m.modelJson))
      write(join(dirOf(m), TFJS_WEIGHTS_FILE), m.weightsBin)
    }
    runtime = '@tensorflow/tfjs'
    check = async (h) => {
      const { loadTf, runTfjs } = await import('./tfjs-verify')
      const tf = await loadTf()
      const files: Record<string, TfjsFiles> = {}
      for (const m of a.models) {
        files[m.dir] = {
          modelJson: JSON.parse(readFileSync(join(dirOf(m), 'model.json'), 'utf8')) as TfjsModelJson,
          weightsBin: new Uint8Array(readFileSync(join(dirOf(m), TFJS_WEIGHTS_FILE)))
        }
      }
      return {
        y: await runTfjs(s, files, h),
        runtime: `@tensorflow/tfjs ${tf.version.tfjs} tf.loadLayersModel (cpu backend)`
      }
    }
  } else {
    const wf = opts.pytorchWeights ?? 'safetensors'
    const a = buildPytorch(model, wf)
    notes.push(...a.notes)
    for (const [name, data] of Object.entries(a.files)) write(join(outPath, name), data)
    runtime =
      wf === 'safetensors'
        ? 'safetensors reader + RNN Workbench engine'
        : 'state_dict.json reader + RNN Workbench engine'
    check = async (h) => {
      const { findTorchPython, runTorch } = await import('./pytorch-verify')
      const py = opts.pytorchRuntime === 'engine' ? null : await findTorchPython()
      if (py)
        return {
          y: (await runTorch(py, [{ dir: outPath, spec: s, heldOut: h }]))[0]!,
          runtime: `PyTorch ${py.torch} (${py.python}, model.py)`
        }
      if (opts.pytorchRuntime !== 'engine')
        notes.push(
          'no python3 with PyTorch found (set RNN_WORKBENCH_PYTHON): model.py was not run; the written weights were re-read into the workbench engine instead'
        )
      const weights = readPytorchWeights(
        new Uint8Array(
          readFileSync(join(outPath, wf === 'safetensors' ? PYTORCH_FILES.safetensors : PYTORCH_FILES.json))
        ),
        wf
      )
      return { y: referencePredict({ ...model, weights }, h.x, h.n), runtime }
    }
  }
  const report: ExportReport = {
    format,
    files: [...written.keys()],
    verified: false,
    maxAbsDiff: null,
    runtime,
    heldOutSamples: 0,
    notes
  }
  if (opts.verify === false) {
    notes.push('not verified (verify: false)')
    return report
  }
  // 2. verify
  const h = heldOutOf(s, opts)
  report.heldOutSamples = h.n
  try {
    const ref = referencePredict(model, h.x, h.n, s)
    const r = await check(h)
    report.runtime = r.runtime
    report.maxAbsDiff = maxAbsDiff(r.y, ref, `${format} output`)
    report.verified = report.maxAbsDiff <= VERIFY_TOLERANCE
    notes.push(
      `held-out inputs: ${h.n} ${h.source === 'given' ? 'given samples' : `seeded N(0,1) samples (seed ${opts.seed ?? DEFAULT_SEED})`}; ${report.verified ? 'verified' : 'NOT verified'}: max |diff| = ${report.maxAbsDiff} (tolerance ${VERIFY_TOLERANCE})`
    )
  } catch (e) {
    notes.push(`verification failed: ${(e as Error).message}`)
  }
  return report
}

/**
 * Which formats can take this model (for menus). Every format takes every cell and mapping (the reset-before GRU,
 * which torch.nn.GRU lacks, gets its own small module in model.py). Kept as a function so menus and exportModel
 * ask one place when a combination cannot be written.
 */
export function exportSupport(model: SavedModel): Record<ExportFormat, { ok: boolean; reason?: string }> {
  specOf(model)
  return { json: { ok: true }, onnx: { ok: true }, tfjs: { ok: true }, pytorch: { ok: true } }
}

function heldOutOf(s: ExportSpec, opts: ExportOptions): HeldOut {
  return opts.heldOut ? givenHeldOut(s, opts.heldOut.x, opts.heldOut.n) : randomHeldOut(s, opts.samples, opts.seed)
}
