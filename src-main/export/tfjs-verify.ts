// Loads an exported TF.js layers model with @tensorflow/tfjs (cpu backend) and predicts on held-out inputs.
// `runTfjsLayers` uses tf.loadLayersModel on the written model.json + weights.bin (through tf.io.fromMemory).
// `runTfjsOps` evaluates the same model.json with TF.js tensor ops, following Keras' layer equations; it exists
// because TF.js 4.22 cannot load GRU(reset_after=True), which is what a PyTorch GRU is in Keras.
import type * as TF from '@tensorflow/tfjs'
import type { TfjsModelJson, WeightSpec } from './tfjs'

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
const bufferOf = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

/** tf.loadLayersModel on the written files; x is dense sample-major (n, T, I). Returns the flat output. */
export async function runTfjsLayers(modelJson: TfjsModelJson, weightsBin: Uint8Array, x: Float32Array, n: number, T: number, I: number): Promise<Float32Array> {
  const tf = await loadTf()
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology as unknown as TF.io.ModelArtifacts['modelTopology'],
    weightSpecs: specsOf(modelJson), weightData: bufferOf(weightsBin)
  }))
  try {
    const out = tf.tidy(() => model.predict(tf.tensor3d(x, [n, T, I])) as TF.Tensor)
    const data = Float32Array.from(await out.data())
    out.dispose()
    return data
  } finally {
    model.dispose()
  }
}

interface LayerJson { class_name: string; config: Record<string, unknown> }

/** Keras' equations for the layers the exporter writes, evaluated with TF.js ops; x is (n, T, I). */
export async function runTfjsOps(modelJson: TfjsModelJson, weightsBin: Uint8Array, x: Float32Array, n: number, T: number, I: number): Promise<Float32Array> {
  const tf = await loadTf()
  const named = tf.io.decodeWeights(bufferOf(weightsBin), specsOf(modelJson)) as Record<string, TF.Tensor>
  const w = (name: string): TF.Tensor => {
    const v = named[name]
    if (!v) throw new Error(`weights.bin: no weight named ${name}`)
    return v
  }
  const act = (name: unknown, v: TF.Tensor): TF.Tensor => {
    switch (name) {
      case 'tanh': return tf.tanh(v)
      case 'relu': return tf.relu(v)
      case 'sigmoid': return tf.sigmoid(v)
      case 'linear': case undefined: return v
      case 'softmax': return tf.softmax(v, -1)
      default: throw new Error(`activation ${String(name)} is not supported by this checker`)
    }
  }
  const rnn = (kind: string, cfg: Record<string, unknown>, prefix: string, xs: TF.Tensor): TF.Tensor => {
    const H = cfg.units as number, k = w(`${prefix}/kernel`) as TF.Tensor2D, r = w(`${prefix}/recurrent_kernel`) as TF.Tensor2D, b = w(`${prefix}/bias`)
    const steps = xs.shape[1]!
    let h: TF.Tensor2D = tf.zeros([n, H]), c: TF.Tensor2D = tf.zeros([n, H])
    const outs: TF.Tensor2D[] = []
    for (let t = 0; t < steps; t++) {
      const xt = tf.reshape(tf.slice(xs, [0, t, 0], [n, 1, -1]), [n, -1]) as TF.Tensor2D
      if (kind === 'LSTM') {
        const z = tf.add(tf.add(tf.matMul(xt, k), tf.matMul(h, r)), b)
        const [zi, zf, zc, zo] = tf.split(z, 4, 1) as TF.Tensor2D[]
        const ig = act(cfg.recurrent_activation, zi!), fg = act(cfg.recurrent_activation, zf!), og = act(cfg.recurrent_activation, zo!)
        c = tf.add(tf.mul(fg, c), tf.mul(ig, act(cfg.activation, zc!))) as TF.Tensor2D
        h = tf.mul(og, act(cfg.activation, c)) as TF.Tensor2D
      } else if (kind === 'GRU') {
        if (cfg.reset_after !== true) throw new Error('GRU: only reset_after=True is supported by this checker')
        const [bx, bh] = tf.unstack(b) as TF.Tensor1D[]
        const mx = tf.add(tf.matMul(xt, k), bx!), mh = tf.add(tf.matMul(h, r), bh!)
        const [xz, xr, xh] = tf.split(mx, 3, 1), [hz, hr, hh] = tf.split(mh, 3, 1)
        const z = act(cfg.recurrent_activation, tf.add(xz!, hz!)), rg = act(cfg.recurrent_activation, tf.add(xr!, hr!))
        const cand = act(cfg.activation, tf.add(xh!, tf.mul(rg, hh!)))
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), cand)) as TF.Tensor2D
      } else {
        h = act(cfg.activation, tf.add(tf.add(tf.matMul(xt, k), tf.matMul(h, r)), b)) as TF.Tensor2D
      }
      outs.push(h)
    }
    return cfg.return_sequences ? tf.stack(outs, 1) : h
  }
  const layers = modelJson.modelTopology.config.layers as LayerJson[]
  const out = tf.tidy(() => {
    let v: TF.Tensor = tf.tensor3d(x, [n, T, I])
    for (const { class_name: cls, config: cfg } of layers) {
      const name = cfg.name as string
      switch (cls) {
        case 'LSTM': case 'GRU': case 'SimpleRNN': v = rnn(cls, cfg, name, v); break
        case 'Bidirectional': {
          const inner = cfg.layer as LayerJson, ic = inner.config
          if (cfg.merge_mode !== 'concat') throw new Error(`Bidirectional merge_mode ${String(cfg.merge_mode)} is not supported by this checker`)
          const f = rnn(inner.class_name, ic, `${name}/forward_${ic.name as string}`, v)
          let bk = rnn(inner.class_name, ic, `${name}/backward_${ic.name as string}`, tf.reverse(v, 1))
          if (ic.return_sequences) bk = tf.reverse(bk, 1)
          v = tf.concat([f, bk], -1)
          break
        }
        case 'Reshape': v = tf.reshape(v, [n, ...(cfg.target_shape as number[])]); break
        case 'Cropping2D': {
          const [[top, bottom], [left, right]] = cfg.cropping as number[][] as [[number, number], [number, number]]
          const [, hh, ww, cc] = v.shape as number[]
          v = tf.slice(v, [0, top, left, 0], [n, hh! - top - bottom, ww! - left - right, cc!])
          break
        }
        case 'Flatten': v = tf.reshape(v, [n, -1]); break
        case 'Dense': {
          const k = w(`${name}/kernel`) as TF.Tensor2D, shape = v.shape
          const y = tf.add(tf.matMul(tf.reshape(v, [-1, shape[shape.length - 1]!]) as TF.Tensor2D, k), w(`${name}/bias`))
          v = act(cfg.activation, tf.reshape(y, [...shape.slice(0, -1), k.shape[1]]))
          break
        }
        default: throw new Error(`layer class ${cls} is not supported by this checker`)
      }
    }
    return v
  })
  const data = Float32Array.from(await out.data())
  out.dispose()
  for (const v of Object.values(named)) v.dispose()
  return data
}
