// The Experiments table: search words (names, tags, notes, settings), filters, and sorting with runs
// that have no value last.
import { describe, expect, it } from 'vitest'
import { AppState } from '../../../src-renderer/lib/state/app-state.svelte'
import { ExperimentsTable } from '../../../src-renderer/lib/state/experiments-table.svelte'
import { config, experiment } from './fixtures'

function table() {
  const app = new AppState()
  app.experiments = [
    experiment(1, { name: 'Baseline', tags: ['sunspots'], bestValLoss: 0.3, status: 'completed' }),
    experiment(2, {
      name: 'wide gru',
      config: config({ model: { hiddenSize: 64, cell: 'gru' } }),
      bestValLoss: null,
      valLoss: null,
      status: 'failed'
    }),
    experiment(3, { name: 'deep', notes: 'two layers, dropout', bestValLoss: 0.2, trainSeconds: 50 }),
    experiment(4, { name: 'text', config: config({ mapping: 'seq2seq', window: 8, horizon: 2 }), bestValLoss: 0.2 })
  ]
  return { app, t: new ExperimentsTable(() => app.experiments) }
}

describe('ExperimentsTable', () => {
  it('lists newest first, and follows the list as it changes', () => {
    const { app, t } = table()
    expect(t.rows.map((e) => e.id)).toEqual([4, 3, 2, 1])
    app.experiments = [...app.experiments, experiment(5)]
    expect(t.rows[0]!.id).toBe(5)
  })

  it('finds runs by every word of the search, in names, #tags, notes and settings', () => {
    const { t } = table()
    t.query = '#sunspots'
    expect(t.rows.map((e) => e.id)).toEqual([1])
    t.query = '  Dropout   deep '
    expect(t.rows.map((e) => e.id)).toEqual([3])
    t.query = 'gru failed'
    expect(t.rows.map((e) => e.id)).toEqual([2])
    t.query = 'gru completed'
    expect(t.rows).toEqual([])
  })

  it('filters by status, cell and mapping together, and clearFilters shows everything again', () => {
    const { t } = table()
    t.status = 'completed'
    t.mapping = 'seq2seq'
    expect(t.rows.map((e) => e.id)).toEqual([4])
    t.cell = 'gru'
    expect(t.rows).toEqual([])
    t.query = 'x'
    t.clearFilters()
    expect(t.rows).toHaveLength(4)
  })

  it('sorts by the best validation loss, runs without one last and ties newest first; a second click reverses', () => {
    const { t } = table()
    t.sortBy('valLoss')
    expect(t.sortDesc).toBe(false)
    expect(t.rows.map((e) => e.id)).toEqual([4, 3, 1, 2])
    t.sortBy('valLoss')
    expect(t.rows.map((e) => e.id)).toEqual([1, 4, 3, 2])
    t.sortBy('time')
    expect(t.sortDesc).toBe(true)
    expect(t.rows[0]!.id).toBe(3)
    t.sortBy('name')
    expect(t.rows.map((e) => e.name)).toEqual(['Baseline', 'deep', 'text', 'wide gru'])
  })
})
