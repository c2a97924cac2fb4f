// Cell edge cases: T = 1, batch 1, input size 1 (finite differences), zero input and zero weights (closed form),
// relu's zero derivative at and below 0, and long sequences staying finite.

import { describe, expect, it } from 'vitest'
import { Stack } from '../../../../../src-worker/engine/stack.js'
import { ParamLayout } from '../../../../../src-worker/engine/params.js'
import { Rng } from '../../../../../src-worker/engine/rng.js'
import type { CellKind } from '../../../../../src-worker/engine/cells/common.js'
import { fdCheck, randomize } from '../../gradcheck.js'

function mk(cell: CellKind, T: number, B: number, I: number, H: number, L = 1) {
  const layout = new ParamLayout()
  const st = new Stack(
    { cell, inputSize: I, hiddenSize: H, numLayers: L, bidirectional: false, dropout: 0, tokens: false, prefix: '' },
    layout,
    'float64',
    T,
    B
  )
  const p = layout.alloc('float64'),
    g = layout.alloc('float64')
  st.bind(layout, p, g)
  return { st, p, g, layout }
}

describe('cells: edge cases', () => {
  for (const cell of ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as CellKind[]) {
    it(`${cell}: T=1, B=1, I=1 gradients (weights, x, h0)`, () => {
      const { st, p, g } = mk(cell, 1, 1, 1, 2),
        rng = new Rng(4)
      randomize(p, rng, 0.7)
      const x = Float64Array.of(0.8),
        h0 = Float64Array.of(0.3, -0.4),
        R = Float64Array.of(1.3, -0.6)
      const f = () => {
        const o = st.forward(x, null, h0, null, 1, 1)
        return o[0] * R[0] + o[1] * R[1]
      }
      f()
      const dx = new Float64Array(1),
        dh0 = new Float64Array(2)
      st.backward(R, null, null, dx, dh0, null)
      expect(fdCheck(f, p, Float64Array.from(g)).worst).toBeLessThan(1)
      expect(fdCheck(f, x, dx).worst).toBeLessThan(1)
      expect(fdCheck(f, h0, dh0).worst).toBeLessThan(1)
    })

    it(`${cell}: zero weights and zero input give the closed-form state`, () => {
      const { st } = mk(cell, 3, 2, 2, 3)
      const h0 = Float64Array.from({ length: 6 }, (_, k) => (k - 2) / 4),
        c0 = Float64Array.from({ length: 6 }, (_, k) => k / 5)
      const out = st.forward(new Float64Array(3 * 2 * 2), null, h0, c0, 3, 2)
      for (let k = 0; k < 6; k++) {
        // LSTM: gates σ(0) = ½, g = 0 → c_t = c0/2^t, h_t = ½ tanh(c_t); GRU: z = ½, n = 0 → h_t = h0/2^t; RNN: h = φ(0) = 0
        const want = cell === 'lstm' ? 0.5 * Math.tanh(c0[k] / 8) : cell === 'gru' ? h0[k] / 8 : 0
        expect(out[2 * 6 + k]).toBeCloseTo(want, 15)
      }
    })
  }

  it('rnn_relu passes no gradient through units with a pre-activation ≤ 0', () => {
    const { st, p, g, layout } = mk('rnn_relu', 1, 1, 1, 2)
    layout.view(p, 'weight_ih_l0').set([1, -1])
    st.forward(Float64Array.of(0.5), null, new Float64Array(2), null, 1, 1) // pre-activations 0.5 and −0.5
    st.backward(Float64Array.of(1, 1), null, null, null, null, null)
    expect(Array.from(layout.view(g, 'weight_ih_l0'))).toEqual([0.5, 0])
    st.forward(Float64Array.of(0), null, new Float64Array(2), null, 1, 1) // exactly 0: derivative 0
    g.fill(0)
    st.backward(Float64Array.of(1, 1), null, null, null, null, null)
    expect(Array.from(layout.view(g, 'bias_hh_l0'))).toEqual([0, 0])
  })

  it('long sequences (T = 400) stay finite forward and backward', () => {
    for (const cell of ['lstm', 'gru', 'rnn_tanh'] as CellKind[]) {
      const { st, p, g } = mk(cell, 400, 2, 3, 8, 2),
        rng = new Rng(8)
      randomize(p, rng, 0.5)
      const x = new Float64Array(400 * 2 * 3)
      randomize(x, rng)
      const out = st.forward(x, null, null, null, 400, 2)
      st.backward(out, null, null, null, null, null)
      expect(out.every(Number.isFinite) && g.every(Number.isFinite)).toBe(true)
    }
  })
})
