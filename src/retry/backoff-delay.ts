/** The two numbers a backoff needs; the engine's and the worker's retry policies both carry them. */
export interface BackoffPolicy {
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

/**
 * Capped exponential backoff with full jitter, so retries from many units do not arrive together.
 * Below both the orchestration (in-run retries) and execution (queued retries), which share it.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(Math.random() * ceiling)
}
