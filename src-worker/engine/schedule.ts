// Learning-rate schedules, stepped once per epoch (PyTorch StepLR, CosineAnnealingLR with T_max = epochs and
// eta_min = 0, ReduceLROnPlateau in 'min' mode with relative threshold 1e-4).

export interface ScheduleConfig {
  kind: 'none' | 'step' | 'cosine' | 'plateau'
  stepSize?: number
  gamma?: number
  patience?: number
  factor?: number
}

export class LrSchedule {
  lr: number
  private base: number
  private best = Infinity
  private bad = 0
  constructor(
    private readonly c: ScheduleConfig,
    lr0: number,
    private readonly epochs: number
  ) {
    this.lr = lr0
    this.base = lr0
  }

  /** After epoch `e` (1-based) with validation metric `metric`: the lr of epoch e + 1. */
  endEpoch(e: number, metric: number): void {
    switch (this.c.kind) {
      case 'step':
        this.lr = this.base * Math.pow(this.c.gamma ?? 0.1, Math.floor(e / Math.max(1, this.c.stepSize ?? 10)))
        break
      case 'cosine':
        this.lr = (this.base * (1 + Math.cos((Math.PI * Math.min(e, this.epochs)) / Math.max(1, this.epochs)))) / 2
        break
      case 'plateau':
        if (metric < this.best * (1 - 1e-4)) {
          this.best = metric
          this.bad = 0
        } else if (++this.bad > (this.c.patience ?? 10)) {
          this.lr *= this.c.factor ?? 0.1
          this.bad = 0
        }
        break
      default:
        break
    }
  }

  /** State for checkpoints: [lr, base, best, bad]. */
  getState(): number[] {
    return [this.lr, this.base, this.best, this.bad]
  }
  setState(s: number[]): void {
    ;[this.lr, this.base, this.best, this.bad] = s
  }

  /** Scale the schedule (NaN revert halves the learning rate for the rest of the run). */
  scaleBase(f: number): void {
    this.base *= f
    this.lr *= f
  }
}
