// Model export helpers (pure Node modules, no Electron): the public surface for the CLI and services.
export {
  exportModel,
  EXPORT_FORMATS,
  VERIFY_TOLERANCE,
  type ExportFormat,
  type ExportOptions,
  type ExportReport
} from './export-model'
export { loadNativeModel, parseNativeModel, nativeJson, NATIVE_FORMAT } from './native'
export { buildOnnx, ONNX_OPSET } from './onnx'
export { buildTfjs } from './tfjs'
export { buildPytorch, readPytorchWeights } from './pytorch'
export { encodeSafetensors, decodeSafetensors } from './safetensors'
