// Which epochs keep their probe heatmaps (the gates and hidden state of one sequence over time, G·T·H numbers): a
// run's store must stay bounded however long it trains, while its history stays browsable. The newest epoch with
// heatmaps always keeps them; the older ones are thinned to at most MAX_PROBES heatmaps and PROBE_BUDGET_BYTES bytes
// by repeatedly dropping the one whose neighbours are closest on a log scale of epochs, so what stays is spread
// evenly in log(epoch): the first epochs, a few in every decade, and the newest (e.g. 1 2 5 9 13 24 39 76 177 …
// 11067 20000 after 20,000 epochs). Applied by the store as training goes and by the UI to what it holds.

/** At most this many heatmaps per run (the newest included). */
export const MAX_PROBES = 16
/** At most this many bytes of heatmaps per run (the newest is kept even when it alone is larger). */
export const PROBE_BUDGET_BYTES = 4 * 1024 * 1024

export interface KeptProbe {
  epoch: number
  bytes: number
}

/** The epochs whose heatmaps go, given those kept so far (any order) — the newest is never among them. */
export function probesToDrop(kept: readonly KeptProbe[], budget = PROBE_BUDGET_BYTES, max = MAX_PROBES): number[] {
  const k = [...kept].sort((a, b) => a.epoch - b.epoch)
  const drop: number[] = []
  let total = k.reduce((s, p) => s + p.bytes, 0)
  while (k.length > 1 && (k.length > max || total > budget)) {
    const i = k.length === 2 ? 0 : closestOnLogScale(k)
    total -= k[i]!.bytes
    drop.push(k[i]!.epoch)
    k.splice(i, 1)
  }
  return drop
}

/** The inner epoch whose neighbours are nearest in log(epoch) (the oldest of equals): dropping it loses the least. */
function closestOnLogScale(k: readonly KeptProbe[]): number {
  const log = (e: number) => Math.log(Math.max(1, e))
  let best = Infinity,
    at = 1
  for (let j = 1; j < k.length - 1; j++) {
    const gap = log(k[j + 1]!.epoch) - log(k[j - 1]!.epoch)
    if (gap < best) {
      best = gap
      at = j
    }
  }
  return at
}
