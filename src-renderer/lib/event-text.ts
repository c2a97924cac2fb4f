// A run's stored events (kind + detail) as sentences for the event log: what happened, in words, never raw JSON.

import { epochTime } from './estimate-text'

type Detail = Record<string, unknown>

const num = (x: unknown) => (typeof x === 'number' ? x : null)
const str = (x: unknown) => (typeof x === 'string' ? x : null)
const FORMAT: Record<string, string> = {
  onnx: 'ONNX',
  tfjs: 'TensorFlow.js',
  pytorch: 'PyTorch',
  json: 'workbench JSON'
}

function exported(d: Detail): string {
  const f = str(d.format) ?? 'a file'
  const diff = num(d.maxAbsDiff)
  const check = d.verified ? `verified${diff != null ? ` (max |diff| ${diff.toExponential(2)})` : ''}` : 'not verified'
  return `Exported as ${FORMAT[f] ?? f}: ${check}${str(d.runtime) ? ` by ${d.runtime}` : ''}.`
}

function predicted(d: Detail): string {
  const rows = num(d.rows)
  const on = num(d.datasetId) != null ? ` on dataset #${d.datasetId}` : ''
  return `Predicted ${rows ?? 'some'} row${rows === 1 ? '' : 's'}${on}.`
}

/** Any other detail object as "key value, key value" (the keys are words already). */
function plain(d: Detail): string {
  return Object.entries(d)
    .map(
      ([k, v]) =>
        `${k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`
    )
    .join(', ')
}

const SENTENCES: Record<string, (d: Detail) => string> = {
  started: () => 'Training started.',
  resumed: (d) => (num(d.fromEpoch) != null ? `Resumed from epoch ${d.fromEpoch}.` : 'Resumed after a pause.'),
  paused: () => 'Paused.',
  completed: () => 'Completed.',
  stopped: () => 'Stopped; it can be resumed from its last epoch.',
  failed: (d) => `Failed: ${str(d.error) ?? 'no reason was given'}.`,
  interrupted: (d) => `Interrupted: ${str(d.reason) ?? str(d.error) ?? 'its process ended'}; it can be resumed.`,
  exported,
  predicted,
  edited: (d) => `Edited: ${Object.keys(d).join(', ') || 'nothing'}.`,
  duplicated: (d) => `Duplicated from experiment #${d.from}.`,
  repeated: (d) => `Repeated from experiment #${d.from} with seed ${d.seed}.`,
  estimate: (d) =>
    num(d.epochSeconds) != null
      ? `Estimated ${epochTime(d.epochSeconds as number)} per epoch from this machine's measured speed.`
      : 'Estimated its time.',
  nan: (d) => `Epoch ${d.epoch}: ${str(d.message) ?? 'the loss became NaN'}.`
}

/** One event as a sentence, e.g. `Interrupted: its process ended while it was training; it can be resumed.` */
export function eventSentence(kind: string, detail: unknown): string {
  const d: Detail = detail && typeof detail === 'object' ? (detail as Detail) : {}
  const make = SENTENCES[kind]
  if (make) return make(d)
  const rest = typeof detail === 'string' ? detail : plain(d)
  return `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1).replace(/[-_]/g, ' ')}${rest ? `: ${rest}` : ''}.`
}
