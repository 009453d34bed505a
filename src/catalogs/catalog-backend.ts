import type { CatalogReader } from '../catalog/catalog-reader.js'
import type { IngestSummary } from '../catalog/ingest.js'
import type { RevmetaConfig } from '../config/load-config.js'
import type { RoutePlugin } from '../http/route-plugin.js'
import type { OpenMetadataClient } from '../openmetadata/om-client.js'
import type { StateStore } from '../store/state-store.js'
import type { OwnerDirectory } from '../owners/owner-directory.js'
import type { OnProgress } from '../model/progress.js'

/** A catalog's desired state, open for one batch sync; close it when the sync is done. */
export interface OpenReader {
  readonly reader: CatalogReader
  close(): Promise<void>
}

/**
 * What the commands need from a kind of catalog (`catalog.type`), so that none of them branches on
 * the type: one implementation per backend, reached through catalogs/registry.ts.
 */
export interface CatalogBackend {
  readonly type: string
  /** `serve`: route plugins mounted beside the webhook (the built-in catalog serves its API). */
  routePlugins(): Promise<RoutePlugin[]>
  /** `serve`: how the webhook admits a request when catalog.webhookSecret is not set (log line). */
  readonly webhookAdmissionWithoutSecret: string
  /**
   * `serve`: the secret webhook signatures are checked with when catalog.webhookSecret is not set.
   * The built-in catalog signs its own deliveries with a random one made per process, so outsiders
   * cannot pass for it; a catalog that cannot share a secret unasked gives undefined (tokens only).
   */
  defaultWebhookSecret(): string | undefined
  /**
   * `serve`: catalog.token when this catalog's own client calls revmeta's API with it (the built-in
   * catalog's bot acts as an editor); undefined where the token is a credential revmeta sends out.
   */
  apiTokenOf(config: RevmetaConfig): string | undefined
  /** `serve`: the client the poller reads events with, when this catalog is polled (else undefined). */
  pollClient(config: RevmetaConfig): OpenMetadataClient | undefined
  /** `sync`: the reader of the catalog's desired state. */
  openReader(config: RevmetaConfig, store: StateStore): Promise<OpenReader>
  /**
   * Names owner references that carry only an id (GET /api/v1/users/{id}, /teams/{id}), answers
   * cached for the directory's life (one run, or one webhook delivery). `store` is the open state
   * store, where the built-in catalog lives; without one it opens the store when first asked, and
   * `close` closes what it opened.
   */
  ownerDirectory(config: RevmetaConfig, store?: StateStore): ClosableOwnerDirectory
  /** `ingest`: fill the catalog from the configured services; absent where the catalog has its own ingestion. */
  ingest?(config: RevmetaConfig, store: StateStore, options: { services: readonly string[]; log: (line: string) => void; onProgress?: OnProgress }): Promise<IngestSummary[]>
}

export interface ClosableOwnerDirectory extends OwnerDirectory {
  close(): Promise<void>
}
