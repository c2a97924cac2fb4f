// Exports of a model that predicts the change (difference 1, seq2seq horizon 3): ONNX, TF.js and PyTorch files state
// the target transform, and each export's verification compares the outputs in the target's units too — inverted
// as a consumer must (denormalise, then add the changes up over the horizon), checked here by hand.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'
import { exportModel } from '../../../../src-worker/export'
import { decodeSafetensors } from '../../../../src-worker/export/safetensors'
import { heldOutUserUnits, targetTransformStatement } from '../../../../src-worker/export/target-units'
import { specOf } from '../../../../src-worker/export/spec'
import { trainOn } from '../inference/predict-train'
import { tempDir } from './tmp'

const dir = tempDir('target-transform')
const csv = `t,y\n${Array.from({ length: 40 }, (_, t) => `${t},${100 + 2 * t + Math.sin(t)}`).join('\n')}\n`
const tr = trainOn(
  csv,
  {
    target: 'y',
    inputs: ['y'],
    window: 5,
    mapping: 'seq2seq',
    horizon: 3,
    difference: 1,
    model: { cell: 'gru', hiddenSize: 4 }
  },
  1
)
const m = tr.model,
  s = specOf(m)
const { a, b } = { a: m.normalization.target!.a[0]!, b: m.normalization.target!.b[0]! }

describe('exports of a differenced model', () => {
  it('the statement names the normaliser and the lags; held-out outputs add the changes up over the horizon', () => {
    expect(targetTransformStatement(m, s)).toMatchObject({
      target: 'y',
      normalization: { kind: 'zscore', a: [a], b: [b] },
      differenceLags: [1]
    })
    const y = Float32Array.from([0.5, -1, 2, 1, 1, 1])
    const u = heldOutUserUnits(m, s, y, 2)!
    const d = Array.from(y, (v) => v * b + a)
    expect(Array.from(u)).toEqual(
      [d[0], d[0]! + d[1]!, d[0]! + d[1]! + d[2]!, d[3], d[3]! + d[4]!, d[3]! + d[4]! + d[5]!].map((v) =>
        expect.closeTo(v!, 9)
      )
    )
  })

  it('ONNX, TF.js and PyTorch state it in their metadata and verify in the target units', async () => {
    const onnx = await exportModel(m, 'onnx', join(dir, 'onnx'))
    const tfjs = await exportModel(m, 'tfjs', join(dir, 'tfjs'))
    const pt = await exportModel(m, 'pytorch', join(dir, 'pt'), { pytorchRuntime: 'engine' })
    for (const r of [onnx, tfjs, pt]) {
      expect(r.verified).toBe(true)
      expect(r.userUnits!.tolerance).toBeCloseTo(1e-4 * Math.max(1, b) * 3, 12)
      expect(r.userUnits!.maxAbsDiff).toBeLessThanOrEqual(r.userUnits!.tolerance)
      expect(r.notes.join('\n')).toContain(
        "in the target's units (denormalised and the differences (lags 1) added back"
      )
    }
    const stated = targetTransformStatement(m, s)
    const enc = onnxProto.onnx.ModelProto.decode(readFileSync(onnx.files.find((f) => f.endsWith('decoder_step.onnx'))!))
    const meta = Object.fromEntries(enc.metadataProps.map((p) => [p.key, p.value]))
    expect(JSON.parse(meta['rnn_workbench.target_transform']!)).toEqual(stated)
    const mj = JSON.parse(
      readFileSync(
        tfjs.files.find((f) => f.endsWith('model.json'))!,
        'utf8'
      )
    )
    expect(mj.userDefinedMetadata.targetTransform).toEqual(stated)
    const st = decodeSafetensors(new Uint8Array(readFileSync(pt.files.find((f) => f.endsWith('.safetensors'))!)))
    expect(JSON.parse(st.metadata.target_transform!)).toEqual(stated)
    expect(
      readFileSync(
        pt.files.find((f) => f.endsWith('model.py'))!,
        'utf8'
      )
    ).toContain('"differenceLags": [\n        1\n    ]')
  })
})
