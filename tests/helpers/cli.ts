// Runs the CLI in this process against the worker's sources, collecting what it writes.
import { runCli } from '../../src-main/cli'
import { SOURCE_ENTRY } from './workbench'

/** One CLI invocation: its exit code and everything it wrote to stdout and stderr. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = ''
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) }
  const code = await runCli(args, io, SOURCE_ENTRY)
  return { code, out, err }
}
