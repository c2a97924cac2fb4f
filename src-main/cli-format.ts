// Plain-text tables for the CLI.
import type { ExperimentSummary } from '../src-shared/contract'

export function formatExperiments(list: ExperimentSummary[]): string {
  if (!list.length) return 'no experiments yet: try `rnn-workbench train --csv FILE --target COL --window 12 --hidden 32 --epochs 10 --lr 0.01 --seed 1`\n'
  const rows = list.map((e) => [
    String(e.id), e.name, e.status, e.config.model.cell, String(e.epochsDone),
    e.trainLoss == null ? '—' : e.trainLoss.toPrecision(4), e.valLoss == null ? '—' : e.valLoss.toPrecision(4)
  ])
  const head = ['id', 'name', 'status', 'cell', 'epochs', 'train', 'val']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n'
  return line(head) + rows.map(line).join('')
}
