// The engine's time calibration (src-shared/estimate.ts): kept in the store's settings, checked once per process
// against the engine path a worker takes (a worker measures anew when the path differs or a refresh is asked).
import type { Store } from '../store/index'
import { engineCalibration } from '../../src-shared/contract'
import type { EngineCalibration } from '../../src-shared/estimate'
import { runTask, newTaskId } from './tasks'
import type { WorkerFactory } from './worker-factory'

/** The settings key the calibration is stored under. */
export const CALIBRATION_KEY = 'engine-calibration'

export class Calibrator {
  /** The calibration a worker confirmed (or measured) in this process. */
  private checked: EngineCalibration | null = null
  private pending: Promise<EngineCalibration> | null = null

  constructor(
    private store: Store,
    private factory: WorkerFactory
  ) {}

  /** The stored calibration, whatever its engine path (a training run checks the path itself). */
  stored(): EngineCalibration | undefined {
    const r = engineCalibration.safeParse(this.store.settings.get(CALIBRATION_KEY))
    return r.success ? r.data : undefined
  }

  /** This engine path's calibration: the stored one, or measured now (one measurement at a time). */
  get(refresh = false): Promise<EngineCalibration> {
    if (!refresh && this.checked) return Promise.resolve(this.checked)
    this.pending ??= this.measure(refresh).finally(() => {
      this.pending = null
    })
    return this.pending
  }

  private async measure(refresh: boolean): Promise<EngineCalibration> {
    const known = this.stored()
    let cal: EngineCalibration | undefined
    await runTask(this.factory, { type: 'calibrate', taskId: newTaskId(), known, refresh }, (m) => {
      if (m.type === 'calibrated') cal = m.calibration
    }).done
    if (!cal) throw new Error('the calibration worker ended without a result')
    if (cal.measuredAt !== known?.measuredAt || cal.engine !== known.engine) {
      try {
        this.store.settings.set(CALIBRATION_KEY, cal)
      } catch {
        /* a read-only store: the calibration holds for this process only */
      }
    }
    this.checked = cal
    return cal
  }
}
