// Export tasks: write a trained model in one format and verify it with an independent runtime (onnxruntime, TF.js,
// PyTorch or the safetensors reader), or write a run's PyTorch training project (its tensors rebuilt from the stored
// CSV as training built them) — heavy work kept off the main thread.
import { gunzipSync } from 'node:zlib'
import { exportModel } from '../export/export-model'
import { writeProject } from '../export/pytorch-project'
import { csvOptions, parseCsv } from '../data/csv'
import { buildSequences, toTrainData } from './build-data'
import type { FromWorker, ToWorker } from '../protocol'

export async function runExport(msg: ToWorker & { type: 'export' }, post: (m: FromWorker) => void): Promise<void> {
  if (msg.format === 'pytorch-project') throw new Error("a pytorch-project export needs the run's data (exportProject)")
  const report = await exportModel(msg.model, msg.format, msg.outPath)
  post({ type: 'exported', taskId: msg.taskId, report })
}

export async function runExportProject(
  msg: ToWorker & { type: 'exportProject' },
  post: (m: FromWorker) => void
): Promise<void> {
  const table = parseCsv(new Uint8Array(gunzipSync(msg.bytesGz)), csvOptions(msg.importOptions))
  const data = toTrainData(buildSequences(table, msg.config))
  const report = await writeProject(
    { model: msg.model, config: msg.config, data, source: msg.source, log: msg.log },
    msg.outPath
  )
  post({ type: 'exported', taskId: msg.taskId, report })
}
