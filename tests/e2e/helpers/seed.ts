// Seeding runs for e2e specs: import the CO2 sample and start LSTM runs through the page's own API
// (same origin, same token cookie), so a spec can begin where its screen's story starts.
import type { Page } from '@playwright/test'

export interface SeedRun { name: string; hidden: number; epochs?: number; batch?: number }

export function seedRuns(page: Page, runs: SeedRun[]): Promise<number[]> {
  return page.evaluate(async (runs) => {
    const post = async (m: string, a: unknown) => {
      const r = await fetch('/api/' + m, { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(a) })
      const j = await r.json()
      if (!('result' in j)) throw new Error(`${m}: ${JSON.stringify(j.error)}`)
      return j.result
    }
    const ds = await post('datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    const ids: number[] = []
    for (const r of runs) {
      const config = { mapping: 'many-to-one', target: 'CO2', window: 12, model: { cell: 'lstm', hiddenSize: r.hidden }, optimizer: { kind: 'adam', lr: 0.01 }, epochs: r.epochs ?? 4, batchSize: r.batch ?? 16 }
      ids.push((await post('experiments.start', { datasetId: ds.id, name: r.name, config })).experimentId)
    }
    return ids
  }, runs)
}
