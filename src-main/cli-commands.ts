// The CLI's commands: one handler per command, all parsing their flags the same way (`--data-dir` and `--json`
// are common to every command) and opening the store only when they need it.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { join, resolve } from 'node:path'
import { Workbench } from './services/workbench'
import { InputError, NotFoundError } from '../src-shared/errors'
import { workerFactoryFor } from './services/worker-factory'
import { appRoot, dataDirWarning, defaultDataDir, samplesDir, VERSION } from './paths'
import { formatComparison, formatExperiment, formatExperiments, resultLines } from './cli-format'
import { formatMetrics } from '../src-shared/metrics'
import { Store } from './store/index'
import { backupStore, restoreStore } from './store/backup'
import { configFlags, configFromFlags, num, UsageError } from './cli-config'
import { checkOutPath } from './out-path'
import { forecastPathOf } from '../src-worker/tasks/predict-task'
import {
  exportFormat,
  experimentConfig,
  formatIssues,
  ValidationError,
  type ExperimentConfigInput,
  type ExportFormat
} from '../src-shared/contract'
import { importFlags, importOptionsFromFlags } from './cli-import-flags'

const EXPORT_FORMATS = exportFormat.options

export const EXIT = { ok: 0, usage: 1, input: 2, trainingFailed: 3, storage: 4 } as const

export interface Io {
  out: (s: string) => void
  err: (s: string) => void
}

const common = { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } } as const

/** Parses a command's flags plus the common ones; unknown flags (and positionals when not allowed) are usage errors. */
function parse<O extends NonNullable<ParseArgsConfig['options']>, P extends boolean = false>(
  args: string[],
  options: O,
  allowPositionals?: P
) {
  return parseArgs({ args, options: { ...common, ...options }, allowPositionals: (allowPositionals ?? false) as P })
}

/** One CLI invocation: its output and the workbench it opens at most once (closed by `close`). */
export class CliSession {
  private wb: Workbench | undefined

  constructor(
    readonly io: Io,
    private readonly entryUrl: string
  ) {}

  /** Opens the store; `reading`: a command that only reads, which also works on a folder it cannot write. */
  open(dir: string | undefined, reading = false): Workbench {
    const dataDir = dir ?? defaultDataDir()
    const make = (readonly: boolean) =>
      new Workbench({
        dataDir,
        mode: 'cli',
        version: VERSION,
        workerFactory: workerFactoryFor(this.entryUrl),
        samplesDir: samplesDir(appRoot(this.entryUrl)),
        store: readonly ? { readonly } : undefined
      })
    try {
      this.wb = make(false)
    } catch (e) {
      if (!reading || !cannotWrite(e)) throw e
      this.wb = make(true)
    }
    const warning = dataDirWarning(dataDir)
    if (warning) this.io.err(warning + '\n')
    return this.wb
  }

  async close(): Promise<void> {
    await this.wb?.close()
  }

  /** `--json`: one JSON line; otherwise the human-readable text. */
  print(json: boolean | undefined, value: unknown, text: () => string): void {
    this.io.out(json ? JSON.stringify(value) + '\n' : text())
  }
}

/** The store or its folder cannot be written (a read-only folder or file system, no permission). */
function cannotWrite(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? ''
  return /^(SQLITE_READONLY|SQLITE_CANTOPEN|EROFS|EACCES|EPERM)/.test(code)
}

export type Command = (cli: CliSession, args: string[]) => Promise<number>

const fmt = (x: number | null) => (x == null ? '—' : x.toPrecision(5))

