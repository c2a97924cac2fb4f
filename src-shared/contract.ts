// The request/event contract between the renderer and the service, defined once with runtime schemas.
// Runtime: any (pure TypeScript + zod). Imported by the service, the Electron shell, the preload, the
// browser-mode server, the HTTP client and the renderer. The TypeScript types are inferred from these schemas.
//
// What is parsed at run time, and what is not: every request's arguments are parsed with these schemas where
// the service receives them (Workbench.call → parseArgs; a download, Workbench.download), whichever shell sent
// them (Electron IPC, the HTTP server, the CLI), and a saved model read from disk (a native model file, the
// store's 'final' checkpoint) is parsed with src-worker/model/saved-model.ts. Results and events travel the other
// way, from the service to the renderer, and are not parsed: the service builds them with these types, so the
// schemas are their compile-time contract. Messages between main and its worker threads (src-worker/protocol.ts)
// are not parsed either: both ends are this build, and structured cloning carries exactly the typed objects that
// were posted.
import { z } from 'zod'
import { EVENT_NAMES, REQUEST_NAMES } from './channels'
import { baselines, valMetrics } from './metrics'

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const name = z.string().trim().min(1).max(200)

export const columnType = z.enum(['numeric', 'categorical', 'text', 'datetime', 'id'])
export const columnInfo = z.object({
  name: z.string(),
  type: columnType,
  missing: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  distinct: z.number(),
  /** cells that do not fit the column's type (named in the warnings, kept as missing values) */
  invalid: z.number().optional(),
  /** datetime columns: the column's one date format */
  dateFormat: z.string().optional()
})

/** A column's type as the user chooses it: a type, or `ignore` (the column is left out of the dataset). */
export const typeChoice = z.enum([...columnType.options, 'ignore'])

/** How a CSV is read: each setting is a control on the Data screen and a flag of `import`, `train --csv`,
 * `preview --csv` and `predict`. Stored with the dataset, so every later read gives the same table. */
export const importOptions = z
  .object({
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    /** read 3,14 as 3.14 (absent: detected when unambiguous) */
    decimalComma: z.boolean().optional(),
    /** false: the first row is data; the columns are named column_1, column_2, … */
    header: z.boolean().optional(),
    /** words that mean "no value" in numeric and datetime columns */
    missingWords: z.array(z.string().trim().min(1).max(50)).max(100).optional(),
    /** a column's type instead of the inferred one, or `ignore` to leave the column out */
    types: z.record(z.string().min(1).max(500), typeChoice).optional(),
    /** dates written NN/NN/YYYY: day first, month first, or only year-first dates (absent: decided by the cells) */
    dateOrder: z.enum(['dmy', 'mdy', 'ymd']).optional(),
    /** rows at one time in the column that orders a series (orderBy): refused (absent), or the first, the last or
     * the mean of them kept */
    duplicates: z.enum(['refuse', 'first', 'last', 'mean']).optional()
  })
  .strict()

/** One line of the dataset list (datasets.list): what the list shows, never a column's statistics or a preview row,
 * so the list stays small however wide the files are. datasets.get gives the detail. */
export const datasetSummary = z.object({
  id,
  name: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  byteLength: z.number(),
  rows: z.number(),
  columnCount: z.number(),
  createdAt: z.string()
})
export const datasetDetail = datasetSummary.extend({
  columns: z.array(columnInfo),
  warnings: z.array(z.string()),
  /** how the file was read (the same options read it again for training) */
  importOptions: importOptions.optional(),
  preview: z.array(z.array(z.string()))
})

export const cellKind = z.enum(['lstm', 'gru', 'rnn_tanh', 'rnn_relu'])
export const experimentStatus = z.enum([
  'draft',
  'queued',
  'running',
  'paused',
  'completed',
  'stopped',
  'failed',
  'interrupted'
])

