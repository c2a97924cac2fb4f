// Weight initialisation from the one seeded PRNG, in two schemes:
//   default  Xavier/Glorot uniform for input weights (per gate block: fan_in = I, fan_out = H), orthogonal
//            recurrent weights (one H×H orthogonal matrix per gate block, from the QR of a Gaussian matrix with
//            sign correction), zero biases, optional LSTM forget-gate bias 1 (in bias_ih)
//   pytorch  PyTorch 1.13's defaults: U(−1/√H, 1/√H) for every RNN/LSTM/GRU weight and bias; the Linear head's
//            weight kaiming-uniform with a = √5 (which is U(±1/√fan_in)) and its bias U(±1/√fan_in)

export type InitScheme = 'default' | 'pytorch'

import type { Arr } from './arr.js'
import type { Rng } from './rng.js'

/** Xavier uniform on rows r0..r0+rows of a (·, cols) matrix. */
export function xavierUniform(w: Arr, off: number, rows: number, cols: number, rng: Rng): void {
  const a = Math.sqrt(6 / (rows + cols))
  for (let k = 0; k < rows * cols; k++) w[off + k] = (2 * rng.uniform() - 1) * a
}

/** An orthogonal n×n block written at w[off ..] (row-major), via modified Gram–Schmidt on Gaussian rows. */
export function orthogonal(w: Arr, off: number, n: number, rng: Rng): void {
  const q = new Float64Array(n * n)
  for (let k = 0; k < n * n; k++) q[k] = rng.normal()
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let d = 0
      for (let k = 0; k < n; k++) d += q[i * n + k] * q[j * n + k]
      for (let k = 0; k < n; k++) q[i * n + k] -= d * q[j * n + k]
    }
    let s = 0
    for (let k = 0; k < n; k++) s += q[i * n + k] * q[i * n + k]
    s = Math.sqrt(s) || 1
    for (let k = 0; k < n; k++) q[i * n + k] /= s
  }
  for (let k = 0; k < n * n; k++) w[off + k] = q[k]
}

/** U(−bound, bound) on n values from w[off]. */
export function uniformBound(w: Arr, off: number, n: number, bound: number, rng: Rng): void {
  for (let k = 0; k < n; k++) w[off + k] = (2 * rng.uniform() - 1) * bound
}
