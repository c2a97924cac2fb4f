// Requests on an experiment's trained model: export it, predict with it, look inside it.
import { join } from 'node:path'
import type { Inspection } from '../../../src-shared/contract'
import { runTask, newTaskId } from '../tasks'
import type { Handlers } from './types'
import { exportsDir } from '../downloads'
import { checkNoSymlinks } from '../../out-path'

type ModelRequest = 'models.export' | 'models.predict' | 'experiments.inspect'

export const modelHandlers: Handlers<ModelRequest> = {
  'models.export': async (wb, { id, format }) => {
    const dir = exportsDir(wb.opts.dataDir, id)
    const path =
      format === 'json'
        ? join(dir, 'model.json')
        : format === 'onnx'
          ? join(dir, 'onnx', 'model.onnx')
          : join(dir, format)
    checkNoSymlinks(wb.opts.dataDir, path)
    return wb.exportModel(id, format, path)
  },
  'models.predict': async (wb, { id, datasetId, steps, temperature, seed }) =>
    wb.predictDataset(id, datasetId, { steps, temperature, seed }),
  'experiments.inspect': async (wb, { id, probe }) => {
    const e = wb.mustGet(id)
    const model = wb.savedModel(id)
    const bytesGz = new Uint8Array(wb.store.datasets.bytesGz(e.datasetId)!)
    let result: Inspection | undefined
    await runTask(
      wb.opts.workerFactory,
      {
        type: 'inspect',
        taskId: newTaskId(),
        bytesGz,
        importOptions: wb.store.datasets.importOptions(e.datasetId),
        config: e.config,
        model,
        probe
      },
      (m) => {
        if (m.type === 'inspected') result = m.inspection
      },
      [bytesGz.buffer as ArrayBuffer]
    ).done
    return result!
  }
}
