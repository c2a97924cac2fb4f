// The trained model of the run on screen, run over its validation split (`experiments.inspect`):
// predictions against targets and the gates/hidden state of the probe sequence the user picked.
import { call, messageOf } from '../api'
import type { Result } from './types'

export type InspectionResult = Result<'experiments.inspect'>

export class Inspection {
  experimentId = $state<number | null>(null)
  probe = $state(0)
  result = $state.raw<InspectionResult | null>(null)
  loading = $state(false)
  error = $state<string | null>(null)

  private seq = 0

  clear(): void {
    this.seq++
    this.experimentId = null
    this.result = null
    this.error = null
    this.loading = false
  }

  /** Inspect `id` with the probe index (clamped by the service's answer); the newest request wins. */
  async run(id: number, probe = this.probe): Promise<void> {
    const seq = ++this.seq
    if (this.experimentId !== id) this.result = null
    this.experimentId = id
    this.probe = probe
    this.loading = true
    this.error = null
    try {
      const r = await call('experiments.inspect', { id, probe })
      if (seq !== this.seq) return
      this.result = r
    } catch (e) {
      if (seq === this.seq) this.error = messageOf(e)
    } finally {
      if (seq === this.seq) this.loading = false
    }
  }
}
