import { RevmetaError } from '../errors/revmeta-error.js'
import type { CatalogBackend } from './catalog-backend.js'

/** One line per kind of catalog; each loads its modules only when a command asks for it. */
const loaders: Record<string, () => Promise<CatalogBackend>> = {
  builtin: async () => (await import('./builtin-backend.js')).builtinBackend,
  openmetadata: async () => (await import('./openmetadata-backend.js')).openMetadataBackend,
}

export const catalogTypes = Object.keys(loaders)

export async function loadCatalogBackend(type: string): Promise<CatalogBackend> {
  const loader = loaders[type]
  if (!loader) throw new RevmetaError('CONFIG_INVALID', `catalog.type ${type}: no such catalog; known: ${catalogTypes.join(', ')}`, { details: { key: 'catalog.type' } })
  return loader()
}