export const mappingKind = z.enum(['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'seq2seq'])
/** The longest column name a mapping can name (and so the longest an import accepts). */
export const MAX_COLUMN_NAME = 500
const column = z.string().min(1).max(MAX_COLUMN_NAME)

/**
 * What to train: the data mapping, the model and the optimisation. Flat, so that forms and CLI flags map
 * onto it one to one. `source` says how rows become sequences (derived when absent):
 *  - series  — one long series in file order: sliding windows of `window` rows (many-to-one: the next
 *              value; many-to-many: a target per step; seq2seq: the next `horizon` values);
 *  - grouped — one sequence per value of `groupBy`, ordered by `orderBy` (many-to-one, many-to-many);
 *  - text    — `text` column as characters/words: + label `target` → many-to-one, + target text
 *              `target` → seq2seq, items in `target` → one-to-many generation (optional `condition`);
 *  - rows    — one-to-one: each row an input vector and a target.
 * Bounds are sanity limits.
 */
export const experimentConfig = z
  .object({
    mapping: mappingKind.default('many-to-one'),
    source: z.enum(['series', 'grouped', 'text', 'rows']).optional(),
    task: z.enum(['regression', 'classification', 'generation']).optional(),
    target: column,
    inputs: z.array(column).max(256).default([]),
    window: z.number().int().min(1).max(4096).default(12),
    horizon: z.number().int().min(1).max(1024).optional(),
    stride: z.number().int().min(1).max(100_000).optional(),
    gap: z.number().int().min(0).max(100_000).optional(),
    groupBy: column.optional(),
    orderBy: column.optional(),
    text: column.optional(),
    condition: column.optional(),
    tokens: z.enum(['char', 'word']).optional(),
    /** Text → text: how the source and the target text are split (each defaults to `tokens`, else char). */
    sourceTokens: z.enum(['char', 'word']).optional(),
    targetTokens: z.enum(['char', 'word']).optional(),
    /** Series: predict the change — first differences of this order (0 = the values) before normalising. */
    difference: z.number().int().min(0).max(2).optional(),
    /** Series: predict the change from one period earlier (seasonal difference at lag P), after `difference`. */
    seasonalDifference: z.number().int().min(2).max(100_000).optional(),
    maxLength: z.number().int().min(1).max(4096).optional(),
    normalize: z.enum(['zscore', 'minmax', 'none']).default('zscore'),
    missing: z.enum(['report', 'drop', 'ffill', 'mean']).default('report'),
    valFraction: z.number().min(0.05).max(0.5).default(0.2),
    model: z
      .object({
        cell: cellKind.default('lstm'),
        hiddenSize: z.number().int().min(1).max(1024),
        numLayers: z.number().int().min(1).max(4).default(1),
        dropout: z.number().min(0).max(0.9).default(0),
        bidirectional: z.boolean().default(false)
      })
      .strict(),
    optimizer: z
      .object({
        kind: z.enum(['adam', 'sgd', 'momentum', 'rmsprop']).default('adam'),
        lr: z.number().positive().max(10),
        weightDecay: z.number().min(0).max(1).default(0),
        momentum: z.number().min(0).max(0.999).optional()
      })
      .strict(),
    schedule: z
      .object({
        kind: z.enum(['none', 'step', 'cosine', 'plateau']),
        stepSize: z.number().int().min(1).max(100_000).optional(),
        gamma: z.number().positive().max(1).optional(),
        patience: z.number().int().min(1).max(1000).optional(),
        factor: z.number().positive().max(1).optional()
      })
      .strict()
      .default({ kind: 'none' }),
    epochs: z.number().int().min(1).max(100_000),
    batchSize: z.number().int().min(1).max(4096).default(32),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    clipNorm: z.number().min(0).max(1e6).default(1),
    tbptt: z.number().int().min(0).max(4096).default(0),
    earlyStopping: z.number().int().min(0).max(1000).default(0),
    nanPolicy: z.enum(['fail', 'revert']).default('fail'),
    /** Arithmetic of the engine (absent = float32, fast); float64 is the path PyTorch projects reproduce to 1e-9. */
    precision: z.enum(['float32', 'float64']).optional(),
    /** Weight initialisation (absent = default: Xavier + orthogonal, LSTM forget bias 1; pytorch = PyTorch 1.13's). */
    init: z.enum(['default', 'pytorch']).optional()
  })
  .strict()
  .superRefine((c, ctx) => {
    const need = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message })
    }
    const source = sourceOf(c)
    need(
      !(c.model.bidirectional && c.mapping !== 'many-to-many'),
      'model',
      'bidirectional layers are for the aligned many-to-many mapping only'
    )
    need(
      source !== 'rows' || c.mapping === 'one-to-one',
      'mapping',
      'rows (one-to-one) data needs the one-to-one mapping'
    )
    need(c.mapping !== 'one-to-one' || source === 'rows', 'source', 'the one-to-one mapping reads rows')
    need(
      c.mapping !== 'one-to-many' || source === 'text',
      'text',
      'one-to-many generation needs a text column of items (text)'
    )
    need(
      source !== 'grouped' || c.mapping === 'many-to-one' || c.mapping === 'many-to-many',
      'mapping',
      'grouped sequences support many-to-one and many-to-many'
    )
    need(
      source !== 'text' || c.mapping !== 'many-to-many',
      'mapping',
      'text columns support many-to-one, seq2seq and one-to-many'
    )
    need(
      !c.groupBy || source === 'grouped' || source === 'series',
      'groupBy',
      'groupBy makes one sequence per id (or windows within each id, with source series): it is for series data'
    )
    const differenced = !!c.difference || c.seasonalDifference !== undefined
    need(!differenced || source === 'series', 'difference', 'differencing is for series windows (--window)')
    need(
      !differenced || !c.gap,
      'difference',
      'differenced targets must directly follow the window: use gap 0 with difference or seasonalDifference'
    )
    need(
      (c.sourceTokens === undefined || source === 'text') && (c.targetTokens === undefined || source === 'text'),
      'sourceTokens',
      'sourceTokens and targetTokens are for text columns'
    )
    need(
      c.targetTokens === undefined || c.mapping === 'seq2seq' || c.mapping === 'one-to-many',
      'targetTokens',
      'targetTokens is for text outputs (seq2seq or one-to-many)'
    )
    need(
      c.sourceTokens === undefined || c.mapping !== 'one-to-many',
      'sourceTokens',
      'one-to-many generation reads no source text: use targetTokens (or tokens)'
    )
    need(
      !c.text || source === 'text',
      'text',
      'a text column is read by the text mappings (many-to-one, seq2seq, one-to-many)'
    )
    need(
      c.horizon === undefined || c.mapping === 'seq2seq',
      'horizon',
      'horizon is for the seq2seq mapping (many-to-one forecasts one step)'
    )
  })