function oneId(positionals: string[], command: string): number {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one experiment ID`)
  return num(positionals[0], 'ID', true)!
}

function oneDataSource(values: { dataset?: string; csv?: string }): void {
  if ((values.dataset === undefined) === (values.csv === undefined))
    throw new UsageError('give exactly one of --dataset ID or --csv FILE')
}

/** The dataset of --dataset, or --csv imported (its named cells and other warnings on stderr, as import prints them). */
async function datasetIdOf(
  cli: CliSession,
  w: Workbench,
  values: { dataset?: string; csv?: string } & Parameters<typeof importOptionsFromFlags>[0]
): Promise<number> {
  if (values.csv === undefined) return num(values.dataset, '--dataset', true)!
  const d = await w.importPath(values.csv, undefined, { options: importOptionsFromFlags(values) })
  for (const warning of d.warnings) cli.io.err(`warning: ${warning}\n`)
  return d.id
}

function checkConfig(config: ExperimentConfigInput): void {
  const checked = experimentConfig.safeParse(config)
  if (!checked.success) {
    const issues = formatIssues(checked.error, 'config')
    throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues)
  }
}

/** Prints each epoch of the run(s) this process trains; returns the unsubscribe. */
function printEpochs(cli: CliSession, w: Workbench, json: boolean | undefined, only?: number): () => void {
  return w.on('training.epoch', (e) => {
    if (only !== undefined && e.experimentId !== only) return
    cli.print(
      json,
      { epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss, valMetrics: e.valMetrics ?? null },
      () =>
        `epoch ${e.epoch}: train ${fmt(e.trainLoss)}  val ${fmt(e.valLoss)}${e.valMetrics ? `  ${formatMetrics(e.valMetrics)}` : ''}  (${e.seconds.toFixed(2)} s)\n`
    )
  })
}

/** Waits for a run this process trains (Ctrl-C stops it cleanly) and prints its last line. */
async function finishRun(
  cli: CliSession,
  w: Workbench,
  id: number,
  json: boolean | undefined,
  cleanup: () => void
): Promise<number> {
  const stop = () => {
    w.training.stop(id)
  }
  process.once('SIGINT', stop)
  await w.waitForRun(id)
  process.off('SIGINT', stop)
  cleanup()
  const e = w.store.experiments.get(id)!
  const summary = {
    experimentId: id,
    status: e.status,
    trainLoss: e.trainLoss,
    valLoss: e.valLoss,
    valMetrics: e.valMetrics,
    baselines: e.baselines,
    verdict: e.verdict
  }
  cli.print(
    json,
    summary,
    () => `experiment ${id} ${e.status}: train ${fmt(e.trainLoss)}  val ${fmt(e.valLoss)}\n${resultLines(e)}`
  )
  if (e.status === 'failed') cli.io.err(`training failed: ${e.error}\n`)
  return e.status === 'failed' ? EXIT.trainingFailed : EXIT.ok
}

const importCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, { name: { type: 'string' }, ...importFlags }, true)
  if (positionals.length !== 1) throw new UsageError('import needs exactly one FILE')
  const options = importOptionsFromFlags(values)
  const d = await cli.open(values['data-dir']).importPath(positionals[0], values.name, { options })
  const columns = d.columns.map((c) => ({ name: c.name, type: c.type }))
  cli.print(values.json, { datasetId: d.id, rows: d.rows, columns, warnings: d.warnings }, () =>
    [
      `imported dataset ${d.id} "${d.name}": ${d.rows} rows, ${d.columns.length} columns\n`,
      ...d.columns.map((c) => `  ${c.name}: ${c.type}\n`)
    ].join('')
  )
  // the named cells and other warnings: with --json in the JSON line, otherwise on stderr
  if (!values.json) for (const w of d.warnings) cli.io.err(`warning: ${w}\n`)
  return EXIT.ok
}

const trainCommand: Command = async (cli, args) => {
  const { values } = parse(args, { ...configFlags, ...importFlags })
  oneDataSource(values)
  const config = configFromFlags(values)
  checkConfig(config)
  const w = cli.open(values['data-dir'])
  const datasetId = await datasetIdOf(cli, w, values)
  const unsubscribe = printEpochs(cli, w, values.json)
  const { experimentId } = await w.request('experiments.start', { datasetId, name: values.name, config })
  return await finishRun(cli, w, experimentId, values.json, unsubscribe)
}

const listCommand: Command = async (cli, args) => {
  const { values } = parse(args, {})
  const list = await cli.open(values['data-dir'], true).request('experiments.list', {})
  const rows = list.map((e) => ({
    id: e.id,
    name: e.name,
    status: e.status,
    datasetId: e.datasetId,
    epochsDone: e.epochsDone,
    trainLoss: e.trainLoss,
    valLoss: e.valLoss,
    valMetrics: e.valMetrics,
    verdict: e.verdict,
    config: e.config,
    createdAt: e.createdAt
  }))
  cli.print(values.json, rows, () => formatExperiments(list))
  return EXIT.ok
}

/** preview needs no model or training flags, so those get harmless defaults. */
const previewFlags = {
  ...configFlags,
  ...importFlags,
  hidden: { type: 'string', default: '16' },
  epochs: { type: 'string', default: '1' },
  lr: { type: 'string', default: '0.01' }
} as const

const previewCommand: Command = async (cli, args) => {
  const { values } = parse(args, previewFlags)
  oneDataSource(values)
  const config = configFromFlags(values)
  const w = cli.open(values['data-dir'])
  const datasetId = await datasetIdOf(cli, w, values)
  const s = await w.request('datasets.sequences', { datasetId, config })
  cli.print(values.json, s, () =>
    [
      `${s.mapping} ${s.task}: ${s.train} training and ${s.val} validation samples; x ${JSON.stringify(s.shapes.x)}, y ${JSON.stringify(s.shapes.y)}; ${s.parameters} parameters\n`,
      s.classes ? `classes: ${s.classes.join(', ')}\n` : '',
      ...s.preview.map(
        (p) => `  X ${p.xText ?? JSON.stringify(p.x)}  →  Y ${p.yText ?? p.label ?? JSON.stringify(p.y)}\n`
      ),
      ...s.warnings.map((warn) => `warning: ${warn}\n`)
    ].join('')
  )
  return EXIT.ok
}

const calibrateCommand: Command = async (cli, args) => {
  const { values } = parse(args, { refresh: { type: 'boolean', default: false } })
  const c = await cli.open(values['data-dir']).request('engine.calibration', { refresh: values.refresh })
  cli.print(
    values.json,
    c,
    () =>
      `engine: ${c.engine}\nper time step: ${(c.secondsPerStep * 1e6).toPrecision(3)} µs per sequence\n` +
      `per multiply-add: ${(c.secondsPerMac * 1e9).toPrecision(3)} ns per sequence\nmeasured: ${c.measuredAt}\n`
  )
  return EXIT.ok
}

const importRunCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, { checkpoint: { type: 'string' } }, true)
  if (positionals.length !== 1) throw new UsageError('import-run takes one project folder: import-run DIR')
  const wb = cli.open(values['data-dir'])
  const { experimentId } = await wb.request('experiments.importRun', {
    dir: positionals[0]!,
    ...(values.checkpoint ? { checkpoint: values.checkpoint } : {})
  })
  const e = wb.store.experiments.get(experimentId)!
  cli.print(
    values.json,
    {
      experimentId,
      status: e.status,
      epochs: e.epochsDone,
      trainLoss: e.trainLoss,
      valLoss: e.valLoss,
      trainedOn: e.trainedOn
    },
    () => `imported experiment ${experimentId} (${e.status}, ${e.epochsDone} epochs, trained with ${e.trainedOn})\n`
  )
  return EXIT.ok
}
const overwriteFlag = { overwrite: { type: 'boolean', default: false } } as const

const exportCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(
    args,
    { format: { type: 'string' }, out: { type: 'string' }, ...overwriteFlag },
    true
  )
  const id = oneId(positionals, 'export')
  const format = values.format
  if (!EXPORT_FORMATS.includes(format as ExportFormat))
    throw new UsageError(`--format must be ${EXPORT_FORMATS.join(', ')}`)
  const out = values.out
  if (!out) throw new UsageError('--out PATH is required')
  checkOutPath(out, '--out', { dataDir: values['data-dir'] ?? defaultDataDir(), overwrite: values.overwrite })
  const r = await cli.open(values['data-dir']).exportModel(id, format as ExportFormat, out)
  const project = format === 'pytorch-project'
  cli.print(values.json, { experimentId: id, ...r }, () =>
    [
      project
        ? `wrote the PyTorch training project of experiment ${id} to ${resolve(out)}: python3 ${join(resolve(out), 'train.py')}\n`
        : `exported experiment ${id} as ${format}: ${r.files.join(', ')}\n`,
      `${r.verified ? 'verified' : 'NOT verified'} with ${r.runtime} on ${r.heldOutSamples} held-out inputs: max |difference| = ${r.maxAbsDiff ?? '—'} (tolerance 1e-4)\n`,
      ...r.notes.map((n) => `  note: ${n}\n`)
    ].join('')
  )
  // a project is proven by running it (train.py), not at export time: its model.py check is reported, not required
  return r.verified || project ? EXIT.ok : EXIT.trainingFailed
}

const predictFlags = {
  csv: { type: 'string' },
  out: { type: 'string' },
  steps: { type: 'string' },
  temperature: { type: 'string' },
  seed: { type: 'string' },
  ...importFlags,
  ...overwriteFlag
} as const

type Prediction = Awaited<ReturnType<Workbench['predictCsv']>>

function predictionText(r: Prediction): string {
  const lines = [`wrote ${r.rows} predictions to ${r.outPath}\n`]
  if (r.forecastPath) {
    const groups = r.forecastGroups ? new Set(r.forecastGroups).size : 1
    const of = r.forecastGroups ? ` of each of ${groups} groups` : ''
    lines.push(`wrote the ${r.forecast!.length / groups}-step closed-loop forecast${of} to ${r.forecastPath}\n`)
  }
  if (r.generated) lines.push(r.generated.map((g) => `  ${g}\n`).join(''))
  if (r.score) {
    const sc = r.score
    lines.push(
      `scored ${sc.count} predictions against the file's "${sc.target}": ${sc.accuracy !== undefined ? `accuracy ${sc.accuracy.toFixed(4)}` : `MAE ${sc.mae!.toPrecision(5)}, RMSE ${sc.rmse!.toPrecision(5)}`}\n`
    )
  }
  for (const w of r.warnings) lines.push(`warning: ${w}\n`)
  return lines.join('')
}

const predictCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, predictFlags, true)
  if (positionals.length !== 1)
    throw new UsageError('predict needs exactly one experiment ID or native model file (.json)')
  if (!values.out) throw new UsageError('predict needs --out PRED.csv (and --csv FILE, except for generative models)')
  // an experiment of the store, or a model file exported as native JSON (inference only)
  const source = /^\d+$/.test(positionals[0]) ? Number(positionals[0]) : positionals[0]
  checkOutPath(values.out, '--out', {
    dataDir: values['data-dir'] ?? defaultDataDir(),
    overwrite: values.overwrite,
    inputs: [values.csv, typeof source === 'string' ? source : undefined],
    alsoWrites: values.steps !== undefined ? [forecastPathOf(values.out)] : []
  })
  const r = await cli.open(values['data-dir']).predictCsv(source, values.csv, values.out, {
    steps: num(values.steps, '--steps', true),
    temperature: num(values.temperature, '--temperature', false),
    seed: num(values.seed, '--seed', true),
    importOptions: importOptionsFromFlags(values)
  })
  const from = typeof source === 'number' ? { experimentId: source } : { model: source }
  cli.print(values.json, { ...from, ...r }, () => predictionText(r))
  return EXIT.ok
}

const backupCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, overwriteFlag, true)
  if (positionals.length !== 1) throw new UsageError('backup needs exactly one OUT.db path')
  // a separate process from the app: one-step online backup, a consistent snapshot even while it trains
  const store = Store.open(values['data-dir'] ?? defaultDataDir())
  try {
    const r = await backupStore(store.db, positionals[0], { overwrite: values.overwrite, pagesPerStep: Infinity })
    cli.print(
      values.json,
      r,
      () =>
        `backed up the store to ${r.path}: ${r.bytes} bytes, ${r.rows.experiments ?? 0} experiments, ${r.rows.epochs ?? 0} epochs (${r.seconds.toFixed(2)} s)\n`
    )
    return EXIT.ok
  } finally {
    store.close()
  }
}

const restoreCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, {}, true)
  if (positionals.length !== 1) throw new UsageError('restore needs exactly one FILE')
  const r = restoreStore(values['data-dir'] ?? defaultDataDir(), positionals[0])
  cli.print(
    values.json,
    r,
    () =>
      `restored ${r.restoredFrom} into ${r.path} (${r.rows.experiments ?? 0} experiments)${r.previous ? `; the replaced store was kept as ${r.previous}` : ''}\n`
  )
  return EXIT.ok
}

const showCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, {}, true)
  const id = oneId(positionals, 'show')
  const e = await cli.open(values['data-dir'], true).request('experiments.get', { id })
  cli.print(values.json, e, () => formatExperiment(e))
  return EXIT.ok
}

const compareCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, {}, true)
  const ids = positionals.map((p) => num(p, 'ID', true)!)
  if (ids.length < 2 || ids.length > 10) throw new UsageError('compare needs 2 to 10 experiment IDs')
  const c = await cli.open(values['data-dir'], true).request('experiments.compare', { ids })
  cli.print(values.json, c, () => formatComparison(c))
  return EXIT.ok
}

/** pause, stop and delete: one request on one experiment, exit 2 when its state does not allow it. */
const actionCommand =
  (command: 'pause' | 'stop' | 'delete'): Command =>
  async (cli, args) => {
    const { values, positionals } = parse(args, {}, true)
    const id = oneId(positionals, command)
    const r = await cli.open(values['data-dir']).request(`experiments.${command}`, { id })
    cli.print(values.json, { experimentId: id, ok: r.ok }, () =>
      r.ok ? `${command}: experiment ${id} ok\n` : `${command}: experiment ${id} is not in a state that allows it\n`
    )
    return r.ok ? EXIT.ok : EXIT.input
  }

