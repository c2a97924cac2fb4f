// The calibration task: a stored calibration of this engine path is kept; another path's (or a refresh) is measured.
import { describe, expect, it } from 'vitest'
import { runCalibrate } from '../../../../src-worker/tasks/calibrate-task'
import { enginePath } from '../../../../src-worker/engine/engine-path'
import { runThreads } from '../../../../src-worker/tasks/train-task'
import type { FromWorker } from '../../../../src-worker/protocol'
import type { EngineCalibration } from '../../../../src-shared/estimate'

function calibrated(known?: EngineCalibration, refresh = false): EngineCalibration {
  let out: FromWorker | undefined
  runCalibrate({ type: 'calibrate', taskId: 1, known, refresh }, (m) => (out = m))
  if (out?.type !== 'calibrated') throw new Error('no calibration')
  return out.calibration
}

describe('calibrate task', () => {
  it('keeps a calibration of this engine path and measures anew for another path', () => {
    const here = enginePath(runThreads())
    const known = { engine: here, secondsPerStep: 1e-6, secondsPerMac: 1e-9, measuredAt: '2026-01-01T00:00:00.000Z' }
    expect(calibrated(known)).toBe(known)
    const measured = calibrated({ ...known, engine: 'WebAssembly simd · 1 thread · another CPU' })
    expect(measured.engine).toBe(here)
    expect(measured.measuredAt).not.toBe(known.measuredAt)
    expect(measured.secondsPerMac).toBeGreaterThan(0)
    expect(measured.secondsPerStep).toBeGreaterThanOrEqual(0)
  })
})