/** How the source text is split into tokens: sourceTokens, else tokens, else characters. */
export function sourceTokensOf(c: { tokens?: 'char' | 'word'; sourceTokens?: 'char' | 'word' }): 'char' | 'word' {
  return c.sourceTokens ?? c.tokens ?? 'char'
}

/** How output text (seq2seq targets, generated items) is split into tokens: targetTokens, else tokens, else characters. */
export function targetTokensOf(c: { tokens?: 'char' | 'word'; targetTokens?: 'char' | 'word' }): 'char' | 'word' {
  return c.targetTokens ?? c.tokens ?? 'char'
}

/** How rows become sequences, when the config does not say. */
export function sourceOf(c: {
  source?: string
  mapping: string
  text?: string
  groupBy?: string
}): 'series' | 'grouped' | 'text' | 'rows' {
  if (c.source) return c.source as 'series' | 'grouped' | 'text' | 'rows'
  if (c.mapping === 'one-to-one') return 'rows'
  if (c.text || c.mapping === 'one-to-many') return 'text'
  if (c.groupBy) return 'grouped'
  return 'series'
}

export const experimentSummary = z.object({
  id,
  name: z.string(),
  datasetId: id,
  datasetName: z.string(),
  status: experimentStatus,
  config: experimentConfig,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  epochsDone: z.number(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  error: z.string().nullable(),
  notes: z.string(),
  tags: z.array(z.string()),
  /** Runs repeated over seeds share the id of the first run of the group. */
  groupId: z.number().nullable(),
  trainSeconds: z.number(),
  bestValLoss: z.number().nullable(),
  seqPerSec: z.number().nullable(),
  /** The latest epoch's validation metrics in the user's units (src-shared/metrics.ts); generators add novelty. */
  valMetrics: valMetrics.nullable(),
  /** What simple rules score on the same validation split (null until the run has built its data). */
  baselines: baselines.nullable(),
  /** Whether the run beats its best baseline, in words (null when there is nothing to compare). */
  verdict: z.string().nullable(),
  /** Where a run imported with import-run was trained (e.g. "PyTorch 1.13.1 on cpu"); absent for runs trained here. */
  trainedOn: z.string().optional()
})

export const epochPoint = z.object({
  epoch: z.number(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  seconds: z.number(),
  valMetrics: valMetrics.nullable().optional()
})
export const stepPoint = z.object({ step: z.number(), epoch: z.number(), loss: z.number().nullable() })

export const experimentEvent = z.object({ at: z.string(), kind: z.string(), detail: z.unknown() })

export const experimentDetail = experimentSummary.extend({
  epochs: z.array(epochPoint),
  steps: z.array(stepPoint),
  events: z.array(experimentEvent),
  /** Every export of the trained model, with its verification figure (newest last). */
  exports: z.array(
    z.object({
      at: z.string(),
      format: z.string(),
      verified: z.boolean(),
      maxAbsDiff: z.number().nullable(),
      runtime: z.string(),
      files: z.array(z.string())
    })
  )
})

const tag = z.string().trim().min(1).max(50)

/** What a config makes of a dataset: shapes, sizes and a few (X, Y) pairs, before training. */
export const sequencesSummary = z.object({
  mapping: mappingKind,
  task: z.enum(['regression', 'classification']),
  inputEncoding: z.enum(['values', 'token-ids']),
  inputSize: z.number(),
  outputSize: z.number(),
  tx: z.number(),
  ty: z.number(),
  train: z.number(),
  val: z.number(),
  shapes: z.object({ x: z.array(z.number()), y: z.array(z.number()), mask: z.array(z.number()).optional() }),
  preview: z.array(
    z.object({
      x: z.array(z.unknown()),
      y: z.array(z.unknown()),
      xText: z.string().optional(),
      yText: z.string().optional(),
      label: z.string().optional()
    })
  ),
  classes: z.array(z.string()).optional(),
  inputVocabSize: z.number().optional(),
  targetVocabSize: z.number().optional(),
  parameters: z.number(),
  warnings: z.array(z.string())
})

/** A trained model run over its validation split, for the live/inspection views. */
export const inspection = z.object({
  split: z.enum(['validation', 'training']),
  count: z.number(),
  shown: z.number(),
  kind: z.enum(['regression', 'classification', 'sequences']),
  /** regression: target and prediction per sample (first forecast step), in the target's own units */
  series: z
    .object({
      column: z.string(),
      target: z.array(z.number()),
      prediction: z.array(z.number()),
      rmse: z.number(),
      mae: z.number()
    })
    .optional(),
  /** classification: matrix[true][predicted] counts over the counted steps */
  confusion: z
    .object({ classes: z.array(z.string()), matrix: z.array(z.array(z.number())), accuracy: z.number() })
    .optional(),
  /** text mappings: decoded greedy outputs next to their inputs and targets */
  samples: z
    .array(
      z.object({
        input: z.string().optional(),
        target: z.string(),
        output: z.string(),
        /** generators: the sample is not an item of the training set */
        novel: z.boolean().optional()
      })
    )
    .optional(),
  exactMatch: z.number().optional(),
  /** generators: the share of 100 seeded samples that are new, and the temperature they were sampled at */
  novelty: z.number().optional(),
  temperature: z.number().optional(),
  /** gates[g][t][j] and hidden[t][j] of the top layer for one sequence of the split */
  probe: z
    .object({
      index: z.number(),
      gateNames: z.array(z.string()),
      gates: z.array(z.array(z.array(z.number()))),
      hidden: z.array(z.array(z.number()))
    })
    .nullable()
})

/** pytorch-project: a folder to train the run on with PyTorch (train.py, model.py, config.json, data/). */
export const exportFormat = z.enum(['json', 'onnx', 'tfjs', 'pytorch', 'pytorch-project'])

/** An export and its self-check: the file loaded by an independent runtime, compared with the workbench. */
export const exportReport = z.object({
  format: exportFormat,
  files: z.array(z.string()),
  verified: z.boolean(),
  /** Largest |exported − workbench| over the held-out outputs; verified when ≤ 1e-4. */
  maxAbsDiff: z.number().nullable(),
  runtime: z.string(),
  heldOutSamples: z.number(),
  /** Values: the same comparison in the target's units (normalisation and differences undone), and its tolerance. */
  userUnits: z.object({ maxAbsDiff: z.number(), tolerance: z.number() }).nullable().optional(),
  notes: z.array(z.string())
})

/** A file the user can take away: an export (as written by `models.export`) or a predictions file. */
export const downloadRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('export'), id, format: exportFormat }).strict(),
  z.object({ kind: z.literal('predictions'), id, datasetId: id.optional() }).strict()
])

