// Time estimates from this machine's measured engine speed. A calibration (measured once by a short training run of
// two model sizes, src-worker/tasks/calibrate-task.ts, and kept in the store until the engine path changes) gives
// the seconds one sequence costs per time step plus per multiply-add; a configuration's epoch is its sequences ×
// (time steps × the first + multiply-adds × the second), validation counted at a third (forward only).

export interface EngineCalibration {
  /** The engine path measured (kernels and CPU), e.g. "relaxed-simd · Intel(R) Xeon(R) …": another path re-measures. */
  engine: string
  /** Seconds a training sequence costs per recurrent time step, whatever the model's size (overheads). */
  secondsPerStep: number
  /** Seconds a training sequence costs per multiply-add of its forward pass (backward included). */
  secondsPerMac: number
  measuredAt: string
}

/** What the estimate needs of a configuration's data (a datasets.sequences summary has it). */
export interface EstimateShape {
  mapping: string
  inputEncoding: 'values' | 'token-ids'
  inputSize: number
  outputSize: number
  tx: number
  ty: number
  train: number
  val: number
}

/** What the estimate needs of the model settings. */
export interface EstimateModel {
  model: { cell: string; hiddenSize: number; numLayers: number; bidirectional?: boolean }
  precision?: string
}

const GATES: Record<string, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 }

/** Recurrent time steps and forward multiply-adds of one sequence. */
export function sequenceCost(s: EstimateShape, m: EstimateModel): { steps: number; macs: number } {
  const H = m.model.hiddenSize,
    L = m.model.numLayers,
    G = GATES[m.model.cell] ?? 4,
    dirs = m.model.bidirectional ? 2 : 1
  const input = s.inputEncoding === 'token-ids' ? 0 : s.inputSize // token ids gather a row instead of a product
  let perStep = 0
  for (let l = 0; l < L; l++) perStep += dirs * G * H * ((l === 0 ? input : dirs * H) + H)
  const seq2seq = s.mapping === 'seq2seq'
  const steps = seq2seq ? s.tx + s.ty : Math.max(s.tx, s.ty)
  const outputs = s.mapping === 'many-to-one' || s.mapping === 'one-to-one' ? 1 : s.ty
  const decoderInput = seq2seq ? G * H * s.outputSize : 0 // the decoder reads the previous target
  return { steps, macs: steps * perStep + s.ty * decoderInput + outputs * dirs * H * s.outputSize }
}

/** Seconds per epoch (a training pass and a forward-only validation pass) on this calibration; null for float64. */
export function epochSeconds(s: EstimateShape, m: EstimateModel, cal: EngineCalibration): number | null {
  if (m.precision === 'float64') return null
  const { steps, macs } = sequenceCost(s, m)
  const perSequence = steps * cal.secondsPerStep + macs * cal.secondsPerMac
  return (s.train + s.val / 3) * perSequence
}

/** The relative error of an estimate against what was measured: +0.25 = the estimate was 25 % too high. */
export const estimateError = (estimated: number, actual: number): number | null =>
  actual > 0 && estimated > 0 ? estimated / actual - 1 : null
