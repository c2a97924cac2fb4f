// The experiments table's view state: search text, filters (status, cell, mapping, tag) and sorting,
// applied to the service's list; the list itself stays in AppState.
import type { ExperimentSummary } from './types'
import { headlineOf } from '../../../src-shared/metrics'

export type SortKey = 'id' | 'name' | 'status' | 'cell' | 'mapping' | 'metric' | 'valLoss' | 'epochs' | 'time'

const keyOf: Record<SortKey, (e: ExperimentSummary) => string | number | null> = {
  id: (e) => e.id,
  name: (e) => e.name.toLowerCase(),
  status: (e) => e.status,
  cell: (e) => e.config.model.cell,
  mapping: (e) => e.config.mapping,
  // runs of one task kind together (by the metric's name), then by its value
  metric: (e) => {
    const h = headlineOf(e.valMetrics)
    return h ? `${h.label} ${h.value.toFixed(12).padStart(24, '0')}` : null
  },
  valLoss: (e) => e.bestValLoss ?? e.valLoss,
  epochs: (e) => e.epochsDone,
  time: (e) => e.trainSeconds
}

export class ExperimentsTable {
  query = $state('')
  status = $state('')
  cell = $state('')
  mapping = $state('')
  sortKey = $state<SortKey>('id')
  sortDesc = $state(true)
  /** The experiment whose details are open. */
  focusId = $state<number | null>(null)

  private readonly source: () => ExperimentSummary[]

  constructor(source: () => ExperimentSummary[]) {
    this.source = source
  }

  rows = $derived.by(() => {
    const q = this.query.trim().toLowerCase()
    const words = q ? q.split(/\s+/) : []
    const hay = (e: ExperimentSummary) =>
      [
        e.name,
        e.status,
        e.config.model.cell,
        e.config.mapping,
        e.datasetName,
        e.config.target,
        e.notes,
        ...e.tags.map((t) => `#${t} ${t}`)
      ]
        .join(' ')
        .toLowerCase()
    const list = this.source().filter(
      (e) =>
        (!this.status || e.status === this.status) &&
        (!this.cell || e.config.model.cell === this.cell) &&
        (!this.mapping || e.config.mapping === this.mapping) &&
        words.every((w) => hay(e).includes(w))
    )
    const key = keyOf[this.sortKey],
      dir = this.sortDesc ? -1 : 1
    return list.sort((a, b) => {
      const x = key(a),
        y = key(b)
      if (x === y) return b.id - a.id
      if (x == null) return 1
      if (y == null) return -1
      return (x < y ? -1 : 1) * dir
    })
  })

  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.sortDesc = !this.sortDesc
    else {
      this.sortKey = key
      this.sortDesc = key === 'id' || key === 'epochs' || key === 'time'
    }
  }

  clearFilters(): void {
    this.query = ''
    this.status = ''
    this.cell = ''
    this.mapping = ''
  }
}
