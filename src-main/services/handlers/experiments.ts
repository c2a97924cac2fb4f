// Requests that read and edit experiments: list, get, compare, diagnostics, update, duplicate, repeat, delete.
import { ConflictError, InputError, NotFoundError } from '../../../src-shared/errors'
import { buildComparison } from '../compare'
import { checkMemory, DEFAULT_MEMORY_BUDGET } from '../memory'
import { checkColumns } from '../dataset-checks'
import { importRun } from '../import-run'
import type { Handlers } from './types'
import { rmSync } from 'node:fs'
import { exportsDir } from '../downloads'

type ExperimentRequest =
  | 'experiments.list'
  | 'experiments.get'
  | 'experiments.compare'
  | 'experiments.diagnostics'
  | 'experiments.update'
  | 'experiments.duplicate'
  | 'experiments.repeat'
  | 'experiments.delete'
  | 'experiments.importRun'

export const experimentHandlers: Handlers<ExperimentRequest> = {
  'experiments.importRun': async (wb, { dir, checkpoint }) => ({ experimentId: importRun(wb, dir, checkpoint) }),
  'experiments.list': async (wb) => wb.store.experiments.list(),
  'experiments.get': async (wb, { id }) => {
    const e = wb.store.experiments.detail(id)
    if (!e) throw new NotFoundError(`experiment ${id} does not exist`)
    return e
  },
  'experiments.compare': async (wb, { ids }) => {
    if (new Set(ids).size !== ids.length) throw new InputError('ids: the same experiment is listed twice')
    return buildComparison(
      ids.map((i) => {
        const d = wb.store.experiments.detail(i)
        if (!d) throw new NotFoundError(`ids: experiment ${i} does not exist`)
        return { summary: d, epochs: d.epochs, steps: d.steps, diagnostics: wb.store.experiments.diagnostics(i) }
      })
    )
  },
  'experiments.diagnostics': async (wb, { id }) => {
    wb.mustGet(id)
    return wb.store.experiments.diagnostics(id)
  },
  'experiments.update': async (wb, { id, ...patch }) => {
    wb.mustGet(id)
    wb.store.experiments.update(id, patch)
    wb.bus.emit('experiments.changed', { experimentId: id })
    return wb.mustGet(id)
  },
  'experiments.duplicate': async (wb, { id, name, config, start }) => {
    const e = wb.mustGet(id)
    const dataset = wb.store.datasets.get(e.datasetId)!
    const cfg = config ?? e.config
    checkColumns(dataset.columns, cfg)
    checkMemory(cfg, dataset.rows, wb.opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET)
    const newId = wb.store.experiments.create(e.datasetId, name ?? `${e.name} (copy)`, cfg, { tags: e.tags })
    wb.store.experiments.addEvent(newId, 'duplicated', { from: id })
    if (start) wb.training.enqueue(newId)
    else wb.bus.emit('experiments.changed', { experimentId: newId })
    return { experimentId: newId }
  },
  'experiments.repeat': async (wb, { id, seeds }) => {
    const e = wb.mustGet(id)
    const groupId = e.groupId ?? e.id
    if (e.groupId == null) wb.store.db.prepare('UPDATE experiments SET group_id = ? WHERE id = ?').run(groupId, id)
    const ids: number[] = []
    for (const seed of seeds) {
      const config = { ...e.config, seed }
      const newId = wb.store.experiments.create(e.datasetId, `${e.name} (seed ${seed})`, config, {
        groupId,
        tags: e.tags
      })
      wb.store.experiments.addEvent(newId, 'repeated', { from: id, seed })
      ids.push(newId)
      wb.training.enqueue(newId)
    }
    return { experimentIds: ids }
  },
  'experiments.delete': async (wb, { id }) => {
    wb.mustGet(id)
    if (wb.training.isRunning(id) || wb.training.isQueued(id) || wb.store.experiments.isLive(id)) {
      throw new ConflictError(`experiment ${id} is training; stop it before deleting it`)
    }
    if (wb.fileJobs.busy(id))
      throw new ConflictError(`experiment ${id} is being exported or predicted; delete it once that has finished`)
    const ok = wb.store.experiments.delete(id)
    // its export and prediction files go with it (ids are never reused, so no later run would show them)
    rmSync(exportsDir(wb.opts.dataDir, id), { recursive: true, force: true })
    wb.bus.emit('experiments.changed', { experimentId: id })
    return { ok }
  }
}