/** Where a download went: browser mode hands it to the browser (savedTo null); Electron asks where to save it. */
export const downloadResult = z.object({
  fileName: z.string(),
  bytes: z.number(),
  /** Electron: the path chosen in the Save dialog (null when cancelled or in browser mode) */
  savedTo: z.string().nullable(),
  cancelled: z.boolean()
})

export const predictResult = z.object({
  rows: z.number(),
  outPath: z.string(),
  forecastPath: z.string().nullable(),
  forecast: z.array(z.number()).nullable(),
  /** windows within groups: the group of each forecast value (each group's forecast follows its own last rows) */
  forecastGroups: z.array(z.string()).optional(),
  warnings: z.array(z.string()),
  /** generative models: the first generated items */
  generated: z.array(z.string()).optional(),
  /** when the new CSV has the target column: predictions scored against it (accuracy for classes and decoded text —
   * exact match — MAE / RMSE for values); grouped, text and one-to-one models */
  score: z
    .object({
      target: z.string(),
      count: z.number(),
      accuracy: z.number().optional(),
      mae: z.number().optional(),
      rmse: z.number().optional()
    })
    .nullable()
    .optional(),
  /** the predictions file's header and first rows, as written (for a table in the UI) */
  preview: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string())) }).optional()
})

/** Side-by-side view of 2–10 experiments. */
export const comparison = z.object({
  experiments: z.array(experimentSummary),
  /** Config fields (dotted paths) with one value per experiment; `differs` marks the interesting ones. */
  config: z.array(z.object({ path: z.string(), values: z.array(z.unknown()), differs: z.boolean() })),
  curves: z.array(z.object({ id, epochs: z.array(epochPoint), steps: z.array(stepPoint) })),
  /** Per experiment: internals from the trainer's per-epoch diagnostics (empty when not recorded). */
  internals: z.array(
    z.object({
      id,
      /** The memory-keeping gate's mean per epoch: an LSTM's forget gate f, a GRU's update gate z; none for an RNN. */
      forgetGateMean: z.array(z.object({ epoch: z.number(), value: z.number() })),
      gradNormOverTime: z.array(z.number()),
      clippedFraction: z.number().nullable()
    })
  ),
  /** Experiments repeated over seeds (same group): mean ± std of the per-epoch losses. */
  groups: z.array(
    z.object({
      groupId: z.number(),
      ids: z.array(id),
      epochs: z.array(
        z.object({
          epoch: z.number(),
          n: z.number(),
          trainMean: z.number(),
          trainStd: z.number(),
          valMean: z.number().nullable(),
          valStd: z.number().nullable()
        })
      )
    })
  )
})

