import type { ExecutionConfig } from '../config/config-schema.js'
import { backoffDelay } from '../retry/backoff-delay.js'
import { errorReport, type ErrorReport, type OperationReport } from '../model/report.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { Settlement, StoredOperation } from '../store/state-store.js'

/**
 * Retry policy as data: a retryable failure goes back to the queue with capped exponential backoff
 * and jitter until `maxAttempts`; a permanent one becomes a dead letter at once.
 */
export function settlementFor(stored: StoredOperation, report: OperationReport, policy: ExecutionConfig, now = Date.now()): Settlement {
  const retry = (error: ErrorReport): Settlement => {
    const delay = Math.max(policy.retryBaseMs / 2, backoffDelay({ baseDelayMs: policy.retryBaseMs, maxDelayMs: policy.retryMaxMs }, stored.attempts))
    const runAt = new Date(now + delay)
    return { id: stored.id, op: stored.op, status: 'retry', error, runAt, report: { ...report, status: 'queued', warnings: [...report.warnings, `attempt ${stored.attempts} of ${policy.maxAttempts} failed; retrying at ${runAt.toISOString()}`] } }
  }
  // As the in-memory engine says it: the final report names the retries it took.
  const settled = stored.attempts > 1 ? { ...report, warnings: [...report.warnings, `took ${stored.attempts} attempts`] } : report
  switch (report.status) {
    case 'applied':
      // Sent, but the read-back that verifies it lost its connection: the next attempt reads it
      // back, finds it in place and records it as recovered and verified (see StateStore.settle).
      if (report.verified === false && stored.attempts < policy.maxAttempts) {
        return retry(errorReport(new RevmetaError('CONNECTION_FAILED', 'applied, but reading it back to verify it failed', { retryable: true })))
      }
      return { id: stored.id, op: stored.op, status: report.status, report: settled }
    case 'unchanged':
    case 'unsupported':
    case 'skipped':
      return { id: stored.id, op: stored.op, status: report.status, report: settled }
    case 'failed': {
      const error = report.error ?? errorReport(new RevmetaError('INTERNAL', 'failed without an error'))
      if (error.retryable && stored.attempts < policy.maxAttempts) return retry(error)
      return { id: stored.id, op: stored.op, status: 'dead', error, report }
    }
    default: {
      const error = errorReport(new RevmetaError('INTERNAL', `operation ended as ${report.status} while applying`))
      return { id: stored.id, op: stored.op, status: 'dead', error, report: { ...report, status: 'failed', error } }
    }
  }
}
