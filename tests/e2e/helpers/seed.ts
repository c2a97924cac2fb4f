// Seeding for e2e specs, so that a spec can begin where its screen's story starts. Requests go through
// the page's own way to the service — window.workbench (Electron's preload bridge) when it exists,
// else browser mode's /api with the page's token (from its address) in the X-Workbench-Token header — so the same helpers work in both shells.
// Long stored curves are written straight into the data folder's store (helpers/store.ts).
import type { Page } from '@playwright/test'

/** One contract request from inside the page; throws the service's error message. */
export function callApi<T = unknown>(page: Page, method: string, args: unknown = {}): Promise<T> {
  return page.evaluate(
    async ({ method, args }) => {
      const bridge = (window as unknown as { workbench?: Record<string, (a: unknown) => Promise<unknown>> }).workbench
      if (bridge) return bridge[method]!(args) as Promise<T>
      const r = await fetch('/api/' + method, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-workbench-token': new URLSearchParams(location.search).get('token') ?? ''
        },
        body: JSON.stringify(args)
      })
      const j = await r.json()
      if (!('result' in j)) throw new Error(`${method}: ${JSON.stringify(j.error)}`)
      return j.result as T
    },
    { method, args }
  )
}

export interface SeedRun {
  name: string
  hidden: number
  epochs?: number
  batch?: number
  /** predict the change: first differences of this order */
  difference?: number
}

/** Imports the CO2 sample and starts one many-to-one LSTM run per entry; returns their ids. */
export async function seedRuns(page: Page, runs: SeedRun[]): Promise<number[]> {
  const ds = await callApi<{ id: number }>(page, 'datasets.import', {
    source: { kind: 'sample', sample: 'co2-monthly' }
  })
  const ids: number[] = []
  for (const r of runs) {
    const config = {
      mapping: 'many-to-one',
      target: 'CO2',
      window: 12,
      model: { cell: 'lstm', hiddenSize: r.hidden },
      optimizer: { kind: 'adam', lr: 0.01 },
      epochs: r.epochs ?? 4,
      batchSize: r.batch ?? 16,
      ...(r.difference ? { difference: r.difference } : {})
    }
    ids.push(
      (await callApi<{ experimentId: number }>(page, 'experiments.start', { datasetId: ds.id, name: r.name, config }))
        .experimentId
    )
  }
  return ids
}

/** Imports a sample and starts a small run with the mapping the sample suggests. */
export async function seedSample(page: Page, sample: string, cell: string): Promise<number> {
  const info = await callApi<{ samples: { id: string; suggested: Record<string, unknown> }[] }>(page, 'app.info')
  const suggested = info.samples.find((s) => s.id === sample)!.suggested
  const ds = await callApi<{ id: number }>(page, 'datasets.import', { source: { kind: 'sample', sample } })
  const config = {
    ...suggested,
    model: { cell, hiddenSize: 8 },
    optimizer: { kind: 'adam', lr: 0.01 },
    epochs: 2,
    batchSize: 32
  }
  return (
    await callApi<{ experimentId: number }>(page, 'experiments.start', {
      datasetId: ds.id,
      name: `${sample} ${cell}`,
      config
    })
  ).experimentId
}
