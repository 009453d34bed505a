import { catalogPlugins } from '../cli/commands/serve.js'

/**
 * `revmeta serve` with `catalog.type: builtin` serves the built-in catalog's API beside the
 * webhook. Loaded lazily, so the other commands never load the catalog's modules.
 */
catalogPlugins.builtin = async () => (await import('./catalog-routes.js')).catalogRoutes()
