import type { RevmetaError } from '../errors/revmeta-error.js'

const firstWaitMs = 200
const maxWaitMs = 5_000

/**
 * How a worker rides out a state store that cannot be reached: retryable failures are waited out
 * with a doubling pause (200 ms up to 5 s), for good in a long-running worker, up to `horizonMs`
 * of continuous failure in a drain (`revmeta apply`), which then fails with the store's error.
 * Anything not retryable is not waited out at all.
 */
export class StoreOutage {
  private since: number | undefined
  private wait = firstWaitMs

  constructor(private readonly horizonMs: number | undefined) {}

  /** The store answered: the next outage starts from scratch. */
  over(): void {
    this.since = undefined
    this.wait = firstWaitMs
  }

  /** How long to pause before trying again, or undefined to give up and rethrow. */
  failed(error: RevmetaError, now = Date.now()): number | undefined {
    if (!error.retryable) return undefined
    this.since ??= now
    if (this.horizonMs !== undefined && now - this.since > this.horizonMs) return undefined
    const wait = this.wait
    this.wait = Math.min(maxWaitMs, this.wait * 2)
    return wait
  }
}
