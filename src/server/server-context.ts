import type { RevmetaConfig } from '../config/load-config.js'
import type { StateStore } from '../store/state-store.js'
import type { ServerMetrics } from './metrics.js'

/** What every route plugin is given: the frozen config, the store, the metrics. */
export interface ServerContext {
  readonly config: RevmetaConfig
  readonly store: StateStore
  readonly metrics: ServerMetrics
  /** Called when intake queued new operations, so a waiting worker starts at once. */
  readonly onQueued?: () => void
  /** Where server failures are logged, one line each (default: standard error). */
  readonly log?: (line: string) => void
  /**
   * The secret webhook signatures are checked with: catalog.webhookSecret, or for the built-in
   * catalog without one, a random secret buildApp makes for this process's self-subscription.
   */
  readonly webhookSecret?: string
}
