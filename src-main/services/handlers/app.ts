// Requests about the app itself.
import { SAMPLES } from '../samples'
import type { Handlers } from './types'

export const appHandlers: Handlers<'app.info' | 'engine.calibration'> = {
  'app.info': async (wb) => ({
    version: wb.opts.version ?? '0.0.0',
    mode: wb.opts.mode,
    dataDir: wb.opts.dataDir,
    samples: SAMPLES.map(({ id, title, description, suggested }) => ({ id, title, description, suggested }))
  }),
  'engine.calibration': (wb, args) => wb.calibrator.get(args.refresh)
}
