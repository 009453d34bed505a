import type { OwnerMapping } from '../config/config-schema.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { OwnerRef } from '../model/change.js'

function describe(owner: OwnerRef): string {
  return `${owner.type} ${JSON.stringify(owner.name)}`
}

function localPart(address: string | undefined): string | undefined {
  if (!address || !address.includes('@')) return undefined
  const local = address.slice(0, address.indexOf('@'))
  return local.length > 0 ? local : undefined
}

/** Maps one catalog owner to the engine principal (a PostgreSQL role, ...) that stands for it. */
export function mapOwner(owner: OwnerRef, mapping: OwnerMapping): string {
  // Routing names id-only references before planning; one reaching here was never looked up.
  if (owner.name === '') {
    throw new RevmetaError('OWNER_UNRESOLVED', `Owner ${owner.type} ${owner.id ?? '(no id)'} has no name, and it was not looked up in the catalog`, { details: { ownerType: owner.type, ownerId: owner.id ?? '' } })
  }
  const explicit =
    mapping.map[`${owner.type}:${owner.name}`] ??
    mapping.map[owner.name] ??
    (owner.email === undefined ? undefined : mapping.map[owner.email]) ??
    (owner.fullyQualifiedName === undefined ? undefined : mapping.map[owner.fullyQualifiedName])
  let principal: string | undefined = explicit
  if (principal === undefined) {
    if (mapping.strategy === 'name') principal = owner.name
    else if (mapping.strategy === 'email-local-part') principal = localPart(owner.email) ?? localPart(owner.name)
  }
  if (principal === undefined || principal === '') {
    const why = mapping.strategy === 'map' ? 'it is not in owners.map' : 'it has no e-mail address to take the local part of'
    throw new RevmetaError('OWNER_UNMAPPED', `Cannot map owner ${describe(owner)} to a principal: ${why}`, {
      details: { owner: owner.name, ownerType: owner.type, strategy: mapping.strategy },
    })
  }
  return explicit === undefined && mapping.case === 'lower' ? principal.toLowerCase() : principal
}

/**
 * For engines with one owner per object: by default the first user, else the first team, so the
 * choice depends on nothing but the catalog's own order; 'first-team' prefers teams, 'first'
 * takes the first owner whatever it is.
 */
export function chooseSingleOwner(owners: readonly OwnerRef[], choose: 'first-user' | 'first-team' | 'first' = 'first-user'): { chosen?: OwnerRef; dropped: OwnerRef[] } {
  const preferred = choose === 'first' ? undefined : owners.find((o) => o.type === (choose === 'first-user' ? 'user' : 'team'))
  const chosen = preferred ?? owners[0]
  return { chosen, dropped: owners.filter((o) => o !== chosen) }
}
