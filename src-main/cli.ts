// The headless CLI, `rnn-workbench <command>`: the same service and store as the app, no window.
// Exit codes: 0 ok, 1 usage, 2 bad input, 3 training failed.
import { parseArgs } from 'node:util'
import { Workbench } from './services/workbench'
import { errorKind, InputError, NotFoundError } from '../src-shared/errors'
import { workerFactoryFor } from './services/worker-factory'
import { appRoot, defaultDataDir, samplesDir, VERSION } from './paths'
import { formatComparison, formatExperiment, formatExperiments } from './cli-format'
import { Store } from './store/index'
import { backupStore, restoreStore } from './store/backup'
import { CONFIG_USAGE, configFlags, configFromFlags, num, UsageError } from './cli-config'
import { experimentConfig, formatIssues, ValidationError } from '../src-shared/contract'

export const EXIT = { ok: 0, usage: 1, input: 2, trainingFailed: 3 } as const

const USAGE = `usage: rnn-workbench <command> [options]

commands:
  import FILE [--name N] [--data-dir D] [--json]
  train (--dataset ID | --csv FILE) --target COL [--inputs A,B] --window N --hidden H
        --epochs E --lr X --seed S [more data/model/training flags below] [--name N] [--data-dir D] [--json]
  preview (--dataset ID | --csv FILE) [the same data flags] [--json]
        what the mapping makes of the data: sample counts, shapes, a few (X, Y) pairs
  list [--data-dir D] [--json]
  show ID [--data-dir D] [--json]
  compare ID ID... [--data-dir D] [--json]
  pause ID | resume ID | stop ID | delete ID [--data-dir D] [--json]
  backup OUT.db [--overwrite] | restore FILE [--data-dir D] [--json]
        online copy of the whole store (safe while training); restore checks the file first and keeps the old store
  export ID --format json|onnx|tfjs|pytorch --out PATH [--json]
        writes the trained model and verifies it with an independent runtime (exit 3 when not verified)
  predict (ID | MODEL.json) --csv FILE --out PRED.csv [--steps N] [--temperature T] [--seed S] [--json]
        the model on a new CSV with its stored mapping (the target column is optional: when present,
        the true value and correct/error are written next to each prediction); series windows: one row
        per window, --steps adds a closed-loop forecast; grouped sequences: one row per sequence
        (many-to-one) or per step (many-to-many); text: one row per text (class, or greedy-decoded
        text for seq2seq); one-to-one: one row per row; generative (one-to-many) models sample --steps
        items per condition (or one per CSV row's condition) at --temperature with --seed (greedy
        without a temperature; text seq2seq samples too)
        resume continues an interrupted or stopped run from its last checkpoint (in this process),
        or un-pauses a run another process is training

${CONFIG_USAGE}

The store defaults to $RNN_WORKBENCH_DATA_DIR, else $XDG_DATA_HOME/rnn-workbench, else ~/.local/share/rnn-workbench.
`

interface Io {
  out: (s: string) => void
  err: (s: string) => void
}

