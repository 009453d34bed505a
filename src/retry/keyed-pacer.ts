/**
 * At most `limit` starts per key in any window of `windowMs` (a sliding window): BigQuery allows
 * about five metadata updates per table (and per dataset) every ten seconds, and answers more with
 * rateLimitExceeded. Below both the orchestration and execution, which share it; the clock and
 * the sleep are injectable so tests never wait.
 */
export class KeyedPacer {
  private readonly starts = new Map<string, number[]>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleepMs: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs
    const kept = (this.starts.get(key) ?? []).filter((t) => t > since)
    if (kept.length > 0) this.starts.set(key, kept)
    else this.starts.delete(key)
    return kept
  }

  /** Starts still allowed for `key` right now. */
  available(key: string): number {
    return Math.max(0, this.limit - this.recent(key).length)
  }

  record(key: string): void {
    this.recent(key)
    this.starts.set(key, [...(this.starts.get(key) ?? []), this.now()])
  }

  /** Waits until at least one of `keys` may start again. */
  async waitForAny(keys: readonly string[]): Promise<void> {
    const waits = keys.map((key) => {
      const times = this.recent(key)
      return times.length < this.limit ? 0 : times[times.length - this.limit]! + this.windowMs - this.now()
    })
    const ms = Math.max(1, Math.min(...waits))
    await this.sleepMs(ms)
  }
}
