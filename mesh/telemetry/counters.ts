/** Envoy-style named counters (`upstream_rq_retry`, `upstream_rq_pending_overflow`, …) for one cluster. */
export class Counters {
  private readonly values = new Map<string, number>()

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by)
  }

  get(name: string): number {
    return this.values.get(name) ?? 0
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => a.localeCompare(b)))
  }
}