/** How fast this machine's engine trains (src-shared/estimate.ts): measured once per engine path, kept in the store. */
export const engineCalibration = z.object({
  engine: z.string(),
  secondsPerStep: z.number(),
  secondsPerMac: z.number(),
  measuredAt: z.string()
})

export const sampleInfo = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** The data mapping the sample suits (a partial experiment config). */
  suggested: z.record(z.string(), z.unknown())
})

/** A CSV coming from the renderer: the file's bytes (base64), one of the shipped samples, or a stored dataset's. */
const importSource = z.union([
  z
    .object({
      kind: z.literal('bytes'),
      fileName: z.string().min(1).max(500),
      base64: z
        .string()
        .max(700_000_000)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    })
    .strict(),
  z.object({ kind: z.literal('sample'), sample: z.string().min(1).max(100) }).strict(),
  /** a stored dataset's bytes read again (with other reading options, e.g. a column's type): a new dataset; with
   * `replace`, it takes the place of `datasetId`, which is removed unless an experiment trained on it or predicted
   * from it (those are never removed or changed) */
  z.object({ kind: z.literal('dataset'), datasetId: id, replace: z.boolean().optional() }).strict()
])

const empty = z.object({}).strict()

/** Request name → argument schema and result schema. */
export const requests = {
  'app.info': {
    args: empty,
    result: z.object({
      version: z.string(),
      mode: z.enum(['electron', 'browser', 'cli']),
      dataDir: z.string(),
      samples: z.array(sampleInfo)
    })
  },
  /** The engine's time calibration: the stored one when it is of this engine path, else measured now (about 1 s). */
  'engine.calibration': {
    args: z.object({ refresh: z.boolean().default(false) }).strict(),
    result: engineCalibration
  },
  'datasets.import': {
    args: z
      .object({
        name: name.optional(),
        source: importSource,
        /** Chosen by the caller: progress events carry it, and datasets.cancelImport takes it. */
        importId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1 to 64)')
          .optional(),
        /** How to read the file: delimiter, decimal comma, header row, missing-value words, column types. */
        options: importOptions.optional(),
        /** true: when the same bytes (SHA-256) read with the same options under the same name are stored, that dataset
         * is the result instead of a copy. The Data screen sets it; absent, every import stores a new dataset. */
        reuse: z.boolean().optional()
      })
      .strict(),
    result: datasetDetail
  },
  'datasets.cancelImport': {
    args: z.object({ importId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
    result: z.object({ ok: z.boolean() })
  },
  'datasets.list': { args: empty, result: z.array(datasetSummary) },
  'datasets.get': { args: z.object({ id }).strict(), result: datasetDetail },
  'datasets.sequences': {
    args: z.object({ datasetId: id, config: experimentConfig }).strict(),
    result: sequencesSummary
  },
  'experiments.start': {
    args: z.object({ datasetId: id, name: name.optional(), config: experimentConfig }).strict(),
    result: z.object({ experimentId: id })
  },
  'experiments.stop': { args: z.object({ id }).strict(), result: z.object({ ok: z.boolean() }) },
  'experiments.list': { args: empty, result: z.array(experimentSummary) },
  'experiments.get': { args: z.object({ id }).strict(), result: experimentDetail },
  'experiments.diagnostics': {
    args: z.object({ id }).strict(),
    result: z.array(z.object({ epoch: z.number(), diagnostics: z.unknown() }))
  },
  'experiments.inspect': {
    args: z.object({ id, probe: z.number().int().min(0).max(10_000_000).optional() }).strict(),
    result: inspection
  },
  'models.export': {
    args: z.object({ id, format: exportFormat }).strict(),
    result: exportReport
  },
  /** Runs an experiment's trained model on an imported dataset with the stored mapping; writes a predictions CSV
   * under the data directory. Generators (one-to-many) need no dataset: `steps` items per condition. */
  'models.predict': {
    args: z
      .object({
        id,
        datasetId: id.optional(),
        steps: z.number().int().min(1).max(100_000).optional(),
        temperature: z.number().min(0).max(100).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional()
      })
      .strict(),
    result: predictResult
  },
  'experiments.pause': { args: z.object({ id }).strict(), result: z.object({ ok: z.boolean() }) },
  'experiments.resume': { args: z.object({ id }).strict(), result: z.object({ ok: z.boolean() }) },
  'experiments.delete': { args: z.object({ id }).strict(), result: z.object({ ok: z.boolean() }) },
  /** Brings back a run trained elsewhere from its exported PyTorch project folder (train.py's log and final weights,
   * `checkpoint` when train.py wrote them with --out): a finished experiment marked with where it was trained. */
  'experiments.importRun': {
    args: z
      .object({ dir: z.string().trim().min(1).max(4096), checkpoint: z.string().trim().min(1).max(4096).optional() })
      .strict(),
    result: z.object({ experimentId: id })
  },
  'experiments.update': {
    args: z
      .object({
        id,
        name: name.optional(),
        notes: z.string().max(100_000).optional(),
        tags: z.array(tag).max(50).optional()
      })
      .strict(),
    result: experimentSummary
  },
  'experiments.duplicate': {
    args: z
      .object({ id, name: name.optional(), config: experimentConfig.optional(), start: z.boolean().default(false) })
      .strict(),
    result: z.object({ experimentId: id })
  },
  'experiments.repeat': {
    args: z
      .object({
        id,
        seeds: z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(2 ** 31 - 1)
          )
          .min(1)
          .max(20)
      })
      .strict(),
    result: z.object({ experimentIds: z.array(id) })
  },
  'experiments.compare': {
    args: z.object({ ids: z.array(id).min(2).max(10) }).strict(),
    result: comparison
  }
} as const

