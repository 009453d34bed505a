import type { RunReport } from '../engine/report.js'

/** DESIGN.md: 0 all succeeded or in place, 1 any failed, 2 usage or config errors. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const

export function exitCodeFor(report: RunReport): number {
  return report.summary.failed! > 0 || report.summary.queued! > 0 || report.input.errors.length > 0 ? exitCodes.failed : exitCodes.ok
}
