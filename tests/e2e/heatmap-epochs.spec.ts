// A long stored run keeps heatmaps for a log-spaced set of epochs and the newest only: the internals card's epoch
// slider steps through exactly those epochs, says which they are, and draws the picked epoch's heatmaps.
import { expect, test } from './helpers/app'
import { callApi } from './helpers/seed'
import { experimentConfig } from '../../src-shared/contract'
import { Store } from '../../src-main/store/index'
import { MAX_PROBES } from '../../src-shared/probe-retention'
import { scrollToCard, shot } from './helpers/ui'

const EPOCHS = 300,
  T = 12,
  H = 8

/** An LSTM epoch's diagnostics whose probe values follow the epoch, so each epoch's heatmaps differ. */
function diagnosticsOf(e: number) {
  const m = (g: number) =>
    Array.from({ length: T }, (_, t) =>
      Array.from({ length: H }, (_, j) => Math.round(Math.sin(e + g + t * 0.3 + j) * 1e4) / 1e4)
    )
  return {
    gateNames: ['i', 'f', 'g', 'o'],
    gateMeans: [[0.5, 0.6, 0.1, 0.4]],
    probe: { gates: [0, 1, 2, 3].map(m), hidden: m(9) },
    dhNorm: Array(T).fill(0.1),
    gradNorm: 1,
    meanGradNorm: 1,
    clippedFraction: 0,
    params: []
  }
}

function storeRun(dataDir: string, datasetId: number): number {
  const store = Store.open(dataDir)
  try {
    const config = experimentConfig.parse({
      mapping: 'many-to-one',
      target: 'CO2',
      window: T,
      model: { cell: 'lstm', hiddenSize: H },
      optimizer: { kind: 'adam', lr: 0.01 },
      epochs: EPOCHS
    })
    const id = store.experiments.create(datasetId, 'heatmaps of 300 epochs', config)
    for (let e = 1; e <= EPOCHS; e++)
      store.experiments.writeMetrics(id, [], {
        epoch: e,
        trainLoss: 1 / e,
        valLoss: 1.1 / e,
        seconds: 1,
        diagnostics: diagnosticsOf(e)
      })
    store.experiments.finish(id, 'stopped', null)
    return id
  } finally {
    store.close()
  }
}

test('the heatmap epoch slider steps through the epochs that keep heatmaps and says which they are', async ({
  page,
  app
}) => {
  const ds = await callApi<{ id: number }>(page, 'datasets.import', {
    source: { kind: 'sample', sample: 'co2-monthly' }
  })
  const id = storeRun(app.dataDir, ds.id)
  await page.reload()
  await page.locator(`[data-testid="experiment-item"][data-id="${id}"]`).click()
  const card = page.getByTestId('internals-card')
  await expect(card).toHaveAttribute('data-latest-epoch', String(EPOCHS))
  const slider = card.getByTestId('heatmap-epoch-slider')
  await expect(slider).toHaveAttribute('max', String(MAX_PROBES - 1))
  const list = card.getByTestId('heatmap-epoch-list')
  await expect(list).toContainText(/Heatmaps are kept for epochs 1, 2, .*, 300 \(a log-spaced set and the newest\)/)
  const kept = ((await list.textContent()) ?? '')
    .match(/epochs ([\d, ]+) \(/)![1]!
    .split(', ')
    .map(Number)
  expect(kept).toHaveLength(MAX_PROBES)
  await expect(card.getByTestId('heatmap-epoch')).toHaveText(`newest (${EPOCHS})`)

  await slider.fill('0')
  await expect(card.getByTestId('heatmap-epoch')).toHaveText('1')
  await expect(card.getByTestId('gate-heatmaps')).toContainText('epoch 1, first validation sequence')
  await slider.fill('5')
  await expect(card.getByTestId('heatmap-epoch')).toHaveText(String(kept[5]))
  await expect(card.getByTestId('gate-heatmaps')).toContainText(`epoch ${kept[5]}, first validation sequence`)
  for (const [w, h] of [
    [1024, 700],
    [1440, 900]
  ]) {
    await page.setViewportSize({ width: w, height: h })
    await scrollToCard(page, 'internals-card')
    await shot(page, `heatmap-epochs-${w}`)
  }
})
