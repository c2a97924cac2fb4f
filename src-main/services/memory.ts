// A run's tensor memory, estimated before it starts, so a config that cannot fit is refused with the
// figure instead of crashing a worker with ERR_WORKER_OUT_OF_MEMORY.
import type { ExperimentConfig } from '../../src-shared/contract'
import { InputError } from '../../src-shared/errors'

export const DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3

const GATES = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 } as const

/** Bytes of float32 tensors: windowed data, parameters with gradients and Adam moments, BPTT caches. */
export function estimateMemory(config: ExperimentConfig, rows: number): number {
  const H = config.model.hiddenSize,
    L = config.model.numLayers,
    G = GATES[config.model.cell]
  const I = Math.max(1, config.inputs.length || 1)
  const T = config.window,
    B = config.batchSize
  const windows = Math.max(0, rows - T)
  const data = windows * (T * I + 1)
  let params = 0
  for (let l = 0; l < L; l++) params += G * H * ((l === 0 ? I : H) + H + 2)
  params += H + 1
  const caches = L * T * B * (G * H * 2 + H * 4) + T * B * I
  return 4 * (data + params * 4 + caches * 2)
}

export function checkMemory(config: ExperimentConfig, rows: number, budget: number): void {
  const need = estimateMemory(config, rows)
  if (need > budget) {
    const mb = (x: number) => `${(x / 1024 ** 2).toFixed(0)} MB`
    throw new InputError(
      `config: this run needs about ${mb(need)} of tensor memory, more than the ${mb(budget)} budget; lower config.model.hiddenSize, config.window or config.batchSize`
    )
  }
}
