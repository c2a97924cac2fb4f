// The ONNX graphs as documented: standard recurrent operators, one per layer, reordered gates, attributes,
// the head, opset and input layout — read back by decoding the protobuf.
import { describe, expect, it } from 'vitest'
import onnxProto from 'onnx-proto'
import { buildOnnx, ONNX_OPSET } from '../../../../src-worker/export'
import { runOnnx } from '../../../../src-worker/export/onnx-verify'
import { randomHeldOut } from '../../../../src-worker/export/held-out'
import { maxAbsDiff, referencePredict, specOf } from '../../../../src-worker/export/spec'
import { buildModel } from './models'

const { onnx } = onnxProto
type Model = onnxProto.onnx.ModelProto

const decode = (b: Uint8Array): Model => onnx.ModelProto.decode(b)
const attrs = (n: onnxProto.onnx.INodeProto) =>
  Object.fromEntries(
    (n.attribute ?? []).map((a) => [
      a.name!,
      a.type === onnx.AttributeProto.AttributeType.STRING
        ? new TextDecoder().decode(a.s!)
        : a.type === onnx.AttributeProto.AttributeType.STRINGS
          ? a.strings!.map((s) => new TextDecoder().decode(s))
          : a.type === onnx.AttributeProto.AttributeType.INTS
            ? a.ints!.map(Number)
            : Number(a.i)
    ])
  )
const floats = (m: Model, name: string): Float32Array => {
  const t = m.graph!.initializer!.find((i) => i.name === name)
  if (!t) throw new Error(`no initializer ${name}`)
  const raw = t.rawData!
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
}
const f32 = (a: number[]) => Float32Array.from(a)

