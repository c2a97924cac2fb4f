// The TF.js model.json as documented: Keras layer classes, sigmoid recurrent activation stated, GRU reset_after
// with its [2, 3H] bias, transposed kernels; tf.loadLayersModel for LSTM / SimpleRNN, and the ops checker.
import { describe, expect, it } from 'vitest'
import { buildTfjs } from '../../../../src-main/export'
import { loadTf, runTfjsLayers, runTfjsOps } from '../../../../src-main/export/tfjs-verify'
import { randomHeldOut } from '../../../../src-main/export/held-out'
import { maxAbsDiff, specOf } from '../../../../src-main/export/spec'
import { buildModel } from './models'

type Layer = { class_name: string; config: Record<string, unknown> }

describe('TF.js layers model', () => {
  it('LSTM: recurrent_activation "sigmoid", kernel [I, 4H], bias = bias_ih + bias_hh; loads with tf.loadLayersModel', async () => {
    const model = buildModel({ cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 2, H: 4 })
    const a = buildTfjs(model)
    const layers = a.modelJson.modelTopology.config.layers as Layer[]
    expect(layers.map((l) => l.class_name)).toEqual(['LSTM', 'LSTM', 'Dense'])
    for (const l of layers.slice(0, 2)) expect(l.config).toMatchObject({ units: 4, activation: 'tanh', recurrent_activation: 'sigmoid', unit_forget_bias: false })
    expect(layers[0]!.config.return_sequences).toBe(true)
    expect(layers[1]!.config.return_sequences).toBe(false)
    expect(JSON.stringify(a.modelJson)).toContain('"recurrent_activation":"sigmoid"')
    const specs = a.modelJson.weightsManifest[0]!.weights
    expect(specs.map((w) => `${w.name} ${w.shape}`)).toEqual([
      'rnn_l0/kernel 3,16', 'rnn_l0/recurrent_kernel 4,16', 'rnn_l0/bias 16',
      'rnn_l1/kernel 4,16', 'rnn_l1/recurrent_kernel 4,16', 'rnn_l1/bias 16', 'head/kernel 4,2', 'head/bias 2'])
    const bin = new Float32Array(a.weightsBin.buffer.slice(0))
    const bias = bin.subarray(3 * 16 + 4 * 16, 3 * 16 + 4 * 16 + 16)
    const bih = model.weights.bias_ih_l0 as number[], bhh = model.weights.bias_hh_l0 as number[]
    expect(Array.from(bias)).toEqual(bih.map((v, k) => Math.fround(v + bhh[k]!)))
    const kernel = bin.subarray(0, 48), wih = model.weights.weight_ih_l0 as number[][]
    expect(kernel[1 * 16 + 5]).toBe(Math.fround(wih[5]![1]!)) // kernel[i][g] = weight_ih[g][i]
    const tf = await loadTf()
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: a.modelJson.modelTopology as never, weightSpecs: specs, weightData: a.weightsBin.buffer.slice(0) as ArrayBuffer }))
    const cell = (loaded.layers[0] as unknown as { cell: { recurrentActivation: { getClassName(): string } } }).cell
    expect(cell.recurrentActivation.getClassName()).toBe('sigmoid')
    loaded.dispose()
  })

  it('GRU: reset_after true, gates z,r,h, bias [2, 3H]; TF.js 4.22 refuses reset_after, the ops checker runs it', async () => {
    const model = buildModel({ cell: 'gru', mapping: 'many-to-many', task: 'classification', layers: 1, H: 3 })
    const a = buildTfjs(model)
    const layer = (a.modelJson.modelTopology.config.layers as Layer[])[0]!
    expect(layer.class_name).toBe('GRU')
    expect(layer.config).toMatchObject({ recurrent_activation: 'sigmoid', reset_after: true, return_sequences: true })
    const specs = a.modelJson.weightsManifest[0]!.weights
    expect(specs.find((w) => w.name === 'rnn_l0/bias')!.shape).toEqual([2, 9])
    const bin = new Float32Array(a.weightsBin.buffer.slice(0))
    const bOff = 3 * 9 + 3 * 9, bih = model.weights.bias_ih_l0 as number[], bhh = model.weights.bias_hh_l0 as number[]
    expect(Array.from(bin.subarray(bOff, bOff + 9))).toEqual([...bih.slice(3, 6), ...bih.slice(0, 3), ...bih.slice(6)].map(Math.fround))
    expect(Array.from(bin.subarray(bOff + 9, bOff + 18))).toEqual([...bhh.slice(3, 6), ...bhh.slice(0, 3), ...bhh.slice(6)].map(Math.fround))
    expect(a.notes.join(' ')).toMatch(/reset_after/)
    const s = specOf(model), h = randomHeldOut(s)
    await expect(runTfjsLayers(a.modelJson, a.weightsBin, h.x, h.n, s.tx, s.inputSize)).rejects.toThrow(/reset_after/)
  })

  it('the ops checker agrees with tf.loadLayersModel where TF.js can load the model', async () => {
    for (const c of [
      { cell: 'lstm', mapping: 'many-to-many', task: 'classification', layers: 2, bidirectional: true },
      { cell: 'rnn_relu', mapping: 'many-to-one', task: 'regression', layers: 2, bidirectional: true }
    ] as const) {
      const model = buildModel(c), a = buildTfjs(model), s = specOf(model), h = randomHeldOut(s)
      const viaLoad = await runTfjsLayers(a.modelJson, a.weightsBin, h.x, h.n, s.tx, s.inputSize)
      const viaOps = await runTfjsOps(a.modelJson, a.weightsBin, h.x, h.n, s.tx, s.inputSize)
      expect(maxAbsDiff(viaOps, viaLoad, 'ops vs load')).toBeLessThan(1e-6)
    }
  })
})
