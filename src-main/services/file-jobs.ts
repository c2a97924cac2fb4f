// Which experiments have an export or a prediction writing their files right now, so that deleting one of them
// is refused instead of racing the writer (which would leave files behind and fail on the deleted row).
export class FileJobs {
  private running = new Map<number, number>()

  busy(id: number): boolean {
    return this.running.has(id)
  }

  async run<T>(id: number, job: () => Promise<T>): Promise<T> {
    this.running.set(id, (this.running.get(id) ?? 0) + 1)
    try {
      return await job()
    } finally {
      const n = this.running.get(id)! - 1
      if (n > 0) this.running.set(id, n)
      else this.running.delete(id)
    }
  }
}
