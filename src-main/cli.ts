// The headless CLI, `rnn-workbench <command>`: the same service and store as the app, no window.
// Exit codes: 0 ok, 1 usage, 2 bad input, 3 training failed, 4 could not complete (store or file system).
import { errorKind } from '../src-shared/errors'
import { CONFIG_USAGE, UsageError } from './cli-config'
import { IMPORT_USAGE } from './cli-import-flags'
import { CliSession, COMMANDS, EXIT, type Io } from './cli-commands'

export { EXIT }

const USAGE = `usage: rnn-workbench <command> [options]

commands:
  import FILE [--name N] [reading flags below] [--data-dir D] [--json]
  train (--dataset ID | --csv FILE) --target COL [--inputs A,B] --window N --hidden H
        --epochs E --lr X --seed S [more data/model/training flags below] [--name N] [--data-dir D] [--json]
  preview (--dataset ID | --csv FILE) [the same data flags] [--json]
        what the mapping makes of the data: sample counts, shapes, a few (X, Y) pairs
  calibrate [--refresh] [--data-dir D] [--json]
        this machine's measured training speed, which time estimates scale (measured once per engine path)
  list [--data-dir D] [--json]
  show ID [--data-dir D] [--json]
  compare ID ID... [--data-dir D] [--json]
  pause ID | resume ID | stop ID | delete ID [--data-dir D] [--json]
  backup OUT.db [--overwrite] | restore FILE [--data-dir D] [--json]
        online copy of the whole store (safe while training); restore checks the file first and keeps the old store
  export ID --format json|onnx|tfjs|pytorch|pytorch-project --out PATH [--overwrite] [--json]
        writes the trained model and verifies it with an independent runtime (exit 3 when not verified);
        pytorch-project writes a folder that trains the run with PyTorch (python3 train.py, or torchrun)
  import-run DIR [--checkpoint CKPT] [--json]
        brings back a pytorch-project trained by PyTorch (its log and final weights, run/final.safetensors or
        train.py's --out) as an experiment marked with where it was trained
  predict (ID | MODEL.json) --csv FILE --out PRED.csv [--steps N] [--temperature T] [--seed S] [reading flags] [--overwrite] [--json]
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

${IMPORT_USAGE}

--out never replaces an existing file (or a non-empty folder) without --overwrite, and never writes the store,
its -wal/-shm files, the data folder's exports/ or the file being read.
Exit codes: 0 ok, 1 usage, 2 bad input, 3 training failed (or an export not verified), 4 could not complete
(store or file system: a full disk, a read-only folder, a damaged store).

The store defaults to $RNN_WORKBENCH_DATA_DIR, else $XDG_DATA_HOME/rnn-workbench, else ~/.local/share/rnn-workbench.
`

export async function runCli(argv: string[], io: Io, entryUrl: string): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE)
    return command ? EXIT.ok : EXIT.usage
  }
  const cli = new CliSession(io, entryUrl)
  try {
    if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}"`)
    return await COMMANDS[command](cli, rest)
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e))
    if (err.name === 'UsageError' || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`rnn-workbench: ${err.message}\n\n${USAGE}`)
      return EXIT.usage
    }
    const kind = errorKind(err)
    io.err(`rnn-workbench: ${err.message}\n`)
    return kind === 'storage' ? EXIT.storage : kind === 'internal' ? EXIT.trainingFailed : EXIT.input
  } finally {
    await cli.close()
  }
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
