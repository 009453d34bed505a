import type { RevmetaConfig } from '../config/load-config.js'
import { OpenMetadataClient } from '../openmetadata/om-client.js'
import type { CatalogBackend } from './catalog-backend.js'

// The loader checked catalog.url for this type (src/config/load-config.ts).
const clientOf = (config: RevmetaConfig) => new OpenMetadataClient({ url: config.catalog.url!, token: config.catalog.token, timeoutMs: config.catalog.timeoutMs })

/** A real OpenMetadata server, reached over its REST API: polled or pushing to the webhook. */
export const openMetadataBackend: CatalogBackend = {
  type: 'openmetadata',
  routePlugins: async () => [],
  webhookAdmissionWithoutSecret: 'an editor token (no catalog.webhookSecret set)',
  // OpenMetadata's subscription holds the secret the operator gives both sides; none is invented.
  defaultWebhookSecret: () => undefined,
  // catalog.token is revmeta's credential towards OpenMetadata, never one revmeta accepts.
  apiTokenOf: () => undefined,
  pollClient: (config) => (config.catalog.poll ? clientOf(config) : undefined),
  openReader: async (config) => ({ reader: clientOf(config), close: async () => {} }),
  // No ingest: OpenMetadata has its own ingestion framework.
}
