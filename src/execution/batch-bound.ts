import { RevmetaError } from '../errors/revmeta-error.js'

/**
 * `work`, or a retryable CONNECTION_FAILED once it has run for `ms` (execution.batchTimeoutMs):
 * then `giveUp` discards the session it runs on, so the next batch gets fresh connections and the
 * abandoned one ends on its own (its rejection is swallowed here).
 */
export function withinBatchBound<T>(work: Promise<T>, ms: number, giveUp: () => void, service: string, size: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      work.catch(() => {})
      giveUp()
      reject(new RevmetaError('CONNECTION_FAILED', `a batch of ${size} operation(s) for service ${JSON.stringify(service)} did not finish within execution.batchTimeoutMs (${ms} ms); its connections are discarded and it is retried`, { retryable: true, details: { service, timeoutMs: ms } }))
    }, ms)
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}
