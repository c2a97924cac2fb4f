// Builds the side-by-side comparison of experiments: config differences, curves, internals and
// mean ± std bands for runs repeated over seeds. Pure functions over what the store returns.
import type { Comparison, EpochPoint, ExperimentSummary, StepPoint } from '../../src-shared/contract'

/** Flattens a config into dotted paths: {model:{hiddenSize:8}} → [['model.hiddenSize', 8]]. */
export function flatten(obj: unknown, prefix = ''): [string, unknown][] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [[prefix, obj]]
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k))
}

export function configTable(configs: unknown[]): Comparison['config'] {
  const flat = configs.map((c) => new Map(flatten(c)))
  const paths = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort()
  return paths.map((path) => {
    const values = flat.map((m) => (m.has(path) ? m.get(path) : null))
    const keys = values.map((v) => JSON.stringify(v))
    return { path, values, differs: keys.some((k) => k !== keys[0]) }
  })
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const std = (xs: number[]) => {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))
}

export function seedBands(runs: { id: number; groupId: number | null; epochs: EpochPoint[] }[]): Comparison['groups'] {
  const groups = new Map<number, typeof runs>()
  for (const r of runs) {
    const g = r.groupId ?? r.id
    groups.set(g, [...(groups.get(g) ?? []), r])
  }
  const out: Comparison['groups'] = []
  for (const [groupId, members] of groups) {
    if (members.length < 2) continue
    const maxEpoch = Math.max(...members.map((m) => m.epochs.length))
    const epochs: Comparison['groups'][number]['epochs'] = []
    for (let e = 1; e <= maxEpoch; e++) {
      const pts = members.map((m) => m.epochs.find((p) => p.epoch === e)).filter((p): p is EpochPoint => !!p)
      const tr = pts.map((p) => p.trainLoss).filter((x): x is number => x != null)
      const va = pts.map((p) => p.valLoss).filter((x): x is number => x != null)
      if (!tr.length) continue
      epochs.push({
        epoch: e,
        n: tr.length,
        trainMean: mean(tr),
        trainStd: std(tr),
        valMean: va.length ? mean(va) : null,
        valStd: va.length ? std(va) : null
      })
    }
    out.push({ groupId, ids: members.map((m) => m.id), epochs })
  }
  return out
}

/** The parts of the trainer's per-epoch Diagnostics (src-worker/engine/diagnostics.ts) compared here. */
interface DiagLike {
  gateNames?: string[]
  gateMeans?: number[][]
  dhNorm?: number[]
  clippedFraction?: number
}

/**
 * The mean of the gate that keeps the memory over epochs — an LSTM's forget gate f, a GRU's update gate z (PyTorch's
 * h = (1 − z)·n + z·h₋₁: near 1 both carry the state on) — the last epoch's ‖∂L/∂h_t‖ over t, and the share of
 * clipped steps.
 */
export function internalsOf(
  diags: { epoch: number; diagnostics: unknown }[]
): Omit<Comparison['internals'][number], 'id'> {
  const forgetGateMean: { epoch: number; value: number }[] = []
  let gradNormOverTime: number[] = []
  let clipped = 0,
    counted = 0
  for (const { epoch, diagnostics } of diags) {
    const d = (diagnostics ?? {}) as DiagLike
    const names = d.gateNames ?? []
    const fi = names.includes('f') ? names.indexOf('f') : names.indexOf('z')
    if (fi >= 0 && Array.isArray(d.gateMeans) && d.gateMeans.length) {
      forgetGateMean.push({ epoch, value: mean(d.gateMeans.map((layer) => layer[fi])) })
    }
    if (Array.isArray(d.dhNorm) && d.dhNorm.length) gradNormOverTime = d.dhNorm
    if (typeof d.clippedFraction === 'number') {
      clipped += d.clippedFraction
      counted++
    }
  }
  return { forgetGateMean, gradNormOverTime, clippedFraction: counted ? clipped / counted : null }
}

export function buildComparison(
  runs: {
    summary: ExperimentSummary
    epochs: EpochPoint[]
    steps: StepPoint[]
    diagnostics: { epoch: number; diagnostics: unknown }[]
  }[]
): Comparison {
  return {
    experiments: runs.map((r) => r.summary),
    config: configTable(runs.map((r) => r.summary.config)),
    curves: runs.map((r) => ({ id: r.summary.id, epochs: r.epochs, steps: r.steps })),
    internals: runs.map((r) => ({ id: r.summary.id, ...internalsOf(r.diagnostics) })),
    groups: seedBands(runs.map((r) => ({ id: r.summary.id, groupId: r.summary.groupId, epochs: r.epochs })))
  }
}
