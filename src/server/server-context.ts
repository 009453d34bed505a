import type { CatalogBackend } from '../catalogs/catalog-backend.js'
import type { LiveConfig } from '../config/live-config.js'
import type { RouteContext } from '../http/route-plugin.js'
import type { ServerMetrics } from './metrics.js'
import type { OwnerDirectory } from '../owners/owner-directory.js'

/**
 * What every route plugin of the server is given: the frozen config, the store (RouteContext),
 * and the metrics. `webhookSecret` is catalog.webhookSecret, or else the catalog backend's
 * default (the built-in catalog's random one, made per process for its self-subscription).
 */
export interface ServerContext extends RouteContext {
  readonly metrics: ServerMetrics
  /** The catalog's directory of users and teams, made fresh (its cache empty) for each delivery. */
  readonly ownerDirectory?: () => OwnerDirectory
  /** The channels of this server, YAML and web app (buildApp makes one from config when not given; config is then its live view). */
  readonly live?: LiveConfig
  /** The catalog backend, for Run Now and schedules (batch sync reads the catalog's desired state). */
  readonly catalogBackend?: CatalogBackend
  /** Told when channels or schedules were saved, so `serve` reschedules. */
  readonly onChannelsChanged?: () => void
}
