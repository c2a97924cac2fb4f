// Fault injection for the crash-safety tests: RNN_WORKBENCH_FAULT=kill-in-checkpoint:<epoch> kills
// this process with SIGKILL in the middle of the transaction that writes that epoch's checkpoint.
// Unset (always, outside those tests) it does nothing.
const spec = process.env.RNN_WORKBENCH_FAULT ?? ''
const killEpoch = /^kill-in-checkpoint:(\d+)$/.exec(spec)?.[1]

export function checkpointFault(epoch: number): void {
  if (killEpoch !== undefined && Number(killEpoch) === epoch) process.kill(process.pid, 'SIGKILL')
}
