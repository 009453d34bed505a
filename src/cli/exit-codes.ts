import type { RunReport } from '../model/report.js'

/** DESIGN.md: 0 all succeeded or in place, 1 any failed, 2 usage or config errors. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const

/**
 * An operation left queued counts as not done, unless queueing was all that was asked
 * (`apply --queue-only`): then it is the success.
 */
export function exitCodeFor(report: RunReport, options: { queuedIsDone?: boolean } = {}): number {
  const queued = options.queuedIsDone ? 0 : report.summary.queued!
  return report.summary.failed! > 0 || queued > 0 || report.input.errors.length > 0 ? exitCodes.failed : exitCodes.ok
}
