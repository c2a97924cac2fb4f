// The native JSON format: everything needed to use a trained model again — engine config, data mapping and
// shapes, input columns, target, normalisation, vocabulary (when present), and the weights in PyTorch layout.
// JSON numbers are written in shortest round-trip form, so loading gives the same doubles and identical predictions.
import { readFileSync } from 'node:fs'
import type { SavedModel } from '../../src-worker/protocol'
import { specOf, tensorsOf } from './spec'

export const NATIVE_FORMAT = 'rnn-workbench-model'
export const NATIVE_VERSION = 1

export interface NativeModelFile {
  format: typeof NATIVE_FORMAT
  formatVersion: number
  summary: string
  trainConfig: unknown
  data: SavedModel['data']
  inputs: string[]
  target: string
  normalization: SavedModel['normalization']
  vocabulary?: unknown
  weights: Record<string, unknown>
}

export function nativeJson(model: SavedModel): string {
  const s = specOf(model)
  tensorsOf(model, s) // refuse a model whose weights do not match its config
  const file: NativeModelFile = {
    format: NATIVE_FORMAT,
    formatVersion: NATIVE_VERSION,
    summary: `${s.cell} ×${s.numLayers} (hidden ${s.hiddenSize}${s.bidirectional ? ', bidirectional' : ''}), ${s.mapping} ${s.task}, ` +
      `input [${s.tx}, ${s.inputSize}] → output [${s.ty}, ${s.outputSize}]`,
    trainConfig: model.trainConfig,
    data: model.data,
    inputs: model.inputs,
    target: model.target,
    normalization: model.normalization,
    weights: model.weights
  }
  const vocab = (model as { vocabulary?: unknown }).vocabulary
  if (vocab !== undefined) file.vocabulary = vocab
  return JSON.stringify(file)
}

/** Parse and check a native model file's text. */
export function parseNativeModel(text: string, where = 'model file'): SavedModel {
  let f: Partial<NativeModelFile>
  try { f = JSON.parse(text) as Partial<NativeModelFile> } catch (e) { throw new Error(`${where}: not valid JSON (${(e as Error).message})`) }
  if (!f || typeof f !== 'object') throw new Error(`${where}: expected a JSON object`)
  if (f.format !== NATIVE_FORMAT) throw new Error(`${where}: format is ${JSON.stringify(f.format)}, expected "${NATIVE_FORMAT}"`)
  if (f.formatVersion !== NATIVE_VERSION) throw new Error(`${where}: formatVersion ${f.formatVersion} is not supported (this build reads ${NATIVE_VERSION})`)
  for (const k of ['trainConfig', 'data', 'weights', 'normalization'] as const) if (!f[k] || typeof f[k] !== 'object') throw new Error(`${where}: "${k}" is missing`)
  if (!Array.isArray(f.inputs) || !f.inputs.every((c) => typeof c === 'string')) throw new Error(`${where}: "inputs" must be a list of column names`)
  if (typeof f.target !== 'string') throw new Error(`${where}: "target" must be a column name`)
  const model: SavedModel = {
    weights: f.weights!, trainConfig: f.trainConfig, data: f.data!, inputs: f.inputs, target: f.target, normalization: f.normalization!
  }
  if (f.vocabulary !== undefined) (model as SavedModel & { vocabulary?: unknown }).vocabulary = f.vocabulary
  try { tensorsOf(model) } catch (e) { throw new Error(`${where}: ${(e as Error).message}`) }
  return model
}

/** Read a file written by exportModel(model, 'json', path). */
export function loadNativeModel(path: string): SavedModel {
  return parseNativeModel(readFileSync(path, 'utf8'), path)
}
