import { randomBytes } from 'node:crypto'
import { ingest } from '../catalog/ingest.js'
import { openCatalog } from '../catalog/open-catalog.js'
import { configuredAllowlist } from '../catalog/subscription-allowlist.js'
import type { CatalogBackend } from './catalog-backend.js'
import { builtinStoreOwnerDirectory } from './builtin-owner-directory.js'

/** revmeta's own catalog, kept in the state store: it serves its API, is ingested into, and is read in process. */
export const builtinBackend: CatalogBackend = {
  type: 'builtin',
  async routePlugins() {
    return [(await import('../catalog/catalog-routes.js')).catalogRoutes()]
  },
  webhookAdmissionWithoutSecret: "an editor token, or the built-in catalog's own signature",
  defaultWebhookSecret: () => randomBytes(32).toString('base64url'),
  // Its bot token is the one its own clients present to this server.
  apiTokenOf: (config) => config.catalog.token,
  // Its edits reach the server through its own webhook subscription: nothing to poll.
  pollClient: () => undefined,
  async openReader(_config, store) {
    const catalog = openCatalog(store)
    return {
      reader: catalog.reader(),
      close: async () => {
        await catalog.close(1_000)
      },
    }
  },
  ownerDirectory: (config, store) => builtinStoreOwnerDirectory(config, store),
  async ingest(config, store, { services, log, onProgress }) {
    const catalog = openCatalog(store, { delivery: { log, allowEndpoint: configuredAllowlist(config) } })
    try {
      return await ingest(config, catalog, { services, ...(onProgress ? { onProgress } : {}) })
    } finally {
      // Subscribers get the ingestion's events too; a receiver that is down does not hold the command for long.
      const { undelivered } = await catalog.close(10_000)
      if (undelivered > 0) log(`${undelivered} webhook delivery(ies) abandoned; the events stay readable at GET /api/v1/events`)
    }
  },
}
