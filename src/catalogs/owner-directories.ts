import { isCatalogError } from '../catalog/catalog-error.js'
import type { CatalogService } from '../catalog/catalog-service.js'
import { toRevmetaError } from '../errors/revmeta-error.js'
import type { OmTeam, OmUser } from '../openmetadata/om-types.js'
import type { OpenMetadataClient } from '../openmetadata/om-client.js'
import type { OwnerRef } from '../model/change.js'
import type { OwnerDirectory } from '../owners/owner-directory.js'

/** A catalog's user or team as an owner reference; `undefined` when the catalog says it has none (404). */
async function found(lookup: () => Promise<OmUser | OmTeam>, type: OwnerRef['type']): Promise<OwnerRef | undefined> {
  let entity: OmUser | OmTeam
  try {
    entity = await lookup()
  } catch (error) {
    // Over HTTP a 404 is CATALOG_NOT_FOUND; in process the built-in catalog says 404 itself.
    if ((isCatalogError(error) && error.status === 404) || toRevmetaError(error).code === 'CATALOG_NOT_FOUND') return undefined
    throw error
  }
  const e = entity as { id: string; name: string; email?: string; fullyQualifiedName?: string; displayName?: string }
  if (typeof e.name !== 'string' || e.name === '') return undefined
  return {
    type,
    name: e.name,
    id: e.id,
    ...(e.fullyQualifiedName ? { fullyQualifiedName: e.fullyQualifiedName } : {}),
    ...(e.email ? { email: e.email } : {}),
    ...(e.displayName ? { displayName: e.displayName } : {}),
  }
}

/** OpenMetadata's GET /api/v1/users/{id} and /teams/{id}: the same requests to a real server or to the built-in catalog's API. */
export function openMetadataOwnerDirectory(client: OpenMetadataClient): OwnerDirectory {
  return {
    findOwner: (type, id) => found(() => (type === 'user' ? client.getUserById(id) : client.getTeamById(id)), type),
  }
}

/** The built-in catalog's users and teams tables, read in process. */
export function builtinOwnerDirectory(catalog: CatalogService): OwnerDirectory {
  return {
    findOwner: (type, id) => found(() => (type === 'user' ? catalog.directory.getUserById(id) : catalog.directory.getTeamById(id)), type),
  }
}
