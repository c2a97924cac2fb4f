// Finite-difference gradient checks (float64) for what the PyTorch fixtures do not cover: every mapping,
// truncated BPTT, step masks, bidirectional layers, dropout with a fixed mask, token inputs, one-to-many
// feedback, and the stack-level gradients (dx, dh0, dc0, dL/dh_N) of bidirectional + dropout stacks.

import { describe, expect, it } from 'vitest'
import { Batch, Model, type Mapping, type ModelSpec, type Task } from '../../../../src-worker/engine/model.js'
import { Stack } from '../../../../src-worker/engine/stack.js'
import { ParamLayout } from '../../../../src-worker/engine/params.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import type { CellKind } from '../../../../src-worker/engine/cells/common.js'
import type { DropoutMode } from '../../../../src-worker/engine/stack.js'
import { fdCheck, randomize } from '../gradcheck.js'

interface Case {
  cell: CellKind
  mapping: Mapping
  task: Task
  layers?: number
  bidi?: boolean
  dropout?: number
  tokens?: boolean
  masked?: boolean
  rb?: boolean
  I?: number
  H?: number
  O?: number
  tx?: number
  ty?: number
  B?: number
}

function setup(c: Case, seed = 3): { model: Model; batch: Batch } {
  const tx = c.tx ?? (c.mapping === 'one-to-many' || c.mapping === 'one-to-one' ? 1 : 5)
  const ty =
    c.ty ?? (c.mapping === 'many-to-many' ? tx : c.mapping === 'many-to-one' || c.mapping === 'one-to-one' ? 1 : 4)
  const spec: ModelSpec = {
    cell: c.cell,
    hiddenSize: c.H ?? 3,
    numLayers: c.layers ?? 1,
    dropout: c.dropout ?? 0,
    bidirectional: c.bidi ?? false,
    mapping: c.mapping,
    task: c.task,
    inputSize: c.I ?? 3,
    outputSize: c.O ?? 3,
    tx,
    ty,
    tokens: c.tokens ?? false,
    gruResetBefore: c.rb ?? false
  }
  const B = c.B ?? 3,
    rng = new Rng(seed)
  const model = new Model(spec, 'float64', B)
  randomize(model.params, rng, 0.5)
  const batch = new Batch(spec, 'float64', B)
  const n = B,
    I = spec.inputSize,
    O = spec.outputSize
  const x = Array.from({ length: n * tx * (spec.tokens ? 1 : I) }, () => (spec.tokens ? rng.int(I) : rng.normal()))
  const y = Array.from({ length: n * ty * (c.task === 'regression' ? O : 1) }, () =>
    c.task === 'regression' ? rng.normal() : rng.int(O)
  )
  const mask = c.masked ? Array.from({ length: n * ty }, (_, k) => (k === 0 ? 1 : rng.uniform() < 0.35 ? 0 : 1)) : null
  batch.fill(
    x,
    y,
    mask,
    Array.from({ length: n }, (_, i) => i),
    0,
    n
  )
  return { model, batch }
}

