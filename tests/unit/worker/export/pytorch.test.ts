// PyTorch export: safetensors written and read by hand (format checks and refusals), state_dict names, and the
// generated model.py (content and syntax here; pytorch-torch.test.ts runs it in PyTorch).
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildPytorch,
  decodeSafetensors,
  encodeSafetensors,
  exportModel,
  readPytorchWeights
} from '../../../../src-worker/export'
import { buildModel } from './models'
import { tempDir } from './tmp'

const dir = tempDir('pytorch')

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('safetensors', () => {
  it('writes an 8-byte LE header length, a space-padded JSON header and LE float32 data', () => {
    const b = encodeSafetensors(
      [
        { name: 'a', shape: [2, 2], data: [1, -2, 0.5, 3] },
        { name: 'b', shape: [1], data: [7] }
      ],
      { k: 'v' }
    )
    const n = Number(new DataView(b.buffer).getBigUint64(0, true))
    expect(n % 8).toBe(0)
    const header = JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n)))
    expect(header).toEqual({
      __metadata__: { k: 'v' },
      a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
      b: { dtype: 'F32', shape: [1], data_offsets: [16, 20] }
    })
    expect(Array.from(new Float32Array(b.buffer.slice(8 + n)))).toEqual([1, -2, 0.5, 3, 7])
    const back = decodeSafetensors(b)
    expect(back.metadata).toEqual({ k: 'v' })
    expect(back.tensors.map((t) => [t.name, t.dtype, t.shape, Array.from(t.data)])).toEqual([
      ['a', 'F32', [2, 2], [1, -2, 0.5, 3]],
      ['b', 'F32', [1], [7]]
    ])
    const f64 = decodeSafetensors(encodeSafetensors([{ name: 'x', shape: [1], data: [0.1] }], {}, 'F64'))
    expect(f64.tensors[0]!.data[0]).toBe(0.1)
  })

  it('refuses truncated or inconsistent files with a message naming the problem', () => {
    const good = encodeSafetensors([{ name: 'a', shape: [2], data: [1, 2] }])
    const n = Number(new DataView(good.buffer).getBigUint64(0, true))
    const withHeader = (h: unknown, data = new Uint8Array(8)) => {
      const j = new TextEncoder().encode(JSON.stringify(h)),
        out = new Uint8Array(8 + j.length + data.length)
      new DataView(out.buffer).setBigUint64(0, BigInt(j.length), true)
      out.set(j, 8)
      out.set(data, 8 + j.length)
      return out
    }
    expect(() => decodeSafetensors(good.subarray(0, 5))).toThrow(/shorter than the 8-byte header length/)
    expect(() => decodeSafetensors(good.subarray(0, 8 + n - 1))).toThrow(/header length \d+ exceeds the file/)
    expect(() => decodeSafetensors(withHeader({ a: { dtype: 'I8', shape: [2], data_offsets: [0, 2] } }))).toThrow(
      /a: dtype "I8" is not supported/
    )
    expect(() => decodeSafetensors(withHeader({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }))).toThrow(
      /a: 8 bytes for shape \[3\] of F32 \(expected 12\)/
    )
    expect(() => decodeSafetensors(withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 16] } }))).toThrow(
      /outside the 8 data bytes/
    )
    expect(() =>
      decodeSafetensors(
        withHeader({
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }
        })
      )
    ).toThrow(/b starts at byte 0, expected 4|a starts at byte 0, expected 4/)
    expect(() => decodeSafetensors(withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }))).toThrow(
      /4 trailing data bytes belong to no tensor/
    )
  })
})

describe('PyTorch export', () => {
  it('state_dict in PyTorch names round-trips through model.safetensors (float32 weights exactly)', async () => {
    const model = buildModel({
      cell: 'lstm',
      mapping: 'many-to-one',
      task: 'regression',
      layers: 2,
      bidirectional: true
    })
    const r = await exportModel(model, 'pytorch', join(dir, 'lstm'), { pytorchRuntime: 'engine' })
    expect(r.verified).toBe(true)
    expect(r.maxAbsDiff).toBe(0)
    const bytes = new Uint8Array(readFileSync(join(dir, 'lstm', 'model.safetensors')))
    const st = decodeSafetensors(bytes)
    expect(st.tensors.map((t) => t.name)).toEqual(Object.keys(model.weights))
    expect(st.tensors.find((t) => t.name === 'weight_ih_l1_reverse')!.shape).toEqual([20, 10])
    expect(JSON.parse(st.metadata.normalization!).target).toEqual({ kind: 'zscore', columns: ['y'], a: [10], b: [2] })
    expect(readPytorchWeights(bytes)).toEqual(model.weights) // trained float32 values are exact in F32
  })

  it('model.py rebuilds the right torch.nn modules and loads the state_dict', () => {
    const py = (c: Parameters<typeof buildModel>[0]) => buildPytorch(buildModel(c)).files['model.py'] as string
    const lstm = py({ cell: 'lstm', mapping: 'many-to-one', task: 'regression', layers: 2 })
    expect(lstm).toContain('self.rnn = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, num_layers=NUM_LAYERS, bidirectional=False)')
    expect(lstm).toContain('self.head = nn.Linear(1 * HIDDEN_SIZE, OUTPUT_SIZE)')
    expect(lstm).toContain('y = self.head(out[-1])')
    expect(lstm).toContain('model.load_state_dict(rename(state))')
    expect(lstm).toContain('read_safetensors(path)')
    expect(lstm).toMatch(/NORMALIZATION = \{[\s\S]*"kind": "zscore"/)
    const gru = py({ cell: 'gru', mapping: 'many-to-many', task: 'classification', layers: 1, bidirectional: true })
    expect(gru).toContain('nn.GRU(INPUT_SIZE, HIDDEN_SIZE, num_layers=NUM_LAYERS, bidirectional=True)')
    expect(gru).toContain('torch.softmax(y, dim=-1)')
    expect(py({ cell: 'rnn_relu', mapping: 'many-to-one', task: 'regression', layers: 1 })).toContain(
      "nn.RNN(INPUT_SIZE, HIDDEN_SIZE, num_layers=NUM_LAYERS, nonlinearity='relu', bidirectional=False)"
    )
    const s2s = py({ cell: 'lstm', mapping: 'seq2seq', task: 'classification', layers: 1, O: 3 })
    expect(s2s).toContain('self.encoder = nn.LSTM(INPUT_SIZE')
    expect(s2s).toContain('self.decoder = nn.LSTM(4, HIDDEN_SIZE')
    expect(s2s).toContain('nn.functional.one_hot(tok, OUTPUT_SIZE + 1)')
    const json = buildPytorch(
      buildModel({ cell: 'gru', mapping: 'many-to-one', task: 'regression', layers: 1 }),
      'json'
    )
    expect(Object.keys(json.files)).toEqual(['state_dict.json', 'model.py'])
    expect(json.files['model.py']).toContain('read_json_state(path)')
    if (hasPython()) {
      for (const [k, src] of Object.entries({ lstm, gru, s2s })) {
        execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: src })
        expect(k).toBeTruthy()
      }
    }
  })
})
