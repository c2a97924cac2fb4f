// Fault injection for the crash-safety tests: RNN_WORKBENCH_FAULT=kill-in-checkpoint:<epoch> kills
// this process with SIGKILL in the middle of the first transaction that writes a checkpoint of that epoch
// or a later one (fast epochs travel in batches, and only the batch's latest checkpoint is written).
// Unset (always, outside those tests) it does nothing.
const spec = process.env.RNN_WORKBENCH_FAULT ?? ''
const killEpoch = /^kill-in-checkpoint:(\d+)$/.exec(spec)?.[1]

export function checkpointFault(epoch: number): void {
  if (killEpoch !== undefined && epoch >= Number(killEpoch)) process.kill(process.pid, 'SIGKILL')
}
