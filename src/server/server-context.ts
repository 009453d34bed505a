import type { RouteContext } from '../http/route-plugin.js'
import type { ServerMetrics } from './metrics.js'

/**
 * What every route plugin of the server is given: the frozen config, the store (RouteContext),
 * and the metrics. `webhookSecret` is catalog.webhookSecret, or else the catalog backend's
 * default (the built-in catalog's random one, made per process for its self-subscription).
 */
export interface ServerContext extends RouteContext {
  readonly metrics: ServerMetrics
}
