// RNN_WORKBENCH_MAX_RUNS=N: how many runs train at once (both shells). Unset: the service's default, one
// per core but one — a single run on a 2-core machine. The e2e specs and `npm run bench:ui` set 2 to
// train two runs side by side.
export const MAX_RUNS_ENV = 'RNN_WORKBENCH_MAX_RUNS'

export function maxRunsFromEnv(env: Record<string, string | undefined> = process.env): number | undefined {
  const raw = env[MAX_RUNS_ENV]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(`${MAX_RUNS_ENV}: "${raw}" is not a whole number of runs from 1 to 64`)
  return n
}
