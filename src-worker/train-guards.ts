// The training loop's bookkeeping, each a small object the loop consults once per step or epoch: the NaN guard
// (what a non-finite loss or gradient does), early stopping (the best epoch so far), and the checkpoint lender
// (the state handed to onCheckpoint without a copy per epoch).

import type { Arr } from './engine/arr.js'
import { allFinite } from './engine/arr.js'
import type { Optimizer, OptimizerState } from './engine/optim.js'
import type { Rng } from './engine/rng.js'
import type { LrSchedule } from './engine/schedule.js'
import type { TrainState } from './trainer.js'

/** What the guard decided about a non-finite step: fail the run, or revert the epoch with a warning. */
export type NanOutcome = { fail: string } | { warning: string }

/**
 * Keeps the weights and optimizer moments of the last clean epoch and, on a non-finite loss or gradient, either
 * fails the run (`nanPolicy: 'fail'`) or goes back to them with half the learning rate (`'revert'`, at most 5 times).
 */
export class NanGuard {
  /** The state a revert goes back to: refreshed in place after every clean epoch. */
  readonly good: { params: Arr; opt: OptimizerState }
  reverts = 0

  constructor(
    private readonly policy: 'fail' | 'revert',
    private readonly params: Arr,
    private readonly opt: Optimizer
  ) {
    this.good = { params: params.slice(), opt: opt.snapshot() }
  }

  restore(s: TrainState): void {
    this.good.params.set(s.good.params)
    this.good.opt.m.set(s.good.opt.m)
    this.good.opt.v.set(s.good.opt.v)
    this.good.opt.t = s.good.opt.t
    this.good.opt.x = undefined // a checkpoint's "good" carries no AMSGrad/centred average: a revert leaves it as it is
    this.reverts = s.reverts
  }

  /** A step went non-finite (`message` says where): fail, or revert to the last clean epoch's state. */
  onBad(message: string, epoch: number): NanOutcome {
    if (this.policy === 'fail') {
      if (!allFinite(this.params)) this.params.set(this.good.params) // never hand back non-finite weights
      return { fail: message }
    }
    if (++this.reverts > 5) return { fail: `${message}; gave up after 5 reverts` }
    this.params.set(this.good.params)
    this.opt.restore(this.good.opt)
    this.opt.lr *= 0.5
    return {
      warning: `${message}: reverted to the weights at the start of epoch ${epoch} and halved the learning rate to ${this.opt.lr}`
    }
  }

  /** After a clean epoch: its state is the one a later revert goes back to. */
  refresh(): void {
    this.good.params.set(this.params)
    this.opt.snapshotInto(this.good.opt)
  }
}

/** The best epoch so far by the epoch's metric, and (with early stopping) its weights and the count of worse epochs. */
export class EarlyStopping {
  best = Infinity
  bestEpoch = 0
  bad = 0
  bestParams: Arr | null = null
  stopped = false

  constructor(private readonly patience: number | undefined) {}

  restore(s: TrainState): void {
    this.best = s.best
    this.bestEpoch = s.bestEpoch
    this.bad = s.bad
    this.bestParams = s.bestParams ? s.bestParams.slice() : null
  }

  /** Records epoch `epoch`'s metric; true when the run should stop after it. */
  update(metric: number, epoch: number, params: Arr): boolean {
    if (metric < this.best) {
      this.best = metric
      this.bestEpoch = epoch
      this.bad = 0
      if (this.patience !== undefined) this.bestParams = params.slice() // a new array: a lent one is never written
      return false
    }
    if (this.patience !== undefined && ++this.bad >= this.patience) this.stopped = true
    return this.stopped
  }
}

/**
 * Builds the state onCheckpoint receives from the trainer's own arrays: after a clean epoch the NaN guard's "good"
 * state was just refreshed to the current one and is lent as both; after a reverted epoch the current weights and
 * moments are copied into one reused pair. The order is that of the epoch that ended (the next one reshuffles).
 */
export class CheckpointLender {
  private readonly orderAt: Int32Array
  private current: { params: Arr; opt: OptimizerState } | null = null

  constructor(n: number) {
    this.orderAt = new Int32Array(n)
  }

  lend(
    epoch: number,
    reverted: boolean,
    w: { params: Arr; opt: Optimizer; rng: Rng; order: Int32Array; sched: LrSchedule },
    guard: NanGuard,
    stopping: EarlyStopping
  ): TrainState {
    this.orderAt.set(w.order)
    const good = guard.good
    let now: { params: Arr; opt: OptimizerState } = good
    if (reverted) {
      this.current ??= { params: w.params.slice(), opt: w.opt.snapshot() }
      this.current.params.set(w.params)
      w.opt.snapshotInto(this.current.opt)
      now = this.current
    }
    return {
      version: 1,
      epoch,
      params: now.params,
      opt: now.opt,
      lr: w.opt.lr,
      rng: w.rng.getState(),
      order: this.orderAt,
      sched: w.sched.getState(),
      best: stopping.best,
      bestEpoch: stopping.bestEpoch,
      bad: stopping.bad,
      bestParams: stopping.bestParams,
      good: { params: good.params, opt: { m: good.opt.m, v: good.opt.v, t: good.opt.t } },
      reverts: guard.reverts
    }
  }
}
