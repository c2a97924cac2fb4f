// Loads exported TF.js layers models with @tensorflow/tfjs (cpu backend) through tf.loadLayersModel (the written
// model.json + weights.bin handed over with tf.io.fromMemory) and predicts on held-out inputs, returning the
// outputs in the workbench's (n, ty, O) sample-major layout. Encoder–decoder models are driven step by step like
// the engine generates (and like onnx-verify.ts): seq2seq from the encoder's states, one-to-many from zeros.
import type * as TF from '@tensorflow/tfjs'
import type { TfjsModelJson, WeightSpec } from './tfjs'
import { stacksOf, type ExportSpec } from './spec'
import { decoderStepInput, denseInputs, type HeldOut } from './held-out'

let tfPromise: Promise<typeof TF> | null = null

/** @tensorflow/tfjs on its pure-JS cpu backend, imported once. */
export function loadTf(): Promise<typeof TF> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs')
    await tf.setBackend('cpu')
    await tf.ready()
    return tf
  })()
  return tfPromise
}

const specsOf = (j: TfjsModelJson): WeightSpec[] => j.weightsManifest.flatMap((g) => g.weights)
const bufferOf = (b: Uint8Array): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

/** tf.loadLayersModel on a written model.json + weights.bin (in memory). */
export async function loadLayers(modelJson: TfjsModelJson, weightsBin: Uint8Array): Promise<TF.LayersModel> {
  const tf = await loadTf()
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology as unknown as TF.io.ModelArtifacts['modelTopology'],
      weightSpecs: specsOf(modelJson),
      weightData: bufferOf(weightsBin)
    })
  )
}

/** predict() of a loaded model on float32 inputs; every output as a flat Float32Array. */
async function predictAll(
  tf: typeof TF,
  model: TF.LayersModel,
  inputs: { data: Float32Array; shape: number[] }[]
): Promise<Float32Array[]> {
  const outs = tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.data, i.shape))
    const y = model.predict(xs.length === 1 ? xs[0]! : xs)
    return Array.isArray(y) ? y : [y]
  })
  try {
    return await Promise.all(outs.map(async (o) => Float32Array.from(await o.data())))
  } finally {
    for (const o of outs) o.dispose()
  }
}

/** tf.loadLayersModel of one model.json + weights.bin; x is dense sample-major (n, T, I). Returns the flat output. */
export async function runTfjsLayers(
  modelJson: TfjsModelJson,
  weightsBin: Uint8Array,
  x: Float32Array,
  n: number,
  T: number,
  I: number
): Promise<Float32Array> {
  const tf = await loadTf(),
    model = await loadLayers(modelJson, weightsBin)
  try {
    return (await predictAll(tf, model, [{ data: x, shape: [n, T, I] }]))[0]!
  } finally {
    model.dispose()
  }
}

export interface TfjsFiles {
  modelJson: TfjsModelJson
  weightsBin: Uint8Array
}

/**
 * The exported model(s) on held-out inputs: '' (one model), or 'encoder' + 'decoder_step' / 'decoder_step' run
 * ty times, feeding back the previous output (one-hot of its argmax class for classification) and the states.
 */
export async function runTfjs(s: ExportSpec, files: Record<string, TfjsFiles>, h: HeldOut): Promise<Float32Array> {
  const x = denseInputs(s, h),
    n = h.n
  if (files['']) return runTfjsLayers(files['']!.modelJson, files['']!.weightsBin, x, n, s.tx, s.inputSize)
  const tf = await loadTf(),
    O = s.outputSize,
    H = s.hiddenSize
  const nStates = s.numLayers * (s.cell === 'lstm' ? 2 : 1)
  let states: Float32Array[] = Array.from({ length: nStates }, () => new Float32Array(n * H))
  if (s.mapping === 'seq2seq') {
    if (!files.encoder) throw new Error('seq2seq: encoder/model.json is missing')
    const enc = await loadLayers(files.encoder.modelJson, files.encoder.weightsBin)
    try {
      states = await predictAll(tf, enc, [{ data: x, shape: [n, s.tx, s.inputSize] }])
    } finally {
      enc.dispose()
    }
    if (states.length !== nStates) throw new Error(`encoder: ${states.length} outputs, expected ${nStates} states`)
  }
  if (!files.decoder_step) throw new Error(`${s.mapping}: decoder_step/model.json is missing`)
  const step = await loadLayers(files.decoder_step.modelJson, files.decoder_step.weightsBin)
  try {
    const W = stacksOf(s).at(-1)!.inputSize
    const out = new Float32Array(n * s.ty * O)
    let y: Float32Array = new Float32Array(n * O)
    for (let t = 0; t < s.ty; t++) {
      const prev = decoderStepInput(s, W, x, y, t, n)
      const r = await predictAll(tf, step, [
        { data: prev, shape: [n, 1, W] },
        ...states.map((v) => ({ data: v, shape: [n, H] }))
      ])
      if (r.length !== 1 + nStates)
        throw new Error(`decoder_step: ${r.length} outputs, expected Y and ${nStates} states`)
      y = r[0]!
      states = r.slice(1)
      for (let b = 0; b < n; b++) out.set(y.subarray(b * O, (b + 1) * O), (b * s.ty + t) * O)
    }
    return out
  } finally {
    step.dispose()
  }
}
