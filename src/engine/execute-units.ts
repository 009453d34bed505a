import type { ConnectorClient, Statement, StatementPacing, UnitResult } from '../connectors/connector.js'
import { backoffDelay } from '../retry/backoff-delay.js'
import type { KeyedPacer } from '../retry/keyed-pacer.js'

export interface RetryPolicy {
  /** Attempts per unit, the first included. */
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 }

/** The engine's declared rate limit and the pacer that keeps it, shared by every batch of a session. */
export interface Paced {
  readonly pacing: StatementPacing
  readonly pacer: KeyedPacer
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Sends units in waves that keep the engine's rate limit: each wave holds, per key, only as many
 * units as the pacer still allows, and the next wave waits for the window to open.
 */
async function sendPaced(client: ConnectorClient, route: string, units: readonly (readonly Statement[])[], paced: Paced | undefined): Promise<UnitResult[]> {
  if (paced === undefined) return client.execute(route, units)
  const { pacing, pacer } = paced
  const keys = units.map((unit) => unit.flatMap((s) => pacing.keyOf(s) ?? []))
  const results = new Array<UnitResult>(units.length)
  let pending = units.map((_, i) => i)
  // A combining client turns a call's units of one key into one request: one start per key.
  const starts = (list: readonly string[]) => (pacing.combinesPerKey ? [...new Set(list)] : list)
  while (pending.length > 0) {
    const taken = new Map<string, number>()
    const wave = pending.filter((i) => {
      const need = starts(keys[i]!).filter((k) => !(pacing.combinesPerKey && taken.has(k)))
      const fits = need.every((k) => pacer.available(k) - (taken.get(k) ?? 0) >= need.filter((x) => x === k).length)
      if (fits) for (const k of need) taken.set(k, (taken.get(k) ?? 0) + 1)
      return fits
    })
    if (wave.length === 0) {
      await pacer.waitForAny([...new Set(pending.flatMap((i) => keys[i]!))])
      continue
    }
    for (const [k, n] of taken) for (let c = 0; c < n; c++) pacer.record(k)
    const sent = await client.execute(route, wave.map((i) => units[i]!))
    wave.forEach((i, k) => (results[i] = sent[k]!))
    const done = new Set(wave)
    pending = pending.filter((i) => !done.has(i))
  }
  return results
}

/**
 * Runs units on one database and retries only the units whose failure is retryable (lock timeout,
 * broken connection, throttling); permanent failures are final at once. With `paced`, the engine's
 * rate limit holds for first attempts and retries alike.
 */
export async function executeUnits(
  client: ConnectorClient,
  database: string,
  units: readonly (readonly Statement[])[],
  policy: RetryPolicy = defaultRetryPolicy,
  paced?: Paced,
): Promise<{ results: UnitResult[]; attempts: number[] }> {
  const results: UnitResult[] = await sendPaced(client, database, units, paced)
  const attempts = units.map(() => 1)
  for (let attempt = 2; attempt <= policy.attempts; attempt++) {
    const retry = results.flatMap((r, i) => (!r.ok && r.error.retryable ? [i] : []))
    if (retry.length === 0) break
    await sleep(backoffDelay(policy, attempt - 1))
    const again = await sendPaced(client, database, retry.map((i) => units[i]!), paced)
    retry.forEach((i, k) => {
      results[i] = again[k]!
      attempts[i] = attempt
    })
  }
  return { results, attempts }
}
