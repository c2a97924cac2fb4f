// Synthetic tasks shared by the worker tests (sample-major TrainData, as the main process builds it).

import type { SplitData, TrainData } from '../../../src-worker/trainer.js'
import { Rng } from '../../../src-worker/engine/rng.js'

/** Adding problem: x_t = (value ~ U(0,1), marker); y = sum of the two marked values. */
export function addingProblem(n: number, T: number, seed: number): SplitData {
  const r = new Rng(seed),
    x = new Float32Array(n * T * 2),
    y = new Float32Array(n)
  for (let s = 0; s < n; s++) {
    const a = r.int(Math.ceil(T / 2)),
      b = Math.ceil(T / 2) + r.int(Math.floor(T / 2))
    let sum = 0
    for (let t = 0; t < T; t++) {
      const v = r.uniform()
      x[(s * T + t) * 2] = v
      if (t === a || t === b) {
        x[(s * T + t) * 2 + 1] = 1
        sum += v
      }
    }
    y[s] = sum - 1 // centred
  }
  return { n, x, y }
}

export function addingData(nTrain: number, nVal: number, T: number): TrainData {
  return {
    mapping: 'many-to-one',
    task: 'regression',
    inputSize: 2,
    outputSize: 1,
    tx: T,
    ty: 1,
    train: addingProblem(nTrain, T, 1),
    val: addingProblem(nVal, T, 2)
  }
}

/** Token sequences (n, T) with ids in 0..V−1. */
export function tokens(n: number, T: number, V: number, seed: number): Float32Array {
  const r = new Rng(seed),
    x = new Float32Array(n * T)
  for (let i = 0; i < x.length; i++) x[i] = r.int(V)
  return x
}

/** Delayed echo, aligned: y_t = x_{t−d} (0 for t < d); optional random padding masks (variable lengths ≥ minLen). */
export function delayedEcho(n: number, T: number, V: number, d: number, seed: number, minLen = T): SplitData {
  const x = tokens(n, T, V, seed),
    y = new Float32Array(n * T),
    mask = new Float32Array(n * T),
    r = new Rng(seed + 100)
  for (let s = 0; s < n; s++) {
    const len = minLen + r.int(T - minLen + 1)
    for (let t = 0; t < T; t++) {
      y[s * T + t] = t >= d ? x[s * T + t - d] : 0
      mask[s * T + t] = t < len ? 1 : 0
      if (t >= len) x[s * T + t] = 0 // padding token
    }
  }
  return minLen < T ? { n, x, y, mask } : { n, x, y }
}

/** Sequence reversal: y = reverse(x), tokens. */
export function reversal(n: number, T: number, V: number, seed: number): SplitData {
  const x = tokens(n, T, V, seed),
    y = new Float32Array(n * T)
  for (let s = 0; s < n; s++) for (let t = 0; t < T; t++) y[s * T + t] = x[s * T + T - 1 - t]
  return { n, x, y }
}

export function accuracy(classes: Int32Array, y: Float32Array, mask?: Float32Array): number {
  let ok = 0,
    tot = 0
  for (let i = 0; i < classes.length; i++) {
    if (mask && mask[i] === 0) continue
    tot++
    if (classes[i] === y[i]) ok++
  }
  return ok / tot
}
