import type { RevmetaConfig } from '../config/load-config.js'
import type { Change } from '../model/change.js'
import { lookUpOwners, type OwnerDirectory, type OwnerLookups } from '../owners/owner-directory.js'

/**
 * Names the id-only owners of `changes` from the catalog before they are routed, asking only about
 * changes some channel syncs owners for: routing itself stays pure (it reads the answers), and an
 * event whose owners no channel writes costs no catalog request.
 */
export function prefetchOwners(config: RevmetaConfig, changes: readonly Change[], directory: OwnerDirectory | undefined): Promise<OwnerLookups> {
  const syncing = config.channels.filter((channel) => channel.sync.owners)
  return lookUpOwners(changes, directory, (change) => syncing.some((channel) => channel.services.includes(change.asset.service)))
}
