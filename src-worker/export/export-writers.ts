// One writer per export format: writes the files (through `write`, which records them) and returns the check that
// loads what was written with an independent runtime and predicts the held-out inputs.
//   json     native file (loadNativeModel)                 → predictions of the reloaded model
//   onnx     model.onnx, or encoder.onnx + decoder_step.onnx → onnxruntime-node
//   tfjs     model.json + weights.bin, or encoder/ + decoder_step/ → @tensorflow/tfjs tf.loadLayersModel
//   pytorch  model.safetensors (or state_dict.json) + model.py → PyTorch itself (python3 + torch) when
//            found, else our safetensors reader + the engine (said in the notes)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SavedModel } from '../protocol'
import { referencePredict, type ExportSpec } from './spec'
import type { HeldOut } from './held-out'
import { loadNativeModel, nativeJson } from './native'
import { buildOnnx } from './onnx'
import { buildTfjs, TFJS_WEIGHTS_FILE, type TfjsModel, type TfjsModelJson } from './tfjs'
import type { TfjsFiles } from './tfjs-verify'
import { buildPytorch, PYTORCH_FILES, readPytorchWeights, type PytorchWeightsFormat } from './pytorch'

export type Check = (h: HeldOut) => Promise<{ y: Float32Array; runtime: string }>

export interface Written {
  /** the runtime that loads the files (until the check names its version) */
  runtime: string
  check: Check
}

export interface WriterContext {
  model: SavedModel
  spec: ExportSpec
  outPath: string
  write: (path: string, data: Uint8Array | string) => void
  notes: string[]
  pytorchWeights?: PytorchWeightsFormat
  pytorchRuntime?: 'auto' | 'engine'
}

export function writeJson(c: WriterContext): Written {
  c.write(c.outPath, nativeJson(c.model))
  return {
    runtime: 'RNN Workbench engine (loadNativeModel)',
    check: async (h) => ({
      y: referencePredict(loadNativeModel(c.outPath), h.x, h.n),
      runtime: 'RNN Workbench engine (loadNativeModel)'
    })
  }
}

/** A `.onnx` path holds the one graph (an encoder–decoder: `<name>.encoder.onnx` beside it); else a directory. */
export function writeOnnx(c: WriterContext): Written {
  const g = buildOnnx(c.model)
  c.notes.push(...g.notes)
  const names = Object.keys(g.files)
  const single = c.outPath.toLowerCase().endsWith('.onnx')
  const pathOf = (name: string) =>
    single ? (names.length === 1 ? c.outPath : c.outPath.replace(/\.onnx$/i, `.${name}`)) : join(c.outPath, name)
  for (const name of names) c.write(pathOf(name), g.files[name]!)
  return {
    runtime: 'onnxruntime-node',
    check: async (h) => {
      const { runOnnx, ortVersion } = await import('./onnx-verify')
      const bytes: Record<string, Uint8Array> = {}
      for (const name of names) bytes[name] = new Uint8Array(readFileSync(pathOf(name)))
      return { y: await runOnnx(c.spec, bytes, h), runtime: await ortVersion() }
    }
  }
}

export function writeTfjs(c: WriterContext): Written {
  const a = buildTfjs(c.model)
  c.notes.push(...a.notes)
  const dirOf = (m: TfjsModel) => (m.dir ? join(c.outPath, m.dir) : c.outPath)
  for (const m of a.models) {
    c.write(join(dirOf(m), 'model.json'), JSON.stringify(m.modelJson))
    c.write(join(dirOf(m), TFJS_WEIGHTS_FILE), m.weightsBin)
  }
  return {
    runtime: '@tensorflow/tfjs',
    check: async (h) => {
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
        y: await runTfjs(c.spec, files, h),
        runtime: `@tensorflow/tfjs ${tf.version.tfjs} tf.loadLayersModel (cpu backend)`
      }
    }
  }
}

export function writePytorch(c: WriterContext): Written {
  const wf = c.pytorchWeights ?? 'safetensors'
  const a = buildPytorch(c.model, wf)
  c.notes.push(...a.notes)
  for (const [name, data] of Object.entries(a.files)) c.write(join(c.outPath, name), data)
  const runtime =
    wf === 'safetensors' ? 'safetensors reader + RNN Workbench engine' : 'state_dict.json reader + RNN Workbench engine'
  return { runtime, check: (h) => checkPytorch(c, wf, runtime, h) }
}

/** model.py under PyTorch when a python3 with torch is found; else the written weights re-read into the engine. */
async function checkPytorch(
  c: WriterContext,
  wf: PytorchWeightsFormat,
  runtime: string,
  h: HeldOut
): Promise<{ y: Float32Array; runtime: string }> {
  const { findTorchPython, runTorch } = await import('./pytorch-verify')
  const py = c.pytorchRuntime === 'engine' ? null : await findTorchPython()
  if (py)
    return {
      y: (await runTorch(py, [{ dir: c.outPath, spec: c.spec, heldOut: h }]))[0]!,
      runtime: `PyTorch ${py.torch} (${py.python}, model.py)`
    }
  if (c.pytorchRuntime !== 'engine')
    c.notes.push(
      'no python3 with PyTorch found (set RNN_WORKBENCH_PYTHON): model.py was not run; the written weights were re-read into the workbench engine instead'
    )
  const file = join(c.outPath, wf === 'safetensors' ? PYTORCH_FILES.safetensors : PYTORCH_FILES.json)
  const weights = readPytorchWeights(new Uint8Array(readFileSync(file)), wf)
  return { y: referencePredict({ ...c.model, weights }, h.x, h.n), runtime }
}
