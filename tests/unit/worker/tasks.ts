// Synthetic tasks shared by the worker tests (sample-major TrainData, as the main process builds it).

import type { SplitData, TrainData } from '../../../src-worker/trainer.js';
import { Rng } from '../../../src-worker/engine/rng.js';

/** Adding problem: x_t = (value ~ U(0,1), marker); y = sum of the two marked values. */
export function addingProblem(n: number, T: number, seed: number): SplitData {
  const r = new Rng(seed), x = new Float32Array(n * T * 2), y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const a = r.int(Math.ceil(T / 2)), b = Math.ceil(T / 2) + r.int(Math.floor(T / 2));
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const v = r.uniform();
      x[(s * T + t) * 2] = v;
      if (t === a || t === b) { x[(s * T + t) * 2 + 1] = 1; sum += v; }
    }
    y[s] = sum - 1; // centred
  }
  return { n, x, y };
}

export function addingData(nTrain: number, nVal: number, T: number): TrainData {
  return {
    mapping: 'many-to-one', task: 'regression', inputSize: 2, outputSize: 1, tx: T, ty: 1,
    train: addingProblem(nTrain, T, 1), val: addingProblem(nVal, T, 2),
  };
}
