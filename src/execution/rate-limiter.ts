/**
 * A token bucket per service: at most `perSecond` operations start per second, with bursts up to
 * one second's worth, so a large backlog never floods a production database.
 */
export class RateLimiter {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = perSecond
    this.last = now()
  }

  private refill(): void {
    const t = this.now()
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond)
    this.last = t
  }

  /** Waits until `count` operations may start; a batch larger than the bucket waits for the whole count. */
  async take(count: number): Promise<void> {
    this.refill()
    this.tokens -= count
    if (this.tokens < 0) await this.sleep(Math.ceil((-this.tokens / this.perSecond) * 1000))
  }
}
