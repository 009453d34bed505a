import type { ConnectorClient, Statement, UnitResult } from '../connectors/connector.js'
import { backoffDelay } from '../retry/backoff-delay.js'

export interface RetryPolicy {
  /** Attempts per unit, the first included. */
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs units on one database and retries only the units whose failure is retryable (lock timeout,
 * broken connection); permanent failures are final at once.
 */
export async function executeUnits(
  client: ConnectorClient,
  database: string,
  units: readonly (readonly Statement[])[],
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<{ results: UnitResult[]; attempts: number[] }> {
  const results: UnitResult[] = await client.execute(database, units)
  const attempts = units.map(() => 1)
  for (let attempt = 2; attempt <= policy.attempts; attempt++) {
    const retry = results.flatMap((r, i) => (!r.ok && r.error.retryable ? [i] : []))
    if (retry.length === 0) break
    await sleep(backoffDelay(policy, attempt - 1))
    const again = await client.execute(database, retry.map((i) => units[i]!))
    retry.forEach((i, k) => {
      results[i] = again[k]!
      attempts[i] = attempt
    })
  }
  return { results, attempts }
}
