// Runs exported ONNX graphs with onnxruntime-node (an independent runtime) on held-out inputs and returns the
// outputs in the workbench's (n, ty, O) sample-major layout; encoder–decoder graphs are driven step by step.
import type { ExportSpec } from './spec'
import { dirsOf, stacksOf } from './spec'
import { decoderStepInput, denseInputs, toSampleMajor, toTimeMajor, type HeldOut } from './held-out'

export async function ortVersion(): Promise<string> {
  const ort = await import('onnxruntime-node')
  return `onnxruntime-node ${ort.env.versions?.node ?? ort.env.versions?.common ?? ''}`.trim()
}

export async function runOnnx(s: ExportSpec, files: Record<string, Uint8Array>, h: HeldOut): Promise<Float32Array> {
  const ort = await import('onnxruntime-node')
  const { n } = h,
    O = s.outputSize
  const x = denseInputs(s, h)
  if (files['model.onnx']) {
    const sess = await ort.InferenceSession.create(files['model.onnx'])
    try {
      const X = new ort.Tensor('float32', toTimeMajor(x, n, s.tx, s.inputSize), [s.tx, n, s.inputSize])
      const Y = (await sess.run({ X })).Y!
      const data = Y.data as Float32Array
      return s.mapping === 'many-to-many' ? toSampleMajor(data, n, s.tx, O) : Float32Array.from(data)
    } finally {
      await sess.release()
    }
  }
  const step = await ort.InferenceSession.create(files['decoder_step.onnx']!)
  try {
    return await runSteps(ort, step, s, files, x, n)
  } finally {
    await step.release()
  }
}

type Ort = typeof import('onnxruntime-node')

/** Encoder once (seq2seq), then the decoder-step graph ty times, feeding back each output like the engine does. */
async function runSteps(
  ort: Ort,
  step: import('onnxruntime-node').InferenceSession,
  s: ExportSpec,
  files: Record<string, Uint8Array>,
  x: Float32Array,
  n: number
): Promise<Float32Array> {
  const O = s.outputSize,
    H = s.hiddenSize,
    LD = s.numLayers * dirsOf(s),
    lstm = s.cell === 'lstm'
  let hState = new Float32Array(LD * n * H),
    cState = new Float32Array(LD * n * H)
  if (files['encoder.onnx']) {
    const enc = await ort.InferenceSession.create(files['encoder.onnx'])
    const r = await enc.run({
      X: new ort.Tensor('float32', toTimeMajor(x, n, s.tx, s.inputSize), [s.tx, n, s.inputSize])
    })
    await enc.release()
    hState = Float32Array.from(r.h_n!.data as Float32Array)
    if (lstm) cState = Float32Array.from(r.c_n!.data as Float32Array)
  }
  const W = stacksOf(s).at(-1)!.inputSize
  const out = new Float32Array(n * s.ty * O),
    y = new Float32Array(n * O)
  for (let t = 0; t < s.ty; t++) {
    const prev = decoderStepInput(s, W, x, y, t, n)
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      y_prev: new ort.Tensor('float32', prev, [1, n, W]),
      h: new ort.Tensor('float32', hState, [LD, n, H])
    }
    if (lstm) feeds.c = new ort.Tensor('float32', cState, [LD, n, H])
    const r = await step.run(feeds)
    y.set(r.Y!.data as Float32Array)
    hState = Float32Array.from(r.h_n!.data as Float32Array)
    if (lstm) cState = Float32Array.from(r.c_n!.data as Float32Array)
    for (let b = 0; b < n; b++) out.set(y.subarray(b * O, (b + 1) * O), (b * s.ty + t) * O)
  }
  return out
}
