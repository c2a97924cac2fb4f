// The trainer's per-epoch diagnostics of the run on screen (gate means, the probe's gates and hidden
// state, ‖∂L/∂h_t‖, clipping): loaded from `experiments.diagnostics`, then grown by `training.epoch`.
import { call, messageOf } from '../api'
import { probesToDrop } from '../../../src-shared/probe-retention'

/** One epoch's diagnostics (src-worker/engine/diagnostics.ts), as far as the views use them. */
export interface EpochDiagnostics {
  epoch: number
  gateNames: string[]
  /** [layer][gate] mean activation. */
  gateMeans: number[][]
  probe: { gates: number[][][]; hidden: number[][] }
  dhNorm: number[]
  gradNorm: number
  meanGradNorm: number
  clippedFraction: number
}

/** The diagnostics of one epoch when they have the expected shape (they cross the boundary as unknown). */
export function asDiagnostics(epoch: number, raw: unknown): EpochDiagnostics | null {
  if (!raw || typeof raw !== 'object') return null
  const d = raw as Partial<EpochDiagnostics>
  if (!Array.isArray(d.gateNames) || !Array.isArray(d.gateMeans) || !Array.isArray(d.dhNorm)) return null
  // only the newest epoch of each batch that reached main carries a probe, and the store keeps a log-spaced set of them
  const probe =
    d.probe && Array.isArray(d.probe.gates)
      ? { gates: d.probe.gates, hidden: d.probe.hidden ?? [] }
      : { gates: [], hidden: [] }
  return {
    epoch,
    gateNames: d.gateNames,
    gateMeans: d.gateMeans,
    probe,
    dhNorm: d.dhNorm,
    gradNorm: Number(d.gradNorm ?? NaN),
    meanGradNorm: Number(d.meanGradNorm ?? NaN),
    clippedFraction: Number(d.clippedFraction ?? NaN)
  }
}

/**
 * Names of the layers the gate means list, in their order: a seq2seq model's encoder layers then its decoder
 * layers ("encoder", "decoder"; numbered when stacked), other models' layers numbered from 1; one layer: none.
 */
export function layerNames(mapping: string | undefined, count: number): string[] {
  if (mapping === 'seq2seq' && count >= 2 && count % 2 === 0) {
    const per = count / 2
    const side = (name: string) => Array.from({ length: per }, (_, l) => (per > 1 ? `${name} L${l + 1}` : name))
    return [...side('encoder'), ...side('decoder')]
  }
  return count > 1 ? Array.from({ length: count }, (_, l) => `L${l + 1}`) : ['']
}

export class Internals {
  experimentId = $state<number | null>(null)
  /** Oldest first; replaced (never mutated) so that views can read it as a plain array. */
  epochs = $state.raw<EpochDiagnostics[]>([])
  error = $state<string | null>(null)
  loading = $state(false)

  latest = $derived(this.epochs.at(-1) ?? null)
  /** The epochs that have probe heatmaps, oldest first: the set the store keeps (src-shared/probe-retention.ts). */
  withProbes = $derived(this.epochs.filter((d) => d.probe.gates.length > 0))
  /** The newest epoch with probe heatmaps (a batch a pause or stop sent early ends with an epoch without). */
  latestProbe = $derived(this.withProbes.at(-1) ?? null)

  private held: EpochDiagnostics[] | null = null

  async load(id: number): Promise<void> {
    this.experimentId = id
    this.epochs = []
    this.error = null
    this.loading = true
    this.held = []
    try {
      const rows = await call('experiments.diagnostics', { id })
      if (this.experimentId !== id) return
      const stored = rows
        .map((r) => asDiagnostics(r.epoch, r.diagnostics))
        .filter((d): d is EpochDiagnostics => d !== null)
      const held = this.held ?? []
      this.held = null
      this.epochs = merge(stored, held)
    } catch (e) {
      if (this.experimentId === id) this.error = messageOf(e)
    } finally {
      if (this.experimentId === id) {
        this.loading = false
        this.held = null
      }
    }
  }

  reset(id: number | null): void {
    this.experimentId = id
    this.epochs = []
    this.error = null
    this.held = null
  }

  /** A `training.epoch` event for the run on screen. */
  add(experimentId: number, epoch: number, raw: unknown): void {
    if (experimentId !== this.experimentId) return
    const d = asDiagnostics(epoch, raw)
    if (!d) return
    if (this.held) {
      this.held.push(d)
      return
    }
    this.epochs = merge(this.epochs, [d])
  }
}

/**
 * `a` and `b` by epoch (b wins), oldest first. Probes (G × T × H numbers each) are thinned as the store thins them,
 * so a long run's live view holds the same bounded, log-spaced set of heatmaps plus the newest.
 */
function merge(a: EpochDiagnostics[], b: EpochDiagnostics[]): EpochDiagnostics[] {
  const last = a.at(-1)
  let out: EpochDiagnostics[]
  if (b.length === 1 && (!last || b[0]!.epoch > last.epoch)) out = [...a, b[0]!]
  else {
    const by = new Map<number, EpochDiagnostics>()
    for (const d of [...a, ...b]) by.set(d.epoch, d)
    out = [...by.values()].sort((x, y) => x.epoch - y.epoch)
  }
  const EMPTY = { gates: [], hidden: [] }
  const drop = new Set(
    probesToDrop(out.filter((d) => d.probe.gates.length).map((d) => ({ epoch: d.epoch, bytes: probeBytes(d.probe) })))
  )
  return drop.size ? out.map((d) => (drop.has(d.epoch) ? { ...d, probe: EMPTY } : d)) : out
}

/** A probe's size as the store keeps it: (G + 1) · T · H float32 values. */
function probeBytes(p: EpochDiagnostics['probe']): number {
  return (p.gates.length + 1) * p.hidden.length * (p.hidden[0]?.length ?? 0) * 4
}
