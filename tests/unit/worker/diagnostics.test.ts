// The per-epoch diagnostics (gate means, ‖∂L/∂h_t‖, parameter norms) sum in interleaved partial sums for speed:
// they must still agree with the plain definitions, computed here element by element in float64.
import { describe, expect, it } from 'vitest'
import { Batch, Model, type ModelSpec } from '../../../src-worker/engine/model.js'
import { Rng } from '../../../src-worker/engine/rng.js'
import { dhNormsOf, gateMeansOf, paramNorms } from '../../../src-worker/engine/diagnostics.js'

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)))

describe('diagnostics against their definitions', () => {
  for (const [cell, H] of [
    ['lstm', 13],
    ['gru', 16],
    ['rnn_tanh', 7]
  ] as const) {
    // H not a multiple of 4 too
    it(`${cell}, H = ${H}`, () => {
      const T = 6,
        I = 3,
        B = 5,
        L = 2
      const spec: ModelSpec = {
        cell,
        hiddenSize: H,
        numLayers: L,
        dropout: 0,
        bidirectional: true,
        mapping: 'many-to-one',
        task: 'regression',
        inputSize: I,
        outputSize: 1,
        tx: T,
        ty: 1,
        tokens: false
      }
      const rng = new Rng(5),
        model = new Model(spec, 'float32', B)
      model.init(rng)
      const batch = new Batch(spec, 'float32', B)
      const x = new Float32Array(B * T * I).map(() => rng.normal()),
        y = new Float32Array(B).map(() => rng.normal())
      batch.fill(
        x,
        y,
        undefined,
        Int32Array.from({ length: B }, (_, i) => i),
        0,
        B
      )
      model.grads.fill(0)
      model.lossGrad(batch, { grad: true, dropout: 'off' })

      const st = model.enc,
        G = st.G
      const means = gateMeansOf(st)
      for (let l = 0; l < L; l++) {
        for (let g = 0; g < G; g++) {
          let s = 0
          for (let d = 0; d < st.D; d++) {
            const gates = st.cache(l, d).gates
            for (let r = 0; r < T * B; r++) for (let j = 0; j < H; j++) s += gates[r * G * H + g * H + j]
          }
          close(means[l][g], s / (st.D * T * B * H))
        }
      }

      const dh = dhNormsOf(st, T, B),
        dhs = st.cache(L - 1, 0).dhs
      expect(dh).toHaveLength(T)
      for (let t = 0; t < T; t++) {
        let s = 0
        for (let b = 0; b < B; b++) {
          let q = 0
          for (let j = 0; j < H; j++) q += dhs[(t * B + b) * H + j] ** 2
          s += Math.sqrt(q)
        }
        close(dh[t], s / B)
        expect(dh[t]).toBeGreaterThan(0)
      }

      const norms = paramNorms(model)
      expect(norms.map((n) => n.name)).toEqual(model.layout.entries.map((e) => e.name))
      for (const [i, e] of model.layout.entries.entries()) {
        let w = 0,
          g = 0
        for (let k = e.offset; k < e.offset + e.size; k++) {
          w += model.params[k] ** 2
          g += model.grads[k] ** 2
        }
        close(norms[i].weightNorm, Math.sqrt(w))
        close(norms[i].gradNorm, Math.sqrt(g))
      }
    })
  }
})
