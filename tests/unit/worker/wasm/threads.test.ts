// Two-thread products (wasm/pool.ts) are bit-identical to one thread: row splits at multiples of 4 and panel
// splits leave every element's instruction sequence unchanged. Also a float32 training step of an LSTM big
// enough to split its recurrent products gives the same bits with 1 and 2 threads.

import { afterAll, describe, expect, it } from 'vitest'
import { Batch, Model, type ModelSpec } from '../../../../src-worker/engine/model.js'
import { Rng } from '../../../../src-worker/engine/rng.js'
import { allocF32, wasm } from '../../../../src-worker/engine/wasm/runtime.js'
import { packBWasm, sgemmPackedWasm, sgemmWasm } from '../../../../src-worker/engine/wasm/sgemm.js'
import { setGemmThreads } from '../../../../src-worker/engine/wasm/pool.js'

function rand(rng: Rng, n: number): Float32Array {
  const a = allocF32(n)
  for (let i = 0; i < n; i++) a[i] = rng.normal()
  return a
}

function trainStep(threads: number): Float32Array {
  setGemmThreads(threads)
  const spec: ModelSpec = {
    cell: 'lstm',
    hiddenSize: 256,
    numLayers: 1,
    dropout: 0,
    bidirectional: false,
    mapping: 'many-to-one',
    task: 'regression',
    inputSize: 16,
    outputSize: 1,
    tx: 6,
    ty: 1,
    tokens: false
  }
  const rng = new Rng(5),
    B = 64,
    model = new Model(spec, 'float32', B)
  model.init(rng)
  const batch = new Batch(spec, 'float32', B),
    x = new Float32Array(B * 6 * 16),
    y = new Float32Array(B)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  for (let i = 0; i < y.length; i++) y[i] = rng.normal()
  batch.fill(
    x,
    y,
    null,
    Int32Array.from({ length: B }, (_, i) => i),
    0,
    B
  )
  model.grads.fill(0)
  model.lossGrad(batch, { grad: true, dropout: 'off', rng })
  return model.grads.slice() as Float32Array
}

describe.skipIf(!wasm)('two-thread products', () => {
  afterAll(() => {
    setGemmThreads(1)
  })

  it('gives the same bits as one thread', () => {
    const rng = new Rng(9)
    for (const [tA, tB, M, N, K] of [
      [false, false, 66, 1030, 200],
      [true, false, 300, 257, 129],
      [false, true, 1001, 64, 96]
    ] as const) {
      const A = rand(rng, M * K),
        B = rand(rng, K * N),
        C0 = rand(rng, M * N)
      const out: Float32Array[] = []
      for (const th of [1, 2]) {
        expect(setGemmThreads(th)).toBe(th)
        const C = allocF32(M * N)
        C.set(C0)
        sgemmWasm(tA, tB, M, N, K, A, 0, tA ? M : K, B, 0, tB ? K : N, 1, C, 0, N)
        out.push(C)
      }
      expect(
        Buffer.from(out[1].buffer, out[1].byteOffset, out[1].byteLength).equals(
          Buffer.from(out[0].buffer, out[0].byteOffset, out[0].byteLength)
        )
      ).toBe(true)
    }
    const M = 64,
      N = 1024 + 24,
      K = 256,
      A = rand(rng, M * K),
      B = rand(rng, N * K)
    const pk = packBWasm({}, undefined, true, K, N, B, 0, K)
    const res: number[][] = []
    for (const th of [1, 2]) {
      setGemmThreads(th)
      const C = allocF32(M * N)
      sgemmPackedWasm(false, M, N, K, A, 0, K, pk, 0, C, 0, N)
      res.push(Array.from(C))
    }
    expect(res[1]).toEqual(res[0])
  })

  it('a float32 LSTM training step is bit-identical with 1 and 2 threads', () => {
    expect(Array.from(trainStep(2))).toEqual(Array.from(trainStep(1)))
  })
})
