// The comparison of ticked runs: which curves are drawn for the chosen x axis and loss, the seed groups'
// mean ± std bands, smoothing (display only), and what a failed or superseded request leaves.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { CompareState, smooth, type Comparison } from '../../../src-renderer/lib/state/compare.svelte'
import { deferred, service } from './fake-api'
import { experiment } from './fixtures'

vi.mock('../../../src-renderer/lib/api', async (original) => ({
  ...(await original<object>()),
  ...(await import('./fake-api')).api
}))

beforeEach(() => service.reset())

const epochs = (losses: [number, number | null][]) =>
  losses.map(([trainLoss, valLoss], i) => ({ epoch: i + 1, trainLoss, valLoss, seconds: 2 }))

function comparison(): Comparison {
  return {
    experiments: [experiment(1, { name: 'small' }), experiment(2, { name: 'large' })],
    config: [],
    internals: [],
    curves: [
      {
        id: 1,
        epochs: epochs([
          [1, 1.2],
          [0.8, NaN],
          [0.6, 0.9]
        ]),
        steps: [
          { step: 1, epoch: 1, loss: 1.1 },
          { step: 2, epoch: 1, loss: null }
        ]
      },
      { id: 2, epochs: epochs([[0.9, 1.0]]), steps: [] }
    ],
    groups: [
      {
        groupId: 1,
        ids: [1, 3],
        epochs: [
          { epoch: 1, n: 2, trainMean: 1, trainStd: 0.1, valMean: 1.2, valStd: 0.2 },
          { epoch: 2, n: 2, trainMean: 0.8, trainStd: 0.1, valMean: null, valStd: null }
        ]
      },
      { groupId: 2, ids: [2], epochs: [] }
    ]
  }
}

describe('smooth', () => {
  it('is an exponential moving average that starts at the first point, and 0 leaves the points as they are', () => {
    const pts = [
      { x: 1, y: 1 },
      { x: 2, y: 3 },
      { x: 3, y: 3 }
    ]
    expect(smooth(pts, 0)).toBe(pts)
    expect(smooth(pts, 0.5).map((p) => p.y)).toEqual([1, 2, 2.5])
    expect(pts[1]!.y).toBe(3)
  })
})

describe('CompareState', () => {
  it('asks for nothing unless 2 to 10 runs are ticked', async () => {
    const s = new CompareState()
    await s.load([1])
    await s.load(Array.from({ length: 11 }, (_, i) => i + 1))
    expect(service.calls).toEqual([])
    expect(s.result).toBeNull()
    expect(s.lines).toEqual([])
  })

  it('draws each run against epochs (validation loss, gaps left out), then a mean ± std band per seed group', async () => {
    service.reply('experiments.compare', () => comparison())
    const s = new CompareState()
    await s.load([1, 2])
    expect(s.loading).toBe(false)
    const [a, b, upper, lower, mean, ...rest] = s.lines
    expect(rest).toEqual([])
    expect(a!.label).toBe('#1 small')
    expect(a!.data).toEqual([
      { x: 1, y: 1.2 },
      { x: 3, y: 0.9 }
    ])
    expect(b!.label).toBe('#2 large')
    expect(upper!.data).toEqual([{ x: 1, y: 1.2 + 0.2 }])
    expect(lower!.data).toEqual([{ x: 1, y: 1.2 - 0.2 }])
    expect(lower!.fill).toBe(2)
    expect(mean!.label).toContain('n=2')
    expect(mean!.data).toEqual([{ x: 1, y: 1.2 }])
  })

  it('switches to training loss against time or steps (no bands there), smoothing only what is drawn', async () => {
    service.reply('experiments.compare', () => comparison())
    const s = new CompareState()
    await s.load([1, 2])
    s.metric = 'train'
    s.x = 'time'
    expect(s.lines).toHaveLength(2)
    expect(s.lines[0]!.data).toEqual([
      { x: 2, y: 1 },
      { x: 4, y: 0.8 },
      { x: 6, y: 0.6 }
    ])
    s.smoothing = 0.5
    expect(s.lines[0]!.data.map((p) => p.y)).toEqual([1, 0.9, 0.75])
    expect(s.result!.curves[0]!.epochs[1]!.trainLoss).toBe(0.8)
    s.x = 'step'
    expect(s.lines[0]!.data).toEqual([{ x: 1, y: 1.1 }])
  })

  it('keeps only the answer to the newest selection, and a failure clears the chart with its message', async () => {
    const slow = deferred<Comparison>()
    service.reply('experiments.compare', ({ ids }) => (ids[0] === 1 ? slow.promise : comparison()))
    const s = new CompareState()
    const first = s.load([1, 2])
    await s.load([2, 1])
    slow.resolve({ ...comparison(), curves: [] })
    await first
    expect(s.ids).toEqual([2, 1])
    expect(s.result!.curves).toHaveLength(2)

    service.reply('experiments.compare', () => {
      throw new Error('experiment 9 does not exist')
    })
    await s.load([1, 9])
    expect(s).toMatchObject({ result: null, error: 'experiment 9 does not exist', loading: false })
    expect(s.nameOf(9)).toBe('#9')
  })
})
