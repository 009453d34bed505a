import { loadInput } from '../dist/cli/load-input.js'
import { withStore } from '../dist/cli/with-store.js'
import { loadConfig } from '../dist/config/load-config.js'
import type { RunReport } from '../dist/model/report.js'
import { run } from '../dist/engine/run.js'
import { applyDurably } from '../dist/execution/apply-durably.js'

/**
 * Library calls inside the bench's own process, for figure 5 (latency through a proxy), which
 * predates the process-level figures: it measures the engine, not start-up or the store's opening.
 */

/** Fails loudly unless every change was applied and read back: a fast wrong answer is no answer. */
export function expectAllApplied(report: RunReport, changes: number, what: string): void {
  const s = report.summary
  if (s.applied !== changes || s.verified !== changes || s.total !== changes || report.input.errors.length > 0) {
    throw new Error(`${what}: expected ${changes} operations applied and verified, got ${JSON.stringify(s)}`)
  }
}

/**
 * The end-to-end library call, as `revmeta apply` makes it: load the configuration, read and
 * normalize the events file, then plan, read back, execute and verify, in memory or through the
 * durable store (opened, migrated if needed, and closed, as the command does).
 */
export async function revmetaApply(configFile: string, eventsFile: string, durable: boolean): Promise<RunReport> {
  const config = await loadConfig(configFile)
  const input = await loadInput({ events: eventsFile }, { keepEvents: durable })
  if (!durable) return run(config, input, { apply: true, offline: false })
  return withStore(config, (store) => applyDurably(config, store, input))
}

