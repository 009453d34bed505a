import type { ExecutionConfig } from '../config/config-schema.js'
import { backoffDelay } from '../engine/execute-units.js'
import { errorReport, type OperationReport } from '../engine/report.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { Settlement, StoredOperation } from '../store/state-store.js'

/**
 * Retry policy as data: a retryable failure goes back to the queue with capped exponential backoff
 * and jitter until `maxAttempts`; a permanent one becomes a dead letter at once.
 */
export function settlementFor(stored: StoredOperation, report: OperationReport, policy: ExecutionConfig, now = Date.now()): Settlement {
  switch (report.status) {
    case 'applied':
    case 'unchanged':
    case 'unsupported':
    case 'skipped':
      return { id: stored.id, status: report.status, report }
    case 'failed': {
      const error = report.error ?? errorReport(new RevmetaError('INTERNAL', 'failed without an error'))
      if (error.retryable && stored.attempts < policy.maxAttempts) {
        const delay = Math.max(policy.retryBaseMs / 2, backoffDelay({ attempts: policy.maxAttempts, baseDelayMs: policy.retryBaseMs, maxDelayMs: policy.retryMaxMs }, stored.attempts))
        const runAt = new Date(now + delay)
        return { id: stored.id, status: 'retry', error, runAt, report: { ...report, status: 'queued', warnings: [...report.warnings, `attempt ${stored.attempts} of ${policy.maxAttempts} failed; retrying at ${runAt.toISOString()}`] } }
      }
      return { id: stored.id, status: 'dead', error, report }
    }
    default: {
      const error = errorReport(new RevmetaError('INTERNAL', `operation ended as ${report.status} while applying`))
      return { id: stored.id, status: 'dead', error, report: { ...report, status: 'failed', error } }
    }
  }
}
