// The TF.js model.json as documented: Keras layer classes, sigmoid recurrent activation stated, transposed kernels;
// the reset-before GRU as a native GRU(reset_after=False), PyTorch's reset-after GRU as an unrolled functional
// graph of standard layers, seq2seq as encoder + decoder-step models — every one loaded by tf.loadLayersModel.
import { describe, expect, it } from 'vitest'
import { buildTfjs } from '../../../../src-worker/export'
import type { TfjsModel } from '../../../../src-worker/export/tfjs'
import { loadLayers, loadTf, runTfjs, runTfjsLayers } from '../../../../src-worker/export/tfjs-verify'
import { randomHeldOut } from '../../../../src-worker/export/held-out'
import { maxAbsDiff, referencePredict, specOf } from '../../../../src-worker/export/spec'
import { buildModel } from './models'

type Layer = { class_name: string; name?: string; config: Record<string, unknown>; inbound_nodes?: unknown[][] }
const layersOf = (m: TfjsModel) => m.modelJson.modelTopology.config.layers as Layer[]
const f32 = (m: TfjsModel) => new Float32Array(m.weightsBin.buffer.slice(0))
const filesOf = (models: TfjsModel[]) => Object.fromEntries(models.map((m) => [m.dir, m]))

describe('TF.js layers model', () => {
  it('LSTM: recurrent_activation "sigmoid", kernel [I, 4H], bias = bias_ih + bias_hh; loads with tf.loadLayersModel', async () => {
    const model = buildModel({ cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 2, H: 4 })
    const a = buildTfjs(model)
    expect(a.models.map((m) => m.dir)).toEqual([''])
    const m0 = a.models[0]!,
      layers = layersOf(m0)
    expect(layers.map((l) => l.class_name)).toEqual(['LSTM', 'LSTM', 'Dense'])
    for (const l of layers.slice(0, 2))
      expect(l.config).toMatchObject({
        units: 4,
        activation: 'tanh',
        recurrent_activation: 'sigmoid',
        unit_forget_bias: false
      })
    expect(layers[0]!.config.return_sequences).toBe(true)
    expect(layers[1]!.config.return_sequences).toBe(false)
    expect(JSON.stringify(m0.modelJson)).toContain('"recurrent_activation":"sigmoid"')
    const specs = m0.modelJson.weightsManifest[0]!.weights
    expect(specs.map((w) => `${w.name} ${w.shape}`)).toEqual([
      'rnn_l0/kernel 3,16',
      'rnn_l0/recurrent_kernel 4,16',
      'rnn_l0/bias 16',
      'rnn_l1/kernel 4,16',
      'rnn_l1/recurrent_kernel 4,16',
      'rnn_l1/bias 16',
      'head/kernel 4,2',
      'head/bias 2'
    ])
    const bin = f32(m0)
    const bias = bin.subarray(3 * 16 + 4 * 16, 3 * 16 + 4 * 16 + 16)
    const bih = model.weights.bias_ih_l0 as number[],
      bhh = model.weights.bias_hh_l0 as number[]
    expect(Array.from(bias)).toEqual(bih.map((v, k) => Math.fround(v + bhh[k]!)))
    const kernel = bin.subarray(0, 48),
      wih = model.weights.weight_ih_l0 as number[][]
    expect(kernel[1 * 16 + 5]).toBe(Math.fround(wih[5]![1]!)) // kernel[i][g] = weight_ih[g][i]
    const loaded = await loadLayers(m0.modelJson, m0.weightsBin)
    const cell = (loaded.layers[0] as unknown as { cell: { recurrentActivation: { getClassName(): string } } }).cell
    expect(cell.recurrentActivation.getClassName()).toBe('sigmoid')
    loaded.dispose()
  })

  it('reset-before GRU: a native GRU layer, reset_after false, gates z,r,h, bias [3H] = bias_ih + bias_hh; loads and matches', async () => {
    const model = buildModel({
      cell: 'gru',
      resetBefore: true,
      mapping: 'many-to-many',
      task: 'classification',
      layers: 1,
      H: 3
    })
    const m0 = buildTfjs(model).models[0]!
    const layer = layersOf(m0)[0]!
    expect(layer.class_name).toBe('GRU')
    expect(layer.config).toMatchObject({ recurrent_activation: 'sigmoid', reset_after: false, return_sequences: true })
    const specs = m0.modelJson.weightsManifest[0]!.weights
    expect(specs.find((w) => w.name === 'rnn_l0/bias')!.shape).toEqual([9])
    const bin = f32(m0),
      bOff = 3 * 9 + 3 * 9
    const bih = model.weights.bias_ih_l0 as number[],
      bhh = model.weights.bias_hh_l0 as number[]
    const sum = bih.map((v, k) => v + bhh[k]!)
    expect(Array.from(bin.subarray(bOff, bOff + 9))).toEqual(
      [...sum.slice(3, 6), ...sum.slice(0, 3), ...sum.slice(6)].map(Math.fround)
    )
    const s = specOf(model),
      h = randomHeldOut(s)
    const y = await runTfjsLayers(m0.modelJson, m0.weightsBin, h.x, h.n, s.tx, s.inputSize)
    expect(maxAbsDiff(y, referencePredict(model, h.x, h.n, s), 'rb gru')).toBeLessThan(1e-5)
  })

  it('PyTorch GRU (reset-after): no GRU layer (TF.js 4.22 throws on reset_after=True) but an unrolled graph that loads and matches', async () => {
    const tf = await loadTf()
    expect(() => tf.layers.gru({ units: 2, resetAfter: true } as never)).toThrow(/reset_after/)
    const model = buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 2, H: 3, tx: 5 })
    const a = buildTfjs(model),
      m0 = a.models[0]!
    expect(a.notes.join(' ')).toMatch(/unrolled .* exactly 5 steps/)
    expect(m0.modelJson.modelTopology.class_name).toBe('Model')
    const classes = new Set(layersOf(m0).map((l) => l.class_name))
    expect([...classes].sort()).toEqual([
      'Activation',
      'Add',
      'Concatenate',
      'Cropping2D',
      'Dense',
      'InputLayer',
      'Multiply',
      'Reshape'
    ])
    // the recurrent Dense layers are shared by the 5 steps (one set of weights, 5 calls)
    const hz = layersOf(m0).find((l) => l.name === 'gru_l0_hz')!
    expect(hz.inbound_nodes).toHaveLength(5)
    const whh = model.weights.weight_hh_l0 as number[][],
      spec = m0.modelJson.weightsManifest[0]!.weights
    let off = 0
    for (const w of spec) {
      if (w.name === 'gru_l0_hz/kernel') break
      off += w.shape.reduce((p, q) => p * q, 1)
    }
    expect(f32(m0)[off + 0 * 3 + 1]).toBe(Math.fround(whh[3 + 1]![0]!)) // kernel[j][i] = W_hz[i][j], z = PyTorch block 1
    const s = specOf(model),
      h = randomHeldOut(s)
    const loaded = await loadLayers(m0.modelJson, m0.weightsBin)
    expect(loaded.inputs[0]!.shape).toEqual([null, 5, 3])
    loaded.dispose()
    const y = await runTfjsLayers(m0.modelJson, m0.weightsBin, h.x, h.n, s.tx, s.inputSize)
    expect(maxAbsDiff(y, referencePredict(model, h.x, h.n, s), 'unrolled gru')).toBeLessThan(1e-5)
  })

  it('the GRU variant matters: PyTorch GRU weights in a native GRU(reset_after=False) layer give other predictions', async () => {
    const model = buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 1 })
    const asRb = {
      ...model,
      trainConfig: {
        ...model.trainConfig,
        model: { ...model.trainConfig.model, gruResetBefore: true }
      }
    }
    const m0 = buildTfjs(asRb).models[0]!,
      s = specOf(model),
      h = randomHeldOut(s)
    expect(layersOf(m0)[0]!.class_name).toBe('GRU')
    const y = await runTfjsLayers(m0.modelJson, m0.weightsBin, h.x, h.n, s.tx, s.inputSize)
    expect(maxAbsDiff(y, referencePredict(model, h.x, h.n, s), 'wrong variant')).toBeGreaterThan(1e-3)
  })

  it('seq2seq: encoder (X → states) and decoder_step (y_prev, states → Y, states) with initial_state and return_state', async () => {
    const model = buildModel({ cell: 'lstm', mapping: 'seq2seq', task: 'classification', layers: 2, H: 4, O: 3 })
    const a = buildTfjs(model)
    expect(a.models.map((m) => m.dir)).toEqual(['encoder', 'decoder_step'])
    const [enc, dec] = a.models as [TfjsModel, TfjsModel]
    const encL = await loadLayers(enc.modelJson, enc.weightsBin),
      decL = await loadLayers(dec.modelJson, dec.weightsBin)
    expect(encL.inputs.map((i) => i.shape)).toEqual([[null, null, 3]])
    expect(encL.outputs.map((o) => o.shape)).toEqual([
      [null, 4],
      [null, 4],
      [null, 4],
      [null, 4]
    ])
    expect(decL.inputNames).toEqual(['y_prev', 'h_l0', 'c_l0', 'h_l1', 'c_l1'])
    expect(decL.inputs[0]!.shape).toEqual([null, 1, 4]) // C + 1 (BOS)
    expect(decL.outputs.map((o) => o.shape)).toEqual([
      [null, 3],
      [null, 4],
      [null, 4],
      [null, 4],
      [null, 4]
    ])
    encL.dispose()
    decL.dispose()
    const rnn = layersOf(dec).filter((l) => l.class_name === 'LSTM')
    expect(rnn.map((l) => l.config.return_state)).toEqual([true, true])
    expect(rnn[0]!.inbound_nodes![0]).toEqual([
      ['y_prev', 0, 0, {}],
      ['h_l0', 0, 0, {}],
      ['c_l0', 0, 0, {}]
    ])
    expect(dec.modelJson.userDefinedMetadata!.layout).toMatch(/run 4 times.*BOS = index 3/)
    const s = specOf(model),
      h = randomHeldOut(s)
    expect(
      maxAbsDiff(await runTfjs(s, filesOf(a.models), h), referencePredict(model, h.x, h.n, s), 'seq2seq')
    ).toBeLessThan(1e-5)
  })
})
