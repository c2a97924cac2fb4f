// The saved model: what every export, `predict`, the native JSON format and the 'final' checkpoint share — the
// engine config, the data's shapes, the input columns and target, their normalisation, vocabularies and classes,
// and the weights in PyTorch layout. One zod schema, parsed wherever a model is read (a checkpoint of the store, a
// native model file); its bounds (sizes, counts) live here, in one place.
//
// The weights are a record of parameter name → nested number arrays (or typed arrays in a checkpoint); their names
// and shapes follow from the config, so `tensorsOf` (export/spec.ts) checks them against it, naming the parameter.
import { z } from 'zod'
import { experimentConfig, formatIssues } from '../../src-shared/contract'
import type { TrainConfig } from '../trainer'

/** A positive integer size, bounded as the training contract bounds it, checked before anything is allocated. */
const size = (max: number) => z.number().int().min(1).max(max)
/** Vocabularies and class lists: far above what a CSV import yields, far below what exhausts memory. */
const MAX_FEATURES = 100_000

/** The engine's configuration (trainer.ts TrainConfig); options it does not name are not kept. */
export const trainConfigSchema = z.object({
  model: z.object({
    cell: z.enum(['lstm', 'gru', 'rnn_tanh', 'rnn_relu']),
    hiddenSize: size(1024),
    numLayers: size(4),
    dropout: z.number().optional(),
    bidirectional: z.boolean().optional(),
    forgetBias: z.number().optional(),
    gruResetBefore: z.boolean().optional()
  }),
  init: z.enum(['default', 'pytorch']).optional(),
  optimizer: z.object({
    kind: z.enum(['adam', 'sgd', 'momentum', 'rmsprop']),
    lr: z.number(),
    weightDecay: z.number().optional(),
    momentum: z.number().optional()
  }),
  epochs: z.number().int().min(0),
  batchSize: size(4096),
  seed: z.number(),
  clipNorm: z.number().optional(),
  tbptt: z.number().optional(),
  earlyStopping: z.object({ patience: z.number() }).optional(),
  schedule: z
    .object({
      kind: z.enum(['none', 'step', 'cosine', 'plateau']),
      stepSize: z.number().optional(),
      gamma: z.number().optional(),
      patience: z.number().optional(),
      factor: z.number().optional()
    })
    .optional(),
  nanPolicy: z.enum(['fail', 'revert']).optional(),
  dtype: z.enum(['float32', 'float64']).optional(),
  threads: z.number().optional()
})

/**
 * A fitted normaliser (data/normalize.ts Normalizer): x' = (x − a) / b per column. Fitting gives a finite offset and a
 * positive spread (a constant column gets 1); a zero, negative or non-finite one would divide by zero or turn every
 * prediction into a constant or NaN, so it is refused, naming the column's index.
 */
export const normalizerSchema = z.object({
  kind: z.enum(['zscore', 'minmax', 'none']),
  columns: z.array(z.string()),
  a: z.array(z.number({ error: 'an offset must be a finite number' })),
  b: z.array(
    z
      .number({ error: 'a spread must be a positive finite number' })
      .positive({ error: 'a spread must be a positive finite number (x′ = (x − a) / b)' })
  ),
  /** the training mean each missing input is filled with (missing-value policy mean) */
  fill: z.array(z.number({ error: 'a fill value must be a finite number' })).optional()
})

export const savedModelSchema = z.object({
  /** PyTorch-layout weights (names, shapes, gate order as in shared/fixtures/README.md). */
  weights: z.record(z.string(), z.unknown()),
  trainConfig: trainConfigSchema,
  /** The data's shapes as the network sees them. */
  data: z.object({
    mapping: z.enum(['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'seq2seq']),
    task: z.enum(['regression', 'classification']),
    inputSize: size(MAX_FEATURES),
    outputSize: size(MAX_FEATURES),
    tx: size(4096),
    ty: size(4096),
    tokens: z.boolean().optional()
  }),
  /** Column order of the inputs, and the target column. */
  inputs: z.array(z.string(), { error: '"inputs" must be a list of column names' }),
  target: z.string({ error: '"target" must be a column name' }),
  /** Normalisation of inputs and target, fitted on the training split (null: none). */
  normalization: z.object({
    input: normalizerSchema.nullable().optional(),
    target: normalizerSchema.nullable().optional()
  }),
  /** Class names, token vocabularies (ids 0..3 = <pad> <unk> <bos> <eos>) and generation conditions. */
  vocab: z
    .object({
      classes: z.array(z.string()).optional(),
      inputVocab: z.array(z.string()).optional(),
      targetVocab: z.array(z.string()).optional(),
      conditions: z.array(z.string()).optional()
    })
    .optional(),
  /** The experiment's full config (data mapping included), so a model file can be re-applied to new data. */
  experiment: experimentConfig.optional()
})

export type SavedModel = z.infer<typeof savedModelSchema>
export type Normalizer = z.infer<typeof normalizerSchema>

/** The schema's engine config is the trainer's (checked at compile time). */
const _sameConfig = (c: SavedModel['trainConfig']): TrainConfig => c
void _sameConfig

/** Parses a saved model; the error names the field (`where: data.inputSize: …`). */
export function parseSavedModel(raw: unknown, where = 'model'): SavedModel {
  const r = savedModelSchema.safeParse(raw)
  if (!r.success)
    throw new Error(
      `${where}: ${formatIssues(r.error)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`
    )
  return r.data
}