/** Event name → payload schema (service → renderer). */
export const events = {
  'training.progress': z.object({
    experimentId: id,
    epoch: z.number(),
    epochs: z.number(),
    step: z.number(),
    stepsPerEpoch: z.number(),
    totalSteps: z.number(),
    elapsedSeconds: z.number(),
    etaSeconds: z.number().nullable(),
    seqPerSec: z.number().nullable(),
    steps: z.array(stepPoint)
  }),
  'training.epoch': z
    .object({
      experimentId: id,
      /** The trainer's per-epoch diagnostics (gate means, probe gates/hidden, ‖∂L/∂h_t‖, clipping, norms). */
      diagnostics: z.unknown().optional(),
      lr: z.number().optional()
    })
    .extend(epochPoint.shape),
  'training.finished': z.object({
    experimentId: id,
    status: experimentStatus,
    trainLoss: z.number().nullable(),
    valLoss: z.number().nullable(),
    error: z.string().nullable()
  }),
  'experiments.changed': z.object({ experimentId: id.optional() }),
  'datasets.changed': z.object({ datasetId: id.optional() }),
  'datasets.importProgress': z.object({
    importId: z.string(),
    fileName: z.string(),
    bytes: z.number(),
    totalBytes: z.number()
  }),
  'app.command': z.object({ command: z.enum(['import']) })
} as const

