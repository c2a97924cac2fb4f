// Export task: writes a trained model in one format and verifies it with an independent runtime
// (onnxruntime, TF.js, the safetensors reader) — heavy work kept off the main thread.
import { exportModel } from '../export/export-model'
import type { FromWorker, ToWorker } from '../protocol'

export async function runExport(msg: ToWorker & { type: 'export' }, post: (m: FromWorker) => void): Promise<void> {
  const report = await exportModel(msg.model, msg.format, msg.outPath)
  post({ type: 'exported', taskId: msg.taskId, report })
}
