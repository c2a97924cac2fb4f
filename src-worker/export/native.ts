// The native JSON format: everything needed to use a trained model again — engine config, data mapping and
// shapes, input columns, target, normalisation, vocabulary (when present), and the weights in PyTorch layout.
// JSON numbers are written in shortest round-trip form, so loading gives the same doubles and identical predictions.
import { readFileSync } from 'node:fs'
import { parseSavedModel, type SavedModel } from '../model/saved-model'
import { specOf, tensorsOf, type Tensor } from './spec'

export const NATIVE_FORMAT = 'rnn-workbench-model'
export const NATIVE_VERSION = 1

/** The file: a header, then the saved model's fields (model/saved-model.ts: weights, trainConfig, data, inputs,
 * target, normalization, and vocab / experiment when present). Reading parses them with that schema. */
export type NativeModelFile = { format: typeof NATIVE_FORMAT; formatVersion: number; summary: string } & SavedModel

export function nativeJson(model: SavedModel): string {
  const s = specOf(model)
  tensorsOf(model, s) // refuse a model whose weights do not match its config
  const file: NativeModelFile = {
    format: NATIVE_FORMAT,
    formatVersion: NATIVE_VERSION,
    summary:
      `${s.cell} ×${s.numLayers} (hidden ${s.hiddenSize}${s.bidirectional ? ', bidirectional' : ''}), ${s.mapping} ${s.task}, ` +
      `input [${s.tx}, ${s.inputSize}] → output [${s.ty}, ${s.outputSize}]`,
    ...model
  }
  return JSON.stringify(file)
}

/** Parse and check a native model file's text. */
export function parseNativeModel(text: string, where = 'model file'): SavedModel {
  let f: Partial<NativeModelFile>
  try {
    f = JSON.parse(text) as Partial<NativeModelFile>
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`)
  }
  if (!f || typeof f !== 'object' || Array.isArray(f))
    throw new Error(
      `${where}: expected a JSON object, found ${Array.isArray(f) ? 'an array' : f === null ? 'null' : `a ${typeof f}`}`
    )
  if (f.format !== NATIVE_FORMAT)
    throw new Error(`${where}: format is ${JSON.stringify(f.format)}, expected "${NATIVE_FORMAT}"`)
  if (f.formatVersion !== NATIVE_VERSION)
    throw new Error(`${where}: formatVersion ${f.formatVersion} is not supported (this build reads ${NATIVE_VERSION})`)
  const { format: _f, formatVersion: _v, summary: _s, ...rest } = f
  const model = parseSavedModel(rest, where)
  try {
    for (const t of tensorsOf(model).values()) checkFinite(t)
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`)
  }
  return model
}

/** A weight that is NaN or ±Infinity (1e999 in JSON) makes every prediction meaningless: refused, named by index. */
export function checkFinite(t: Tensor): void {
  const k = t.data.findIndex((v) => !Number.isFinite(v))
  if (k < 0) return
  const index: number[] = []
  for (let rest = k, d = t.shape.length - 1; d >= 0; d--) {
    index.unshift(rest % t.shape[d]!)
    rest = Math.floor(rest / t.shape[d]!)
  }
  throw new Error(`weights.${t.name}[${index.join('][')}] is ${t.data[k]}: a model's weights must be finite numbers`)
}

/** Read a file written by exportModel(model, 'json', path). */
export function loadNativeModel(path: string): SavedModel {
  return parseNativeModel(readFileSync(path, 'utf8'), path)
}
