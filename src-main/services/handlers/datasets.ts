// Requests about datasets: import (a shipped sample, uploaded bytes, or a stored dataset read again), list, read, and what a config makes of one.
import { basename, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { InputError, NotFoundError } from '../../../src-shared/errors'
import { SAMPLES } from '../samples'
import { importLimit } from '../dataset-checks'
import type { Handlers } from './types'

type DatasetRequest =
  'datasets.import' | 'datasets.cancelImport' | 'datasets.list' | 'datasets.get' | 'datasets.sequences'

export const datasetHandlers: Handlers<DatasetRequest> = {
  'datasets.import': async (wb, { name, source, importId, options, reuse }) => {
    if (source.kind === 'sample') {
      const sample = SAMPLES.find((s) => s.id === source.sample)
      if (!sample) throw new InputError(`source.sample: no sample named "${source.sample}"`)
      return wb.importPath(join(wb.opts.samplesDir, sample.file), name ?? sample.title, { importId, options, reuse })
    }
    if (source.kind === 'dataset') {
      const d = wb.store.datasets.get(source.datasetId)
      const gz = wb.store.datasets.bytesGz(source.datasetId)
      if (!d || !gz) throw new NotFoundError(`source.datasetId: dataset ${source.datasetId} does not exist`)
      const bytes = new Uint8Array(gunzipSync(gz))
      const replaces = source.replace ? source.datasetId : undefined
      return wb.importSource({ bytes }, d.fileName, name ?? d.name, { importId, options, reuse, replaces })
    }
    const buf = Buffer.from(source.base64, 'base64')
    if (buf.byteLength > importLimit())
      throw new InputError(`source.base64: the file is larger than ${importLimit()} bytes`)
    const bytes = new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
    return wb.importSource({ bytes }, basename(source.fileName), name, { importId, options, reuse })
  },
  'datasets.cancelImport': async (wb, { importId }) => ({ ok: wb.cancelImport(importId) }),
  'datasets.list': async (wb) => wb.store.datasets.list(),
  'datasets.get': async (wb, { id }) => {
    const d = wb.store.datasets.get(id)
    if (!d) throw new NotFoundError(`dataset ${id} does not exist`)
    return d
  },
  'datasets.sequences': async (wb, { datasetId, config }) => wb.sequences(datasetId, config)
}
