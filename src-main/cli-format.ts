// Plain-text tables for the CLI.
import type { Comparison, ExperimentDetail, ExperimentSummary } from '../src-shared/contract'
import { formatBaselines, formatMetrics, headlineOf, losesToBaseline } from '../src-shared/metrics'

/** The run's validation metrics, its baselines and the verdict, one indented line each (empty before any). */
export function resultLines(e: ExperimentSummary): string {
  let out = ''
  if (e.valMetrics) out += `  validation: ${formatMetrics(e.valMetrics)}\n`
  if (e.baselines && Object.keys(e.baselines).length) out += `  baselines: ${formatBaselines(e.baselines)}\n`
  if (e.verdict) out += `  ${losesToBaseline(e.verdict) ? 'warning: ' : ''}${e.verdict}\n`
  return out
}

export function formatExperiments(list: ExperimentSummary[]): string {
  if (!list.length)
    return 'no experiments yet: try `rnn-workbench train --csv FILE --target COL --window 12 --hidden 32 --epochs 10 --lr 0.01 --seed 1`\n'
  const rows = list.map((e) => [
    String(e.id),
    e.name,
    e.status,
    e.config.model.cell,
    String(e.epochsDone),
    e.trainLoss == null ? '—' : e.trainLoss.toPrecision(4),
    e.valLoss == null ? '—' : e.valLoss.toPrecision(4),
    metricCell(e)
  ])
  const head = ['id', 'name', 'status', 'cell', 'epochs', 'train', 'val', 'metric']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd() + '\n'
  return line(head) + rows.map(line).join('')
}

const f4 = (x: number | null | undefined) => (x == null ? '—' : x.toPrecision(4))

/** The run's headline metric in its own terms: "RMSE 0.412" or "accuracy 61.0 %". */
function metricCell(e: ExperimentSummary): string {
  const h = headlineOf(e.valMetrics)
  return h ? formatMetrics({ [h.key]: h.value }) : '—'
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd() + '\n'
  return line(head) + rows.map(line).join('')
}

export function formatExperiment(e: ExperimentDetail): string {
  const c = e.config
  let out = `experiment ${e.id} "${e.name}" — ${e.status}${e.error ? ` (${e.error})` : ''}\n`
  out += `dataset ${e.datasetId} "${e.datasetName}"; created ${e.createdAt}\n`
  out += `mapping ${c.mapping}: target ${c.target} from [${(c.inputs.length ? c.inputs : [c.target]).join(', ')}], window ${c.window}\n`
  out += `model ${c.model.cell} ×${c.model.numLayers}, hidden ${c.model.hiddenSize}; ${c.optimizer.kind} lr ${c.optimizer.lr}, batch ${c.batchSize}, epochs ${c.epochs}, seed ${c.seed}\n`
  out += `final train ${f4(e.trainLoss)}  val ${f4(e.valLoss)}  best val ${f4(e.bestValLoss)}; ${e.trainSeconds.toFixed(1)} s${e.seqPerSec ? `, ${e.seqPerSec.toFixed(0)} seq/s` : ''}\n`
  if (e.trainedOn) out += `trained with ${e.trainedOn} (imported run)\n`
  out += resultLines(e)
  if (e.tags.length) out += `tags: ${e.tags.join(', ')}\n`
  if (e.notes) out += `notes: ${e.notes}\n`
  if (e.epochs.length)
    out +=
      '\n' +
      table(
        ['epoch', 'train', 'val', 'seconds', 'validation metrics'],
        e.epochs.map((p) => [
          String(p.epoch),
          f4(p.trainLoss),
          f4(p.valLoss),
          p.seconds.toFixed(2),
          p.valMetrics ? formatMetrics(p.valMetrics) : ''
        ])
      )
  if (e.events.length)
    out +=
      '\nevents:\n' +
      e.events.map((v) => `  ${v.at} ${v.kind}${v.detail ? ' ' + JSON.stringify(v.detail) : ''}\n`).join('')
  return out
}

export function formatComparison(c: Comparison): string {
  let out = table(
    ['id', 'name', 'status', 'epochs', 'best val', 'final val', 'metric', 'seconds', 'seq/s', 'clipped'],
    c.experiments.map((e) => {
      const internals = c.internals.find((i) => i.id === e.id)
      return [
        String(e.id),
        e.name,
        e.status,
        String(e.epochsDone),
        f4(e.bestValLoss),
        f4(e.valLoss),
        metricCell(e),
        e.trainSeconds.toFixed(1),
        e.seqPerSec == null ? '—' : e.seqPerSec.toFixed(0),
        internals?.clippedFraction == null ? '—' : `${(internals.clippedFraction * 100).toFixed(0)} %`
      ]
    })
  )
  out += c.experiments
    .filter((e) => e.verdict || e.baselines)
    .map((e) => `\n#${e.id}:\n${resultLines(e)}`)
    .join('')
  const diffs = c.config.filter((r) => r.differs)
  out += '\nconfig differences:\n'
  out += diffs.length
    ? table(
        ['field', ...c.experiments.map((e) => `#${e.id}`)],
        diffs.map((r) => [r.path, ...r.values.map((v) => JSON.stringify(v))])
      )
    : '  none\n'
  for (const g of c.groups) {
    const last = g.epochs[g.epochs.length - 1]
    if (last)
      out += `\nseed group ${g.groupId} (${g.ids.length} runs): final train ${f4(last.trainMean)} ± ${f4(last.trainStd)}, val ${f4(last.valMean)} ± ${f4(last.valStd)}\n`
  }
  return out
}
