// Requests about the app itself.
import { SAMPLES } from '../samples'
import type { Handlers } from './types'

export const appHandlers: Handlers<'app.info'> = {
  'app.info': async (wb) => ({
    version: wb.opts.version ?? '0.0.0',
    mode: wb.opts.mode,
    dataDir: wb.opts.dataDir,
    samples: SAMPLES.map(({ id, title, description, suggested }) => ({ id, title, description, suggested }))
  })
}
