// Initialisation and the seeded PRNG: orthogonal recurrent gate blocks, Xavier bounds, forget-gate bias,
// zero biases, PRNG determinism and moments, import/export round trip.

import { describe, expect, it } from 'vitest'
import { Model, type ModelSpec } from '../../../../src-worker/engine/model.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { exportTorch, importTorch } from '../../../../src-worker/engine/params.js'

const spec: ModelSpec = {
  cell: 'lstm',
  hiddenSize: 6,
  numLayers: 2,
  dropout: 0,
  bidirectional: true,
  mapping: 'many-to-many',
  task: 'regression',
  inputSize: 3,
  outputSize: 2,
  tx: 4,
  ty: 4,
  tokens: false
}

describe('init', () => {
  it('orthogonal W_hh per gate block, Xavier-bounded W_ih, forget bias 1, other biases 0', () => {
    const m = new Model(spec, 'float64', 2)
    m.init(new Rng(3), 1)
    const H = 6
    for (const name of ['weight_hh_l0', 'weight_hh_l1_reverse']) {
      const W = m.layout.view(m.params, name)
      for (let g = 0; g < 4; g++)
        for (let i = 0; i < H; i++)
          for (let j = 0; j < H; j++) {
            let d = 0
            for (let k = 0; k < H; k++) d += W[(g * H + i) * H + k] * W[(g * H + j) * H + k]
            expect(d).toBeCloseTo(i === j ? 1 : 0, 12)
          }
    }
    const Wih = m.layout.view(m.params, 'weight_ih_l1'),
      lim = Math.sqrt(6 / (12 + 6))
    expect(Math.max(...Array.from(Wih).map(Math.abs))).toBeLessThanOrEqual(lim)
    expect(Math.max(...Array.from(Wih).map(Math.abs))).toBeGreaterThan(0.5 * lim)
    const bih = Array.from(m.layout.view(m.params, 'bias_ih_l0'))
    expect(bih).toEqual([...Array(6).fill(0), ...Array(6).fill(1), ...Array(12).fill(0)])
    expect(Array.from(m.layout.view(m.params, 'bias_hh_l0')).every((v) => v === 0)).toBe(true)
  })

  it('export → import round-trips every parameter exactly, in PyTorch names and order', () => {
    const m = new Model(spec, 'float64', 2)
    m.init(new Rng(4))
    const w = exportTorch(m.layout, m.params)
    expect(Object.keys(w).slice(0, 8)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l0_reverse',
      'weight_hh_l0_reverse',
      'bias_ih_l0_reverse',
      'bias_hh_l0_reverse'
    ])
    expect((w['weight_ih_l1'] as number[][]).length).toBe(24)
    expect((w['weight_ih_l1'] as number[][])[0].length).toBe(12)
    const m2 = new Model(spec, 'float64', 2)
    importTorch(m2.layout, m2.params, JSON.parse(JSON.stringify(w)))
    expect(Array.from(m2.params)).toEqual(Array.from(m.params))
    expect(() => importTorch(m2.layout, m2.params, { ...w, 'head.bias': [1] })).toThrow(
      /head\.bias: length 1, expected 2/
    )
  })
})

describe('Rng', () => {
  it('is deterministic per seed, uniform in [0,1), normal with mean 0 and variance 1', () => {
    const a = new Rng(123),
      b = new Rng(123),
      c = new Rng(124)
    const sa = Array.from({ length: 5 }, () => a.uniform())
    expect(sa).toEqual(Array.from({ length: 5 }, () => b.uniform()))
    expect(sa).not.toEqual(Array.from({ length: 5 }, () => c.uniform()))
    const r = new Rng(9)
    let s = 0,
      s2 = 0,
      mn = 1,
      mx = 0
    for (let i = 0; i < 100000; i++) {
      const u = r.uniform()
      mn = Math.min(mn, u)
      mx = Math.max(mx, u)
      const z = r.normal()
      s += z
      s2 += z * z
    }
    expect(mn).toBeGreaterThanOrEqual(0)
    expect(mx).toBeLessThan(1)
    expect(Math.abs(s / 100000)).toBeLessThan(0.02)
    expect(Math.abs(s2 / 100000 - 1)).toBeLessThan(0.02)
    const st = r.getState(),
      x1 = r.normal(),
      r2 = new Rng(0)
    r2.setState(st)
    expect(r2.normal()).toBe(x1)
  })
})
