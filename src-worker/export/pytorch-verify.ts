// Runs exported PyTorch folders (model.py + weights) with PyTorch itself: a python3 that can `import torch` is
// looked for once per process (RNN_WORKBENCH_PYTHON, then python3, then /usr/bin/python3); the generated
// model.py is imported from its folder, `load()` builds the nn.Module from the written weights, and its outputs on
// the held-out inputs come back in the workbench's sample-major (n, ty, O) layout.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { ExportSpec } from './spec'
import { denseInputs, toSampleMajor, toTimeMajor, type HeldOut } from './held-out'

export interface TorchPython {
  python: string
  torch: string
}

/** One batch item: an exported folder and the (already normalised) inputs to run through its model.py. */
export interface TorchJob {
  dir: string
  spec: ExportSpec
  heldOut: HeldOut
}

const DRIVER = `
import importlib.util, json, sys
import torch
torch.set_num_threads(1)
out = []
for job in json.load(sys.stdin):
    spec = importlib.util.spec_from_file_location('workbench_model_%d' % len(out), job['model_py'])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.load()
    x = torch.tensor(job['x'], dtype=torch.float32).reshape(job['shape'])
    with torch.no_grad():
        y = model(x)
    out.append({'shape': list(y.shape), 'y': y.reshape(-1).tolist()})
print(json.dumps({'torch': torch.__version__, 'outputs': out}))
`

let found: Promise<TorchPython | null> | null = null

/** The first python3 with PyTorch on this machine (cached), or null with nothing printed. */
export function findTorchPython(): Promise<TorchPython | null> {
  found ??= (async () => {
    const candidates = [process.env.RNN_WORKBENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)
    for (const python of [...new Set(candidates)]) {
      try {
        const r = await run(python, ['-c', 'import torch; print(torch.__version__)'], '', 120_000)
        if (r.code === 0) return { python, torch: r.stdout.trim() }
      } catch {
        /* not there: try the next one */
      }
    }
    return null
  })()
  return found
}

/** Runs each job's model.py in one python process; outputs in the workbench's (n, ty, O) sample-major layout. */
export async function runTorch(py: TorchPython, jobs: TorchJob[]): Promise<Float32Array[]> {
  const payload = jobs.map(({ dir, spec: s, heldOut: h }) => ({
    model_py: join(dir, 'model.py'),
    x: Array.from(toTimeMajor(denseInputs(s, h), h.n, s.tx, s.inputSize)),
    shape: [s.tx, h.n, s.inputSize]
  }))
  const r = await run(py.python, ['-c', DRIVER], JSON.stringify(payload), 600_000)
  if (r.code !== 0) throw new Error(`PyTorch (${py.python}) could not run model.py: ${lastLines(r.stderr)}`)
  const res = JSON.parse(r.stdout) as { outputs: { shape: number[]; y: number[] }[] }
  return jobs.map(({ spec: s, heldOut: h }, k) => {
    const o = res.outputs[k]!
    const y = Float32Array.from(o.y)
    // many-to-one / one-to-one: [n, O]; many-to-many: [tx, n, O]; seq2seq / one-to-many: [ty, n, O]
    if (o.shape.length === 2) return y
    return toSampleMajor(y, h.n, o.shape[0]!, s.outputSize)
  })
}

function lastLines(s: string): string {
  return s.trim().split('\n').slice(-4).join(' | ') || '(no output on stderr)'
}

function run(
  cmd: string,
  args: string[],
  input: string,
  timeoutMs: number
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }
    })
    let stdout = '',
      stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    child.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
    child.stdin.on('error', () => {
      /* the process exited early: its code and stderr say why */
    })
    child.stdin.end(input)
  })
}
