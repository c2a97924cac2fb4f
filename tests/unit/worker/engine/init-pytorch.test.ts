// The 'pytorch' initialisation scheme: PyTorch 1.13's defaults — every recurrent weight and bias U(±1/√H), the
// Linear head's weight and bias U(±1/√fan_in) (kaiming-uniform with a = √5) — checked by bounds and moments
// over many draws: a uniform on (−b, b) has mean 0 and variance b²/3.
import { describe, expect, it } from 'vitest'
import { Model, type ModelSpec } from '../../../../src-worker/engine/model.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { train, type TrainConfig } from '../../../../src-worker/trainer.js'

const H = 64
const spec: ModelSpec = {
  cell: 'lstm',
  hiddenSize: H,
  numLayers: 2,
  dropout: 0,
  bidirectional: true,
  mapping: 'many-to-many',
  task: 'regression',
  inputSize: 5,
  outputSize: 40,
  tx: 3,
  ty: 3,
  tokens: false
}

/** Every value within (−b, b), and mean and variance within 4 standard errors of U(−b, b)'s. */
function expectUniform(v: ArrayLike<number>, b: number): void {
  const n = v.length
  let max = 0,
    sum = 0,
    sq = 0
  for (let i = 0; i < n; i++) {
    max = Math.max(max, Math.abs(v[i]))
    sum += v[i]
    sq += v[i] * v[i]
  }
  expect(max).toBeLessThan(b)
  expect(max).toBeGreaterThan(0.95 * b) // the draws reach the bound
  const variance = (b * b) / 3
  // standard errors: of the mean √(σ²/n); of the second moment √((E x⁴ − σ⁴)/n) with E x⁴ = b⁴/5
  expect(Math.abs(sum / n)).toBeLessThan(4 * Math.sqrt(variance / n))
  expect(Math.abs(sq / n - variance)).toBeLessThan(4 * Math.sqrt((b ** 4 / 5 - variance * variance) / n))
}

describe("init 'pytorch'", () => {
  const m = new Model(spec, 'float64', 2)
  m.init(new Rng(7), undefined, 'pytorch')
  const view = (name: string) => m.layout.view(m.params, name)

  it('recurrent weights and biases of every layer and direction: U(±1/√H)', () => {
    for (const e of m.layout.entries) if (!e.name.startsWith('head.')) expectUniform(view(e.name), 1 / Math.sqrt(H))
    // all recurrent tensors together: 4 gates × (I + H + 2) per unit, many thousands of draws
    const all = m.layout.entries.filter((e) => !e.name.startsWith('head.')).flatMap((e) => Array.from(view(e.name)))
    expect(all.length).toBeGreaterThan(50_000)
    expectUniform(all, 1 / Math.sqrt(H))
  })

  it('the head: weight and bias U(±1/√fan_in), fan_in = 2H for a bidirectional top layer', () => {
    const fanIn = 2 * H
    expectUniform(view('head.weight'), 1 / Math.sqrt(fanIn))
    expectUniform(view('head.bias'), 1 / Math.sqrt(fanIn))
  })

  it('no LSTM forget-gate offset unless one is asked for', () => {
    const b = view('bias_ih_l0')
    let forget = 0
    for (let j = 0; j < H; j++) forget += b[H + j]
    expect(Math.abs(forget / H)).toBeLessThan(0.2)
  })

  it('train() uses the scheme it is given; the default scheme stays Xavier + orthogonal with forget bias 1', () => {
    const config: TrainConfig = {
      model: { cell: 'lstm', hiddenSize: 8, numLayers: 1 },
      optimizer: { kind: 'sgd', lr: 0 },
      epochs: 1,
      batchSize: 2,
      seed: 3
    }
    const data = {
      mapping: 'many-to-one' as const,
      task: 'regression' as const,
      inputSize: 1,
      outputSize: 1,
      tx: 2,
      ty: 1,
      train: { n: 2, x: new Float32Array(4), y: new Float32Array(2) },
      val: { n: 0, x: new Float32Array(0), y: new Float32Array(0) }
    }
    const biasOf = (r: ReturnType<typeof train>) => (r.weights.bias_ih_l0 as number[]).slice(8, 16)
    expect(biasOf(train(config, data))).toEqual(Array(8).fill(1))
    const p = biasOf(train({ ...config, init: 'pytorch' }, data))
    expect(p.every((v) => Math.abs(v) < 1 / Math.sqrt(8))).toBe(true)
    expect(p.some((v) => v !== 0)).toBe(true)
  })
})