function check(c: Case, opts: { t0?: number; t1?: number; carry?: boolean } = {}): number {
  const { model, batch } = setup(c)
  const rng = new Rng(11)
  let h0: Float64Array | null = null,
    c0: Float64Array | null = null
  if (opts.carry) {
    // state carried from an earlier window: fixed, detached
    model.lossGrad(batch, { grad: false, dropout: 'off', t0: 0, t1: opts.t0 })
    h0 = Float64Array.from(model.enc.hN)
    c0 = Float64Array.from(model.enc.cN)
  }
  const mode: DropoutMode = (c.dropout ?? 0) > 0 ? 'sample' : 'off'
  model.grads.fill(0)
  const r = model.lossGrad(batch, { grad: true, dropout: mode, rng, t0: opts.t0, t1: opts.t1, h0, c0 })
  expect(r.den).toBeGreaterThan(0)
  const g = Float64Array.from(model.grads)
  expect(g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(1e-3)
  const f = () =>
    model.lossGrad(batch, { grad: false, dropout: mode === 'off' ? 'off' : 'reuse', t0: opts.t0, t1: opts.t1, h0, c0 })
      .loss
  expect(f()).toBeCloseTo(r.loss, 12)
  const res = fdCheck(f, model.params, g, 250)
  if (res.worst > 1) console.log(JSON.stringify(c), res)
  return res.worst
}

const cells: CellKind[] = ['lstm', 'gru', 'rnn_tanh']

describe('finite-difference gradients of the mapped models', () => {
  for (const cell of cells) {
    it(`${cell}: many-to-one regression, 2 layers`, () =>
      expect(check({ cell, mapping: 'many-to-one', task: 'regression', layers: 2 })).toBeLessThan(1))
    it(`${cell}: one-to-one classification`, () =>
      expect(check({ cell, mapping: 'one-to-one', task: 'classification' })).toBeLessThan(1))
    it(`${cell}: many-to-many CE with masks`, () =>
      expect(check({ cell, mapping: 'many-to-many', task: 'classification', masked: true })).toBeLessThan(1))
    it(`${cell}: many-to-many MSE, bidirectional, 2 layers, masks`, () =>
      expect(
        check({ cell, mapping: 'many-to-many', task: 'regression', layers: 2, bidi: true, masked: true })
      ).toBeLessThan(1))
    it(`${cell}: dropout between 3 layers with a fixed mask`, () =>
      expect(
        check({ cell, mapping: 'many-to-many', task: 'regression', layers: 3, dropout: 0.3, bidi: cell === 'gru' })
      ).toBeLessThan(1))
    it(`${cell}: token inputs (column gather), many-to-many CE`, () =>
      expect(check({ cell, mapping: 'many-to-many', task: 'classification', tokens: true, I: 6 })).toBeLessThan(1))
    it(`${cell}: truncated BPTT window with carried state`, () =>
      expect(
        check(
          { cell, mapping: 'many-to-many', task: 'classification', tx: 7, layers: 2 },
          { t0: 3, t1: 6, carry: true }
        )
      ).toBeLessThan(1))
    it(`${cell}: truncated BPTT, last window of many-to-one`, () =>
      expect(
        check({ cell, mapping: 'many-to-one', task: 'regression', tx: 7 }, { t0: 4, t1: 7, carry: true })
      ).toBeLessThan(1))
    it(`${cell}: one-to-many (teacher-forced feedback), regression and classification`, () => {
      expect(check({ cell, mapping: 'one-to-many', task: 'regression', layers: 2 })).toBeLessThan(1)
      expect(
        check({ cell, mapping: 'one-to-many', task: 'classification', tokens: true, I: 4, masked: true })
      ).toBeLessThan(1)
    })
    it(`${cell}: seq2seq, regression and classification (token decoder), masks`, () => {
      expect(check({ cell, mapping: 'seq2seq', task: 'regression', layers: 2, ty: 3 })).toBeLessThan(1)
      expect(
        check({ cell, mapping: 'seq2seq', task: 'classification', tokens: true, I: 5, ty: 4, masked: true })
      ).toBeLessThan(1)
    })
  }
  it('rnn_relu: many-to-many and seq2seq', () => {
    expect(check({ cell: 'rnn_relu', mapping: 'many-to-many', task: 'classification', H: 5, layers: 2 })).toBeLessThan(
      1
    )
    expect(check({ cell: 'rnn_relu', mapping: 'seq2seq', task: 'regression', H: 5 })).toBeLessThan(1)
  })
  it('gru reset-before variant: many-to-many (bidirectional, 2 layers, masks), seq2seq, tokens, TBPTT window', () => {
    expect(
      check({
        cell: 'gru',
        rb: true,
        mapping: 'many-to-many',
        task: 'regression',
        layers: 2,
        bidi: true,
        masked: true,
        H: 4
      })
    ).toBeLessThan(1)
    expect(
      check({ cell: 'gru', rb: true, mapping: 'seq2seq', task: 'classification', tokens: true, I: 5, ty: 4 })
    ).toBeLessThan(1)
    expect(
      check(
        { cell: 'gru', rb: true, mapping: 'many-to-many', task: 'classification', tx: 7 },
        { t0: 3, t1: 6, carry: true }
      )
    ).toBeLessThan(1)
  })
  it('truncated BPTT with k = T equals full BPTT', () => {
    const a = setup({ cell: 'lstm', mapping: 'many-to-many', task: 'regression', tx: 6 })
    a.model.grads.fill(0)
    const full = a.model.lossGrad(a.batch, { grad: true, dropout: 'off' })
    const gFull = Float64Array.from(a.model.grads)
    a.model.grads.fill(0)
    const win = a.model.lossGrad(a.batch, { grad: true, dropout: 'off', t0: 0, t1: 6, h0: null })
    expect(win.loss).toBe(full.loss)
    expect(Array.from(a.model.grads)).toEqual(Array.from(gFull))
  })
})

describe('finite-difference gradients of stacks: dx, dh0, dc0 and dL/d(h_N, c_N)', () => {
  for (const variant of ['lstm', 'gru', 'gru-rb', 'rnn_tanh'])
    for (const bidi of [false, true]) {
      const cell = (variant === 'gru-rb' ? 'gru' : variant) as CellKind
      it(`${variant}${bidi ? ' bidirectional' : ''}, 2 layers, dropout 0.25`, () => {
        const T = 4,
          B = 2,
          I = 3,
          H = 3,
          L = 2,
          D = bidi ? 2 : 1,
          rng = new Rng(5)
        const layout = new ParamLayout()
        const st = new Stack(
          {
            cell,
            inputSize: I,
            hiddenSize: H,
            numLayers: L,
            bidirectional: bidi,
            dropout: 0.25,
            tokens: false,
            prefix: '',
            resetBefore: variant === 'gru-rb'
          },
          layout,
          'float64',
          T,
          B
        )
        const p = layout.alloc('float64'),
          g = layout.alloc('float64')
        st.bind(layout, p, g)
        randomize(p, rng, 0.5)
        const x = new Float64Array(T * B * I),
          h0 = new Float64Array(L * D * B * H),
          c0 = new Float64Array(L * D * B * H)
        randomize(x, rng)
        randomize(h0, rng, 0.5)
        randomize(c0, rng, 0.5)
        const R = new Float64Array(T * B * D * H),
          S = new Float64Array(L * D * B * H),
          Sc = new Float64Array(L * D * B * H)
        randomize(R, rng)
        randomize(S, rng)
        randomize(Sc, rng)
        const lossOf = (mode: DropoutMode): number => {
          const out = st.forward(x, null, h0, c0, T, B, mode, rng)
          let s = 0
          for (let k = 0; k < R.length; k++) s += out[k] * R[k]
          for (let k = 0; k < S.length; k++) s += st.hN[k] * S[k] + (cell === 'lstm' ? st.cN[k] * Sc[k] : 0)
          return s
        }
        lossOf('sample')
        const dx = new Float64Array(x.length),
          dh0 = new Float64Array(h0.length),
          dc0 = new Float64Array(c0.length)
        st.backward(R, S, cell === 'lstm' ? Sc : null, dx, dh0, dc0)
        const f = () => lossOf('reuse')
        expect(fdCheck(f, p, Float64Array.from(g), 200).worst).toBeLessThan(1)
        expect(fdCheck(f, x, dx).worst).toBeLessThan(1)
        expect(fdCheck(f, h0, dh0).worst).toBeLessThan(1)
        if (cell === 'lstm') expect(fdCheck(f, c0, dc0).worst).toBeLessThan(1)
      })
    }
})

describe('gru reset-before forward', () => {
  it('matches a direct evaluation of n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)', () => {
    const T = 3,
      B = 2,
      I = 2,
      H = 3,
      rng = new Rng(12),
      layout = new ParamLayout()
    const st = new Stack(
      {
        cell: 'gru',
        inputSize: I,
        hiddenSize: H,
        numLayers: 1,
        bidirectional: false,
        dropout: 0,
        tokens: false,
        prefix: '',
        resetBefore: true
      },
      layout,
      'float64',
      T,
      B
    )
    const p = layout.alloc('float64')
    st.bind(layout, p, layout.alloc('float64'))
    randomize(p, rng, 0.6)
    const x = new Float64Array(T * B * I),
      h0 = new Float64Array(B * H)
    randomize(x, rng)
    randomize(h0, rng, 0.5)
    const out = st.forward(x, null, h0, null, T, B)
    const Wih = layout.view(p, 'weight_ih_l0'),
      Whh = layout.view(p, 'weight_hh_l0'),
      bih = layout.view(p, 'bias_ih_l0'),
      bhh = layout.view(p, 'bias_hh_l0')
    const sig = (v: number) => 1 / (1 + Math.exp(-v))
    for (let b = 0; b < B; b++) {
      let h = Array.from(h0.subarray(b * H, (b + 1) * H))
      for (let t = 0; t < T; t++) {
        const xt = Array.from(x.subarray((t * B + b) * I, (t * B + b + 1) * I))
        const lin = (W: ArrayLike<number>, row: number, v: number[], n: number) =>
          v.reduce((s, vi, k) => s + W[row * n + k] * vi, 0)
        const r = h.map((_, j) => sig(lin(Wih, j, xt, I) + bih[j] + lin(Whh, j, h, H) + bhh[j]))
        const z = h.map((_, j) => sig(lin(Wih, H + j, xt, I) + bih[H + j] + lin(Whh, H + j, h, H) + bhh[H + j]))
        const rh = h.map((hj, j) => r[j] * hj)
        const n = h.map((_, j) =>
          Math.tanh(lin(Wih, 2 * H + j, xt, I) + bih[2 * H + j] + lin(Whh, 2 * H + j, rh, H) + bhh[2 * H + j])
        )
        h = h.map((hj, j) => (1 - z[j]) * n[j] + z[j] * hj)
        for (let j = 0; j < H; j++) expect(out[(t * B + b) * H + j]).toBeCloseTo(h[j], 14)
      }
    }
  })
})
