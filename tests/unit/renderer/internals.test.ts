// The run's per-epoch diagnostics: the stored ones (experiments.diagnostics) joined with the live
// training.epoch events, including those that arrive while the stored ones load.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { asDiagnostics, Internals, layerNames } from '../../../src-renderer/lib/state/internals.svelte'
import { logTickLabels } from '../../../src-renderer/lib/chart/palette'
import { internalsOf } from '../../../src-main/services/compare'
import { deferred, service } from './fake-api'
import { diagnostics } from './fixtures'
import { MAX_PROBES } from '../../../src-shared/probe-retention'

vi.mock('../../../src-renderer/lib/api', async (original) => ({
  ...(await original<object>()),
  ...(await import('./fake-api')).api
}))

beforeEach(() => service.reset())

describe('asDiagnostics', () => {
  it('refuses what lacks gate names, gate means or ‖∂L/∂h_t‖, and gives an epoch without a probe empty heatmaps', () => {
    expect(asDiagnostics(1, null)).toBeNull()
    expect(asDiagnostics(1, 'x')).toBeNull()
    expect(asDiagnostics(1, { ...diagnostics(), dhNorm: undefined })).toBeNull()
    const d = asDiagnostics(3, { ...diagnostics(false), gradNorm: undefined })!
    expect(d.epoch).toBe(3)
    expect(d.probe).toEqual({ gates: [], hidden: [] })
    expect(d.gradNorm).toBeNaN()
  })
})

describe('chart labels', () => {
  it("names a seq2seq model's layers encoder and decoder, others' by number", () => {
    expect(layerNames('seq2seq', 2)).toEqual(['encoder', 'decoder'])
    expect(layerNames('seq2seq', 4)).toEqual(['encoder L1', 'encoder L2', 'decoder L1', 'decoder L2'])
    expect(layerNames('many-to-one', 2)).toEqual(['L1', 'L2'])
    expect(layerNames('many-to-one', 1)).toEqual([''])
  })

  it('labels a log axis without crowding: powers of ten over two decades, 1-2-5 over less', () => {
    const wide = [1e-4, 2e-4, 5e-4, 1e-3, 3e-3, 1e-2, 4e-2, 1e-1]
    expect(logTickLabels(wide)).toEqual(['1e-4', '', '', '0.001', '', '0.01', '', '0.1'])
    expect(logTickLabels([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1])).toEqual(['0.1', '0.2', '', '', '0.5', '', '', '1'])
    expect(logTickLabels([0.045, 0.046, 0.048, 0.05])).toEqual(['0.045', '0.046', '0.048', '0.05'])
  })

  it("compares a GRU's update gate z where an LSTM has its forget gate f; a plain RNN has none", () => {
    const gru = internalsOf([{ epoch: 1, diagnostics: { gateNames: ['r', 'z', 'n'], gateMeans: [[0.1, 0.7, 0.3]] } }])
    expect(gru.forgetGateMean).toEqual([{ epoch: 1, value: 0.7 }])
    const lstm = internalsOf([
      { epoch: 2, diagnostics: { gateNames: ['i', 'f', 'g', 'o'], gateMeans: [[0, 0.9, 0, 0]] } }
    ])
    expect(lstm.forgetGateMean).toEqual([{ epoch: 2, value: 0.9 }])
    expect(internalsOf([{ epoch: 1, diagnostics: { gateNames: ['h'], gateMeans: [[0.5]] } }]).forgetGateMean).toEqual(
      []
    )
  })
})

describe('Internals', () => {
  it('joins the stored epochs with events that arrived during the load (the event wins an epoch), oldest first', async () => {
    const rows = deferred<{ epoch: number; diagnostics: unknown }[]>()
    service.reply('experiments.diagnostics', () => rows.promise)
    const s = new Internals()
    const loading = s.load(4)
    expect(s.loading).toBe(true)
    s.add(4, 3, { ...diagnostics(), gradNorm: 9 })
    s.add(4, 2, { ...diagnostics(false), gradNorm: 7 })
    s.add(5, 4, diagnostics())
    rows.resolve([
      { epoch: 1, diagnostics: diagnostics() },
      { epoch: 2, diagnostics: diagnostics() },
      { epoch: 0, diagnostics: 'damaged' }
    ])
    await loading
    expect(s.loading).toBe(false)
    expect(s.epochs.map((d) => [d.epoch, d.gradNorm])).toEqual([
      [1, 1.5],
      [2, 7],
      [3, 9]
    ])
    expect(s.latest?.epoch).toBe(3)
  })

  it('keeps the probe heatmaps the store keeps: a bounded log-spaced set of epochs and the newest', () => {
    const s = new Internals()
    s.reset(1)
    s.add(1, 1, diagnostics())
    s.add(1, 2, diagnostics())
    s.add(1, 3, diagnostics(false))
    expect(s.epochs.map((d) => d.probe.gates.length)).toEqual([1, 1, 0])
    expect(s.latestProbe?.epoch).toBe(2)
    expect(s.latest?.epoch).toBe(3)
    for (let e = 4; e <= 200; e++) s.add(1, e, diagnostics())
    expect(s.epochs).toHaveLength(200)
    const kept = s.withProbes.map((d) => d.epoch)
    expect(kept).toHaveLength(MAX_PROBES)
    expect([kept[0], kept.at(-1)]).toEqual([1, 200])
    expect(s.latestProbe?.epoch).toBe(200)
  })

  it('ignores a load that finishes after another run was put on screen', async () => {
    const first = deferred<{ epoch: number; diagnostics: unknown }[]>()
    service.reply('experiments.diagnostics', ({ id }) =>
      id === 1 ? first.promise : [{ epoch: 5, diagnostics: diagnostics() }]
    )
    const s = new Internals()
    const a = s.load(1)
    await s.load(2)
    first.resolve([{ epoch: 1, diagnostics: diagnostics() }])
    await a
    expect(s.experimentId).toBe(2)
    expect(s.epochs.map((d) => d.epoch)).toEqual([5])
  })

  it('shows the error of a failed load and stays empty, then takes live epochs', async () => {
    service.reply('experiments.diagnostics', () => {
      throw new Error('experiment 8 does not exist')
    })
    const s = new Internals()
    await s.load(8)
    expect(s).toMatchObject({ error: 'experiment 8 does not exist', loading: false, epochs: [] })
    s.add(8, 1, diagnostics())
    expect(s.epochs).toHaveLength(1)
  })
})