export async function runCli(argv: string[], io: Io, entryUrl: string): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE)
    return command ? EXIT.ok : EXIT.usage
  }
  const common = { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } } as const
  let wb: Workbench | undefined
  const open = (dir: string | undefined) => {
    const root = appRoot(entryUrl)
    wb = new Workbench({
      dataDir: dir ?? defaultDataDir(),
      mode: 'cli',
      version: VERSION,
      workerFactory: workerFactoryFor(entryUrl),
      samplesDir: samplesDir(root)
    })
    return wb
  }
  try {
    if (command === 'import') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...common, name: { type: 'string' } },
        allowPositionals: true
      })
      if (positionals.length !== 1) throw new UsageError('import needs exactly one FILE')
      const d = await open(values['data-dir']).importPath(positionals[0], values.name)
      if (values.json) {
        io.out(
          JSON.stringify({
            datasetId: d.id,
            rows: d.rows,
            columns: d.columns.map((c) => ({ name: c.name, type: c.type })),
            warnings: d.warnings
          }) + '\n'
        )
      } else {
        io.out(`imported dataset ${d.id} "${d.name}": ${d.rows} rows, ${d.columns.length} columns\n`)
        for (const c of d.columns) io.out(`  ${c.name}: ${c.type}\n`)
        for (const w of d.warnings) io.out(`  warning: ${w}\n`)
      }
      return EXIT.ok
    }
    if (command === 'train') {
      const { values } = parseArgs({ args: rest, options: { ...common, ...configFlags } })
      if ((values.dataset === undefined) === (values.csv === undefined))
        throw new UsageError('give exactly one of --dataset ID or --csv FILE')
      const config = configFromFlags(values)
      const checked = experimentConfig.safeParse(config)
      if (!checked.success) {
        const issues = formatIssues(checked.error, 'config')
        throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues)
      }
      const w = open(values['data-dir'])
      const datasetId =
        values.csv !== undefined ? (await w.importPath(values.csv)).id : num(values.dataset, '--dataset', true)!
      const unsubs = [
        w.on('training.epoch', (e) => {
          if (values.json) io.out(JSON.stringify({ epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss }) + '\n')
          else
            io.out(`epoch ${e.epoch}: train ${fmt(e.trainLoss)}  val ${fmt(e.valLoss)}  (${e.seconds.toFixed(2)} s)\n`)
        })
      ]
      const { experimentId } = await w.request('experiments.start', { datasetId, name: values.name, config })
      return await finishRun(w, experimentId, values.json, io, () => unsubs.forEach((u) => u()))
    }
    if (command === 'list') {
      const { values } = parseArgs({ args: rest, options: common })
      const list = await open(values['data-dir']).request('experiments.list', {})
      if (values.json)
        io.out(
          JSON.stringify(
            list.map((e) => ({
              id: e.id,
              name: e.name,
              status: e.status,
              datasetId: e.datasetId,
              epochsDone: e.epochsDone,
              trainLoss: e.trainLoss,
              valLoss: e.valLoss,
              config: e.config,
              createdAt: e.createdAt
            }))
          ) + '\n'
        )
      else io.out(formatExperiments(list))
      return EXIT.ok
    }
    if (command === 'preview') {
      const { values } = parseArgs({
        args: rest,
        options: {
          ...common,
          ...configFlags,
          hidden: { type: 'string', default: '16' },
          epochs: { type: 'string', default: '1' },
          lr: { type: 'string', default: '0.01' }
        }
      })
      if ((values.dataset === undefined) === (values.csv === undefined))
        throw new UsageError('give exactly one of --dataset ID or --csv FILE')
      const config = configFromFlags(values)
      const w = open(values['data-dir'])
      const datasetId =
        values.csv !== undefined ? (await w.importPath(values.csv)).id : num(values.dataset, '--dataset', true)!
      const s = await w.request('datasets.sequences', { datasetId, config })
      if (values.json) io.out(JSON.stringify(s) + '\n')
      else {
        io.out(
          `${s.mapping} ${s.task}: ${s.train} training and ${s.val} validation samples; x ${JSON.stringify(s.shapes.x)}, y ${JSON.stringify(s.shapes.y)}; ${s.parameters} parameters\n`
        )
        if (s.classes) io.out(`classes: ${s.classes.join(', ')}\n`)
        for (const p of s.preview)
          io.out(`  X ${p.xText ?? JSON.stringify(p.x)}  →  Y ${p.yText ?? p.label ?? JSON.stringify(p.y)}\n`)
        for (const warn of s.warnings) io.out(`warning: ${warn}\n`)
      }
      return EXIT.ok
    }
    if (command === 'export') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...common, format: { type: 'string' }, out: { type: 'string' } },
        allowPositionals: true
      })
      const id = oneId(positionals, 'export')
      const format = values.format
      if (format !== 'json' && format !== 'onnx' && format !== 'tfjs' && format !== 'pytorch')
        throw new UsageError('--format must be json, onnx, tfjs or pytorch')
      const out = values.out
      if (!out) throw new UsageError('--out PATH is required')
      const r = await open(values['data-dir']).exportModel(id, format, out)
      if (values.json) io.out(JSON.stringify({ experimentId: id, ...r }) + '\n')
      else {
        io.out(`exported experiment ${id} as ${format}: ${r.files.join(', ')}\n`)
        io.out(
          `${r.verified ? 'verified' : 'NOT verified'} with ${r.runtime} on ${r.heldOutSamples} held-out inputs: max |difference| = ${r.maxAbsDiff ?? '—'} (tolerance 1e-4)\n`
        )
        for (const n of r.notes) io.out(`  note: ${n}\n`)
      }
      return r.verified ? EXIT.ok : EXIT.trainingFailed
    }
    if (command === 'predict') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          ...common,
          csv: { type: 'string' },
          out: { type: 'string' },
          steps: { type: 'string' },
          temperature: { type: 'string' },
          seed: { type: 'string' }
        }
      })
      if (positionals.length !== 1)
        throw new UsageError('predict needs exactly one experiment ID or native model file (.json)')
      if (!values.out)
        throw new UsageError('predict needs --out PRED.csv (and --csv FILE, except for generative models)')
      // an experiment of the store, or a model file exported as native JSON (inference only)
      const source = /^\d+$/.test(positionals[0]) ? Number(positionals[0]) : positionals[0]
      const r = await open(values['data-dir']).predictCsv(source, values.csv, values.out, {
        steps: num(values.steps, '--steps', true),
        temperature: num(values.temperature, '--temperature', false),
        seed: num(values.seed, '--seed', true)
      })
      if (values.json)
        io.out(
          JSON.stringify({ ...(typeof source === 'number' ? { experimentId: source } : { model: source }), ...r }) +
            '\n'
        )
      else {
        io.out(`wrote ${r.rows} predictions to ${r.outPath}\n`)
        if (r.forecastPath) io.out(`wrote the ${r.forecast!.length}-step closed-loop forecast to ${r.forecastPath}\n`)
        if (r.generated) io.out(r.generated.map((g) => `  ${g}\n`).join(''))
        if (r.score) {
          const sc = r.score
          io.out(
            `scored ${sc.count} predictions against the file's "${sc.target}": ${sc.accuracy !== undefined ? `accuracy ${sc.accuracy.toFixed(4)}` : `MAE ${sc.mae!.toPrecision(5)}, RMSE ${sc.rmse!.toPrecision(5)}`}\n`
          )
        }
        for (const w of r.warnings) io.out(`warning: ${w}\n`)
      }
      return EXIT.ok
    }
    if (command === 'backup') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...common, overwrite: { type: 'boolean', default: false } },
        allowPositionals: true
      })
      if (positionals.length !== 1) throw new UsageError('backup needs exactly one OUT.db path')
      // a separate process from the app: one-step online backup, a consistent snapshot even while it trains
      const store = Store.open(values['data-dir'] ?? defaultDataDir())
      try {
        const r = await backupStore(store.db, positionals[0], { overwrite: values.overwrite, pagesPerStep: Infinity })
        if (values.json) io.out(JSON.stringify(r) + '\n')
        else
          io.out(
            `backed up the store to ${r.path}: ${r.bytes} bytes, ${r.rows.experiments ?? 0} experiments, ${r.rows.epochs ?? 0} epochs (${r.seconds.toFixed(2)} s)\n`
          )
        return EXIT.ok
      } finally {
        store.close()
      }
    }
    if (command === 'restore') {
      const { values, positionals } = parseArgs({ args: rest, options: common, allowPositionals: true })
      if (positionals.length !== 1) throw new UsageError('restore needs exactly one FILE')
      const r = restoreStore(values['data-dir'] ?? defaultDataDir(), positionals[0])
      if (values.json) io.out(JSON.stringify(r) + '\n')
      else
        io.out(
          `restored ${r.restoredFrom} into ${r.path} (${r.rows.experiments ?? 0} experiments)${r.previous ? `; the replaced store was kept as ${r.previous}` : ''}\n`
        )
      return EXIT.ok
    }
    if (command === 'show') {
      const { values, positionals } = parseArgs({ args: rest, options: common, allowPositionals: true })
      const id = oneId(positionals, 'show')
      const w = open(values['data-dir'])
      const e = await w.request('experiments.get', { id })
      io.out(values.json ? JSON.stringify(e) + '\n' : formatExperiment(e))
      return EXIT.ok
    }
    if (command === 'compare') {
      const { values, positionals } = parseArgs({ args: rest, options: common, allowPositionals: true })
      const ids = positionals.map((p) => num(p, 'ID', true)!)
      if (ids.length < 2 || ids.length > 10) throw new UsageError('compare needs 2 to 10 experiment IDs')
      const c = await open(values['data-dir']).request('experiments.compare', { ids })
      io.out(values.json ? JSON.stringify(c) + '\n' : formatComparison(c))
      return EXIT.ok
    }
    if (command === 'pause' || command === 'stop' || command === 'delete') {
      const { values, positionals } = parseArgs({ args: rest, options: common, allowPositionals: true })
      const id = oneId(positionals, command)
      const r = await open(values['data-dir']).request(`experiments.${command}`, { id })
      if (values.json) io.out(JSON.stringify({ experimentId: id, ok: r.ok }) + '\n')
      else
        io.out(
          r.ok ? `${command}: experiment ${id} ok\n` : `${command}: experiment ${id} is not in a state that allows it\n`
        )
      return r.ok ? EXIT.ok : EXIT.input
    }
    if (command === 'resume') {
      const { values, positionals } = parseArgs({ args: rest, options: common, allowPositionals: true })
      const id = oneId(positionals, 'resume')
      const w = open(values['data-dir'])
      const before = w.store.experiments.get(id)
      if (!before) throw new NotFoundError(`experiment ${id} does not exist`)
      const remote = w.store.experiments.isLive(id)
      const printEpochs = remote
        ? () => {}
        : w.on('training.epoch', (e) => {
            if (e.experimentId !== id) return
            if (values.json)
              io.out(JSON.stringify({ epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss }) + '\n')
            else
              io.out(
                `epoch ${e.epoch}: train ${fmt(e.trainLoss)}  val ${fmt(e.valLoss)}  (${e.seconds.toFixed(2)} s)\n`
              )
          })
      const r = await w.request('experiments.resume', { id })
      if (remote) {
        if (values.json) io.out(JSON.stringify({ experimentId: id, ok: r.ok }) + '\n')
        else io.out(`resume: asked the process training experiment ${id} to continue\n`)
        return r.ok ? EXIT.ok : EXIT.input
      }
      if (!r.ok) throw new InputError(`experiment ${id} cannot be resumed (status ${before.status})`)
      return await finishRun(w, id, values.json, io, printEpochs)
    }
    throw new UsageError(`unknown command "${command}"`)
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e))
    if (err.name === 'UsageError' || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`rnn-workbench: ${err.message}\n\n${USAGE}`)
      return EXIT.usage
    }
    const kind = errorKind(err)
    io.err(`rnn-workbench: ${err.message}\n`)
    return kind === 'internal' ? EXIT.trainingFailed : EXIT.input
  } finally {
    await wb?.close()
  }
}

const fmt = (x: number | null) => (x == null ? '—' : x.toPrecision(5))

function oneId(positionals: string[], command: string): number {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one experiment ID`)
  return num(positionals[0], 'ID', true)!
}

/** Waits for a run this process trains (Ctrl-C stops it cleanly) and prints its last line. */
async function finishRun(
  w: Workbench,
  id: number,
  json: boolean | undefined,
  io: Io,
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
  if (json)
    io.out(JSON.stringify({ experimentId: id, status: e.status, trainLoss: e.trainLoss, valLoss: e.valLoss }) + '\n')
  else io.out(`experiment ${id} ${e.status}: train ${fmt(e.trainLoss)}  val ${fmt(e.valLoss)}\n`)
  if (e.status === 'failed') io.err(`training failed: ${e.error}\n`)
  return e.status === 'failed' ? EXIT.trainingFailed : EXIT.ok
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)
if (isMain || process.env.RNN_WORKBENCH_CLI_MAIN === '1') {
  runCli(
    process.argv.slice(2),
    { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
    import.meta.url
  ).then((code) => {
    process.exitCode = code
  })
}
