// From a parsed CSV and an experiment config to the engine's training data, for every mapping: picks the
// sequence builder (series windows, grouped sequences, text tokens, rows) and keeps what inference and
// export need (normalisation, classes, vocabularies). Any refusal becomes an InputError naming the field.
import type { ParsedTable } from '../data/csv'
import { buildGroupedSequences, buildOneToOne, buildSeriesWindows, type SequenceData } from '../data/sequences'
import { buildTextSequences } from '../data/text-sequences'
import { applyDuplicateTimes } from '../data/duplicate-times'
import { differenceLagsOf } from '../data/target-transform'
import { sourceOf, sourceTokensOf, targetTokensOf, type ExperimentConfig } from '../../src-shared/contract'
import type { TrainConfig, TrainData } from '../trainer'
import { unitsOf } from '../evaluation/of-data'
import { InputError } from '../../src-shared/errors'

function taskOf(config: ExperimentConfig, table: ParsedTable): 'regression' | 'classification' {
  if (config.task === 'generation' || config.task === 'classification') return 'classification'
  if (config.task === 'regression') return 'regression'
  const col = table.columns.find((c) => c.name === config.target)
  return col && col.type !== 'numeric' ? 'classification' : 'regression'
}

/** The sequences a config reads from a table; a series or grouped source ordered by `orderBy` first has its rows
 * at a repeated time refused or collapsed by the dataset's `duplicates` option. */
export function buildSequences(table: ParsedTable, config: ExperimentConfig): SequenceData {
  const source = sourceOf(config)
  if (!config.orderBy || (source !== 'series' && source !== 'grouped')) return build(table, config)
  let r: ReturnType<typeof applyDuplicateTimes>
  try {
    r = applyDuplicateTimes(table, config.orderBy, config.groupBy, table.duplicates)
  } catch (e) {
    if (e instanceof Error && e.name === 'Error') throw new InputError(e.message)
    throw e
  }
  const sd = build(r.table, config)
  if (r.warning) sd.warnings.unshift(r.warning)
  return sd
}

function build(table: ParsedTable, config: ExperimentConfig): SequenceData {
  const task = taskOf(config, table)
  const split = { valFraction: config.valFraction, seed: config.seed }
  const common = { normalize: config.normalize }
  try {
    switch (sourceOf(config)) {
      case 'rows':
        return buildOneToOne(
          table,
          {
            inputs: config.inputs,
            targets: [config.target],
            task,
            missing: config.missing === 'ffill' ? 'report' : config.missing,
            ...common
          },
          split
        )
      case 'grouped':
        return buildGroupedSequences(
          table,
          {
            mapping: config.mapping as 'many-to-one' | 'many-to-many',
            idColumn: config.groupBy!,
            orderColumn: config.orderBy,
            inputs: config.inputs,
            target: config.target,
            task,
            maxLength: config.maxLength,
            missing: config.missing,
            ...common
          },
          split
        )
      case 'text': {
        const t = {
          // generation reads no source: its items are output text
          tokens: config.mapping === 'one-to-many' ? targetTokensOf(config) : sourceTokensOf(config),
          targetTokens: targetTokensOf(config),
          maxLength: config.maxLength,
          missing: config.missing === 'report' ? ('report' as const) : ('drop' as const),
          ...common
        }
        return buildTextSequences(
          table,
          config.mapping === 'one-to-many'
            ? { kind: 'generate', text: config.target, condition: config.condition, ...t }
            : config.mapping === 'seq2seq'
              ? { kind: 'translate', text: config.text!, target: config.target, ...t }
              : { kind: 'classify', text: config.text!, target: config.target, task, ...t },
          split
        )
      }
      case 'series':
        return buildSeriesWindows(
          table,
          {
            mapping: config.mapping as 'many-to-one' | 'many-to-many' | 'seq2seq',
            targets: [config.target],
            inputs: config.inputs,
            window: config.window,
            horizon: config.horizon,
            stride: config.stride,
            gap: config.gap,
            task,
            missing: config.missing,
            difference: differenceLagsOf(config),
            groupBy: config.groupBy,
            orderBy: config.orderBy,
            ...common
          },
          { valFraction: config.valFraction }
        )
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'Error') throw new InputError(e.message)
    throw e
  }
}

export function toTrainData(sd: SequenceData): TrainData {
  const split = (s: SequenceData['train']) => ({ n: s.n, x: s.x, y: s.y, mask: s.mask })
  return {
    mapping: sd.mapping,
    task: sd.task,
    inputSize: sd.inputSize,
    outputSize: sd.outputSize,
    tx: sd.tx,
    ty: sd.ty,
    tokens: sd.inputEncoding === 'token-ids',
    train: split(sd.train),
    val: split(sd.val),
    units: unitsOf(sd)
  }
}

export function toTrainConfig(config: ExperimentConfig): TrainConfig {
  return {
    model: {
      cell: config.model.cell,
      hiddenSize: config.model.hiddenSize,
      numLayers: config.model.numLayers,
      dropout: config.model.dropout,
      bidirectional: config.model.bidirectional
    },
    optimizer: {
      kind: config.optimizer.kind,
      lr: config.optimizer.lr,
      weightDecay: config.optimizer.weightDecay,
      momentum: config.optimizer.momentum
    },
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    clipNorm: config.clipNorm || undefined,
    tbptt: config.tbptt || undefined,
    earlyStopping: config.earlyStopping ? { patience: config.earlyStopping } : undefined,
    schedule: config.schedule,
    nanPolicy: config.nanPolicy,
    // (a stored config without it trained in float32)
    dtype: config.precision === 'float64' ? 'float64' : 'float32',
    init: config.init ?? 'default'
  }
}
