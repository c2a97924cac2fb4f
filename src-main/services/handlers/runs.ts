// Requests that start and steer training runs: start, pause, resume, stop. A run another process trains (a CLI
// next to the app) is steered through the store's control column.
import { ConflictError, NotFoundError } from '../../../src-shared/errors'
import { checkMemory, DEFAULT_MEMORY_BUDGET } from '../memory'
import { checkColumns } from '../dataset-checks'
import { autoRunName } from '../../../src-shared/run-name'
import type { Handlers } from './types'

type RunRequest = 'experiments.start' | 'experiments.pause' | 'experiments.resume' | 'experiments.stop'

export const runHandlers: Handlers<RunRequest> = {
  'experiments.start': async (wb, { datasetId, name, config }) => {
    const dataset = wb.store.datasets.get(datasetId)
    if (!dataset) throw new NotFoundError(`datasetId: dataset ${datasetId} does not exist`)
    checkColumns(dataset.columns, config)
    checkMemory(config, dataset.rows, wb.opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET)
    await wb.sequences(datasetId, config) // refuses data the mapping cannot use, before a run exists
    const id = wb.store.experiments.create(datasetId, name ?? autoRunName(config, dataset.name), config)
    wb.training.enqueue(id)
    return { experimentId: id }
  },
  'experiments.pause': async (wb, { id }) => {
    wb.mustGet(id)
    if (wb.training.isRunning(id)) return { ok: wb.training.pause(id) }
    if (wb.store.experiments.isLive(id)) {
      wb.store.experiments.requestControl(id, 'pause')
      return { ok: true }
    }
    return { ok: false }
  },
  'experiments.resume': async (wb, { id }) => {
    const e = wb.mustGet(id)
    if (wb.training.isRunning(id)) return { ok: wb.training.unpause(id) }
    if (wb.training.isQueued(id)) return { ok: false }
    if (wb.store.experiments.isLive(id)) {
      wb.store.experiments.requestControl(id, 'resume')
      return { ok: true }
    }
    if (e.status === 'completed') throw new ConflictError(`experiment ${id} has completed; duplicate it to train again`)
    wb.training.enqueue(id, e.status !== 'draft')
    return { ok: true }
  },
  'experiments.stop': async (wb, { id }) => {
    const e = wb.mustGet(id)
    if (wb.training.stop(id)) return { ok: true }
    if (wb.store.experiments.isLive(id)) {
      wb.store.experiments.requestControl(id, 'stop')
      return { ok: true }
    }
    if (e.status === 'interrupted' || e.status === 'draft') {
      wb.store.experiments.finish(id, 'stopped', null)
      wb.bus.emit('experiments.changed', { experimentId: id })
      return { ok: true }
    }
    return { ok: false }
  }
}