export type Requests = typeof requests
export type RequestName = keyof Requests
export type EventName = keyof typeof events
export type Args<K extends RequestName> = z.input<Requests[K]['args']>
export type ParsedArgs<K extends RequestName> = z.output<Requests[K]['args']>
export type Result<K extends RequestName> = z.output<Requests[K]['result']>
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]>

export type ColumnInfo = z.output<typeof columnInfo>
export type DatasetImportOptions = z.output<typeof importOptions>
export type DatasetSummary = z.output<typeof datasetSummary>
export type DatasetDetail = z.output<typeof datasetDetail>
export type ExperimentConfig = z.output<typeof experimentConfig>
export type ExperimentConfigInput = z.input<typeof experimentConfig>
export type MappingKind = z.output<typeof mappingKind>
export type ExperimentSummary = z.output<typeof experimentSummary>
export type ExperimentDetail = z.output<typeof experimentDetail>
export type ExperimentStatus = z.output<typeof experimentStatus>
export type EpochPoint = z.output<typeof epochPoint>
export type StepPoint = z.output<typeof stepPoint>
export type ExperimentEvent = z.output<typeof experimentEvent>
export type Comparison = z.output<typeof comparison>
export type SequencesSummary = z.output<typeof sequencesSummary>
export type Inspection = z.output<typeof inspection>
export type ExportFormat = z.output<typeof exportFormat>
export type ExportReport = z.output<typeof exportReport>
export type PredictResult = z.output<typeof predictResult>
export type DownloadRequest = z.output<typeof downloadRequest>
export type DownloadResult = z.output<typeof downloadResult>

export const requestNames = Object.keys(requests) as RequestName[]
export const eventNames = Object.keys(events) as EventName[]

// The dependency-free name lists (channels.ts) must list exactly the schema maps' keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const _requestsAgree: Same<(typeof REQUEST_NAMES)[number], RequestName> = true
const _eventsAgree: Same<(typeof EVENT_NAMES)[number], EventName> = true
void _requestsAgree
void _eventsAgree

export function isRequestName(x: unknown): x is RequestName {
  return typeof x === 'string' && Object.hasOwn(requests, x)
}

/** A validation failure that names the offending field, e.g. `config.model.hiddenSize: Too big`. */
export class ValidationError extends Error {
  override name = 'ValidationError'
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[]
  ) {
    super(message)
  }
}

export function formatIssues(error: z.ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: i.message
  }))
}

export function parseArgs<K extends RequestName>(method: K, raw: unknown): ParsedArgs<K> {
  const r = requests[method].args.safeParse(raw ?? {})
  if (!r.success) {
    const issues = formatIssues(r.error)
    throw new ValidationError(`${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
  }
  return r.data as ParsedArgs<K>
}

/** Errors cross process boundaries as plain data. */
export interface WireError {
  name: string
  message: string
  issues?: { path: string; message: string }[]
}

/** The API surface the renderer sees (window.workbench in Electron, the HTTP client in browser mode). */
export type WorkbenchApi = {
  [K in RequestName]: (args: Args<K>) => Promise<Result<K>>
} & {
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void
  /** Hands an export or predictions file to the user: a browser download, or Electron's Save dialog. */
  download(req: DownloadRequest): Promise<DownloadResult>
}
