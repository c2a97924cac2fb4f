// The contract's request and event names as plain data (no dependencies), so that the sandboxed
// Electron preload can build window.workbench without bundling the schemas. contract.ts checks that
// these lists and its schema maps agree.
export const REQUEST_NAMES = [
  'app.info',
  'engine.calibration',
  'datasets.import',
  'datasets.cancelImport',
  'datasets.list',
  'datasets.get',
  'datasets.sequences',
  'experiments.start',
  'experiments.stop',
  'experiments.list',
  'experiments.get',
  'experiments.diagnostics',
  'experiments.inspect',
  'experiments.pause',
  'experiments.resume',
  'experiments.delete',
  'experiments.importRun',
  'experiments.update',
  'experiments.duplicate',
  'experiments.repeat',
  'experiments.compare',
  'models.export',
  'models.predict'
] as const

export const EVENT_NAMES = [
  'training.progress',
  'training.epoch',
  'training.finished',
  'experiments.changed',
  'datasets.changed',
  'datasets.importProgress',
  'app.command'
] as const

/** IPC channel for a request (renderer → main, invoke/handle). */
export const requestChannel = (name: string): string => `wb:req:${name}`
/** IPC channel carrying every event (main → renderer). */
export const EVENT_CHANNEL = 'wb:event'
/** IPC channel of a download (renderer → main): the main process asks where to save the file and writes it. */
export const DOWNLOAD_CHANNEL = 'wb:download'