/** Continues a run here from its last checkpoint, or un-pauses a run another process trains. */
const resumeCommand: Command = async (cli, args) => {
  const { values, positionals } = parse(args, {}, true)
  const id = oneId(positionals, 'resume')
  const w = cli.open(values['data-dir'])
  const before = w.store.experiments.get(id)
  if (!before) throw new NotFoundError(`experiment ${id} does not exist`)
  const remote = w.store.experiments.isLive(id)
  const unsubscribe = remote ? () => {} : printEpochs(cli, w, values.json, id)
  const r = await w.request('experiments.resume', { id })
  if (remote) {
    cli.print(
      values.json,
      { experimentId: id, ok: r.ok },
      () => `resume: asked the process training experiment ${id} to continue\n`
    )
    return r.ok ? EXIT.ok : EXIT.input
  }
  if (!r.ok) throw new InputError(`experiment ${id} cannot be resumed (status ${before.status})`)
  return await finishRun(cli, w, id, values.json, unsubscribe)
}

export const COMMANDS: Record<string, Command> = {
  import: importCommand,
  train: trainCommand,
  preview: previewCommand,
  calibrate: calibrateCommand,
  list: listCommand,
  show: showCommand,
  compare: compareCommand,
  pause: actionCommand('pause'),
  resume: resumeCommand,
  stop: actionCommand('stop'),
  delete: actionCommand('delete'),
  backup: backupCommand,
  restore: restoreCommand,
  export: exportCommand,
  'import-run': importRunCommand,
  predict: predictCommand
}
