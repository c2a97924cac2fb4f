// The epoch's diagnostics probe reuses the validation pass: evaluate(…, firstLast) runs the first batch last
// (leaving its forward in the caches) and still sums in sample order, so the loss keeps its bits and the probe
// is exactly what a separate forward over the first batch gives.
import { describe, expect, it } from 'vitest'
import { Batch, Model, type ModelSpec } from '../../../src-worker/engine/model.js'
import { Rng } from '../../../src-worker/engine/rng.js'
import { gateMeansOf, probeOf } from '../../../src-worker/engine/diagnostics.js'
import { evaluate, type SplitData } from '../../../src-worker/trainer.js'

function split(n: number, T: number, I: number, rng: Rng): SplitData {
  const x = new Float32Array(n * T * I),
    y = new Float32Array(n)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  for (let i = 0; i < n; i++) y[i] = rng.normal()
  return { n, x, y }
}

describe('evaluate with the first batch last', () => {
  for (const cell of ['lstm', 'gru', 'rnn_tanh'] as const) {
    it(`${cell}: same loss bits, and the caches hold the first batch`, () => {
      const T = 7,
        I = 3,
        B = 16
      const spec: ModelSpec = {
        cell,
        hiddenSize: 12,
        numLayers: 2,
        dropout: 0,
        bidirectional: false,
        mapping: 'many-to-one',
        task: 'regression',
        inputSize: I,
        outputSize: 1,
        tx: T,
        ty: 1,
        tokens: false
      }
      const rng = new Rng(3),
        model = new Model(spec, 'float32', B)
      model.init(rng)
      const batch = new Batch(spec, 'float32', B)
      for (const n of [5, 16, 37]) {
        // one partial batch, one full, several with a partial last one
        const s = split(n, T, I, rng)
        const plain = evaluate(model, batch, s),
          reordered = evaluate(model, batch, s, true)
        expect(Object.is(plain, reordered)).toBe(true)
        const fromEval = { probe: probeOf(model.top, 0), means: gateMeansOf(model.enc) }
        batch.fill(
          s.x,
          s.y,
          s.mask,
          Int32Array.from({ length: n }, (_, i) => i),
          0,
          Math.min(B, n)
        )
        model.lossGrad(batch, { grad: false, dropout: 'off' })
        expect(fromEval).toEqual({ probe: probeOf(model.top, 0), means: gateMeansOf(model.enc) })
        if (n > B) {
          // and the plain order leaves the last batch, which differs
          evaluate(model, batch, s)
          expect(probeOf(model.top, 0)).not.toEqual(fromEval.probe)
        }
      }
    })
  }
})
