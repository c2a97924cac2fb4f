// Sequences task: what a config makes of a dataset (shapes, sizes, a few (X, Y) pairs, the model's
// parameter count), computed off the main thread for the mapping preview.
import { gunzipSync } from 'node:zlib'
import { csvOptions, parseCsv } from '../data/csv'
import { modelSpecOf } from '../trainer'
import { Model } from '../engine/model'
import { buildSequences, toTrainConfig, toTrainData } from './build-data'
import type { FromWorker, ToWorker } from '../protocol'

export function runSequences(msg: ToWorker & { type: 'sequences' }, post: (m: FromWorker) => void): void {
  const table = parseCsv(new Uint8Array(gunzipSync(msg.bytesGz)), csvOptions(msg.importOptions))
  const sd = buildSequences(table, msg.config)
  const data = toTrainData(sd)
  const spec = modelSpecOf(toTrainConfig(msg.config), data, !!data.tokens)
  post({
    type: 'sequences',
    taskId: msg.taskId,
    summary: {
      mapping: sd.mapping,
      task: sd.task,
      inputEncoding: sd.inputEncoding,
      inputSize: sd.inputSize,
      outputSize: sd.outputSize,
      tx: sd.tx,
      ty: sd.ty,
      train: sd.train.n,
      val: sd.val.n,
      shapes: sd.shapes,
      preview: sd.preview.slice(0, 5).map((p) => ({ ...p, y: Array.isArray(p.y) ? p.y : [p.y] })),
      classes: sd.classes,
      inputVocabSize: sd.inputVocab?.length,
      targetVocabSize: sd.targetVocab?.length,
      parameters: new Model(spec, 'float32', 1).layout.size,
      warnings: sd.warnings
    }
  })
}
