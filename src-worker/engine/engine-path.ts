// Which engine path float32 training takes on this machine (the kernels behind gemm.ts, the threads of a run and
// the CPU), as one string: a time calibration measured on one path is not reused on another.
import { cpus } from 'node:os'
import { wasm } from './wasm/runtime.js'

export function enginePath(threads: number): string {
  const kernels = wasm ? `WebAssembly ${wasm.variant}` : 'TypeScript'
  const cpu = cpus()[0]?.model?.trim() || 'unknown CPU'
  return `${kernels} · ${threads} thread${threads === 1 ? '' : 's'} · ${cpu}`
}