describe('ONNX graph structure', () => {
  it('LSTM many-to-one, 2 layers: opset, X [seq, batch, I], two LSTM nodes, Gather + Gemm head, gates i,o,f,c', () => {
    const model = buildModel({ cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 2, H: 4 })
    const m = decode(buildOnnx(model).files['model.onnx']!)
    expect(Number(m.opsetImport![0]!.version)).toBe(ONNX_OPSET)
    expect(ONNX_OPSET).toBeGreaterThanOrEqual(14)
    const x = m.graph!.input![0]!
    expect(x.name).toBe('X')
    expect(x.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['seq', 'batch', 3])
    const ops = m.graph!.node!.map((n) => n.opType)
    expect(ops.filter((o) => o === 'LSTM')).toHaveLength(2)
    expect(ops.slice(-2)).toEqual(['Gather', 'Gemm'])
    for (const n of m.graph!.node!.filter((n) => n.opType === 'LSTM')) {
      expect(attrs(n)).toMatchObject({ hidden_size: 4, direction: 'forward' })
    }
    // W [1, 4H, I]: ONNX block k = PyTorch block [i, f, g, o][ONNX i, o, f, c]
    const W = floats(m, 'W_l0'),
      B = floats(m, 'B_l0'),
      H = 4,
      I = 3
    const wih = model.weights.weight_ih_l0 as number[][],
      bih = model.weights.bias_ih_l0 as number[],
      bhh = model.weights.bias_hh_l0 as number[]
    const pyBlock = [0, 3, 1, 2]
    for (let k = 0; k < 4; k++) {
      expect(W.subarray(k * H * I, (k + 1) * H * I)).toEqual(
        f32(wih.slice(pyBlock[k]! * H, (pyBlock[k]! + 1) * H).flat())
      )
      expect(B.subarray(k * H, (k + 1) * H)).toEqual(f32(bih.slice(pyBlock[k]! * H, (pyBlock[k]! + 1) * H)))
      expect(B.subarray(4 * H + k * H, 4 * H + (k + 1) * H)).toEqual(
        f32(bhh.slice(pyBlock[k]! * H, (pyBlock[k]! + 1) * H))
      )
    }
    const meta = Object.fromEntries(m.metadataProps!.map((p) => [p.key, p.value]))
    expect(JSON.parse(meta['rnn_workbench.inputs']!)).toEqual(['x0', 'x1', 'x2'])
    expect(JSON.parse(meta['rnn_workbench.normalization']!).target.a).toEqual([10])
  })

  it('GRU: linear_before_reset = 1, gates z,r,h, separate Wb/Rb; many-to-many head MatMul + Add + Softmax', () => {
    const model = buildModel({ cell: 'gru', mapping: 'many-to-many', task: 'classification', layers: 1, H: 3 })
    const m = decode(buildOnnx(model).files['model.onnx']!)
    const gru = m.graph!.node!.filter((n) => n.opType === 'GRU')
    expect(gru).toHaveLength(1)
    expect(attrs(gru[0]!)).toEqual({ hidden_size: 3, direction: 'forward', linear_before_reset: 1 })
    expect(m.graph!.node!.map((n) => n.opType).slice(-3)).toEqual(['MatMul', 'Add', 'Softmax'])
    expect(m.graph!.output![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'seq',
      'batch',
      3
    ])
    const R = floats(m, 'R_l0'),
      whh = model.weights.weight_hh_l0 as number[][],
      H = 3
    expect(R.subarray(0, H * H)).toEqual(f32(whh.slice(H, 2 * H).flat())) // z
    expect(R.subarray(H * H, 2 * H * H)).toEqual(f32(whh.slice(0, H).flat())) // r
    expect(R.subarray(2 * H * H)).toEqual(f32(whh.slice(2 * H).flat())) // h (n)
  })

  it('GRU with linear_before_reset = 0 would be a different model (the attribute matters)', async () => {
    const model = buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 1 })
    const s = specOf(model),
      h = randomHeldOut(s),
      ref = referencePredict(model, h.x, h.n, s)
    const m = decode(buildOnnx(model).files['model.onnx']!)
    const attr = m
      .graph!.node!.find((n) => n.opType === 'GRU')!
      .attribute!.find((a) => a.name === 'linear_before_reset')!
    expect(
      maxAbsDiff(await runOnnx(s, { 'model.onnx': onnx.ModelProto.encode(m).finish() }, h), ref, 'lbr=1')
    ).toBeLessThan(1e-4)
    attr.i = 0
    expect(
      maxAbsDiff(await runOnnx(s, { 'model.onnx': onnx.ModelProto.encode(m).finish() }, h), ref, 'lbr=0')
    ).toBeGreaterThan(1e-4)
  })

  it('RNN relu, bidirectional: one RNN node per layer with Relu activations for both directions', () => {
    const model = buildModel({
      cell: 'rnn_relu',
      mapping: 'many-to-one',
      task: 'regression',
      layers: 2,
      bidirectional: true,
      H: 4
    })
    const m = decode(buildOnnx(model).files['model.onnx']!)
    const rnn = m.graph!.node!.filter((n) => n.opType === 'RNN')
    expect(rnn).toHaveLength(2)
    for (const n of rnn)
      expect(attrs(n)).toEqual({ hidden_size: 4, direction: 'bidirectional', activations: ['Relu', 'Relu'] })
    expect(m.graph!.initializer!.find((i) => i.name === 'W_l1')!.dims!.map(Number)).toEqual([2, 4, 8])
  })

  it('seq2seq: encoder graph X → h_n, c_n and a decoder-step graph (y_prev, h, c) → (Y, h_n, c_n)', () => {
    const model = buildModel({ cell: 'lstm', mapping: 'seq2seq', task: 'classification', layers: 2, H: 4, O: 3 })
    const g = buildOnnx(model)
    expect(Object.keys(g.files)).toEqual(['encoder.onnx', 'decoder_step.onnx'])
    const enc = decode(g.files['encoder.onnx']!),
      dec = decode(g.files['decoder_step.onnx']!)
    expect(enc.graph!.input!.map((i) => i.name)).toEqual(['X'])
    expect(enc.graph!.output!.map((i) => i.name)).toEqual(['h_n', 'c_n'])
    expect(dec.graph!.input!.map((i) => i.name)).toEqual(['y_prev', 'h', 'c'])
    expect(dec.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      1,
      'batch',
      4
    ]) // C + 1 (BOS)
    expect(dec.graph!.output!.map((i) => i.name)).toEqual(['Y', 'h_n', 'c_n'])
    expect(dec.graph!.node!.filter((n) => n.opType === 'LSTM')).toHaveLength(2)
    expect(g.notes.join(' ')).toMatch(/decoder_step\.onnx 4 times/)
  })
})
