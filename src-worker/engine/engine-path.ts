// Which engine path float32 training takes on this machine (the native kernels in use and their instruction set,
// the WebAssembly variant, the threads of a run and the CPU), as one string: a time calibration measured on one path is not reused on another.
import { cpus } from 'node:os'
import { wasm } from './wasm/runtime.js'

export function enginePath(threads: number): string {
  const native = wasm?.native ? `native ${wasm.native.isa} (${wasm.native.names.length} kernels) + ` : ''
  const kernels = wasm ? `${native}WebAssembly ${wasm.variant}` : 'TypeScript'
  const cpu = cpus()[0]?.model?.trim() || 'unknown CPU'
  return `${kernels} · ${threads} thread${threads === 1 ? '' : 's'} · ${cpu}`
}
