// Numbers and notes a newcomer can trust: the Model card's time estimate comes from this machine's measured speed
// and a run's details show it against the real time; "Duplicate & edit" says the form is a copy of run N and what
// changed; switching to another file says which settings were kept and which reset; Compare draws the runs'
// metric in the data's units with their baselines dashed; a one-to-one run's gradient chart says why it has no
// flow over time. Screenshots at 1024×700 and 1440×900.
import { expect, test } from './helpers/app'
import { callApi, seedRuns, seedSample } from './helpers/seed'
import { scrollToCard, shot } from './helpers/ui'

test('estimate from the calibration, its error in the run details, a copy of run N, settings carried to a new file', async ({
  page
}) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.getByTestId('sample-co2-monthly').click()
  const estimate = page.getByTestId('epoch-estimate')
  await expect(estimate).toContainText('≈', { timeout: 60_000 })
  await expect(estimate).toHaveAttribute('title', /Measured on this machine \(.*thread/)
  await page.getByTestId('epochs-input').fill('3')
  await page.getByTestId('train-button').click()
  await expect(page.getByTestId('train-button')).toBeEnabled({ timeout: 60_000 })
  await shot(page, '70-estimate-1024')

  // the run's details: its estimate per epoch against what its epochs took
  await page.getByTestId('tab-experiments').click()
  await page.getByTestId('exp-row').first().getByTestId('exp-name').click()
  await expect(page.getByTestId('exp-estimate')).toContainText(
    /estimated .* per epoch, took .* \(median of 3 epochs; estimate (\d+ % (high|low)|exact)\)/
  )
  await expect(page.getByTestId('exp-events')).toContainText("from this machine's measured speed", {
    useInnerText: false
  })
  const id = Number(await page.getByTestId('exp-details').getAttribute('data-id'))
  await shot(page, '70b-run-estimate-1024')

  // Duplicate & edit: the form says whose copy it is and what changed, until the copy is trained
  await page.getByTestId('exp-duplicate-edit').click()
  const note = page.getByTestId('copy-note')
  await expect(note).toContainText(`Editing a copy of #${id}`)
  await expect(page.getByTestId('copy-changes')).toContainText('Nothing changed yet')
  await page.getByTestId('hidden-input').fill('24')
  await expect(page.getByTestId('copy-changes')).toContainText('hidden size 32 → 24')
  await scrollToCard(page, 'copy-note')
  await shot(page, '71-copy-note-1024')
  await page.setViewportSize({ width: 1440, height: 900 })
  await shot(page, '71b-copy-note-1440')

  // another file: what fits is kept, the rest reset, and the form says which
  await page.getByTestId('sample-seattle-weather').click()
  const carried = page.getByTestId('carry-note')
  await expect(carried).toContainText('Settings carried to')
  await expect(page.getByTestId('carry-reset')).toContainText('target "CO2"')
  await expect(page.getByTestId('carry-kept')).toContainText('the model and training settings')
  await expect(note).toHaveCount(0)
  await shot(page, '72-carried-1440')
})

test('Compare draws the metric in the data units with dashed baselines; a one-step run says why its gradient chart is flat', async ({
  page
}) => {
  const [a, b] = await seedRuns(page, [
    { name: 'small', hidden: 8, epochs: 3 },
    { name: 'bigger', hidden: 16, epochs: 3 }
  ])
  const one = await seedSample(page, 'seattle-weather-day', 'gru')
  await page.reload()
  await page.getByTestId('tab-experiments').click()
  for (const id of [a, b, one])
    await expect(page.locator(`[data-testid="exp-row"][data-id="${id}"]`)).toHaveAttribute('data-status', 'completed', {
      timeout: 90_000
    })
  for (const id of [a, b])
    await page.locator(`[data-testid="exp-row"][data-id="${id}"]`).getByTestId('exp-select').check()
  await page.getByTestId('compare-button').click()
  const metric = page.getByTestId('compare-metric-chart')
  await expect(metric).toHaveAttribute('data-baselines', '2') // persistence and seasonal naive, shared by both runs
  await expect(page.getByTestId('compare-metric-frame')).toContainText('RMSE (CO2)')
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-lines', '4')
  await page.setViewportSize({ width: 1440, height: 900 })
  await shot(page, '73-compare-baselines-1440')
  await page.setViewportSize({ width: 1024, height: 700 })
  await shot(page, '73b-compare-baselines-1024')

  // one-to-one: one time step per sample, so the chart shows ‖∂L/∂h₁‖ over epochs and says so
  await page.getByTestId('tab-train').click()
  await page.locator(`[data-testid="experiment-item"][data-id="${one}"]`).click()
  await expect(page.getByTestId('gradient-one-step')).toContainText('single time step')
  await scrollToCard(page, 'gradient-flow')
  await shot(page, '74-one-step-gradient-1024')
  expect(await callApi(page, 'engine.calibration', {})).toMatchObject({ engine: expect.stringContaining('thread') })
})
