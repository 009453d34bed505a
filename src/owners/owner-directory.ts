import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'
import type { Change, OwnerRef, OwnersChange } from '../model/change.js'

/**
 * Where an owner reference that carries only `id` and `type` (all entityReference.json requires)
 * gets its name: the catalog's users and teams. One implementation per catalog
 * (src/catalogs/), so planning never knows which catalog it asks.
 */
export interface OwnerDirectory {
  /** The user or team with this id, or undefined when the catalog has none. Throws a coded error when the catalog cannot be asked. */
  findOwner(type: OwnerRef['type'], id: string): Promise<OwnerRef | undefined>
}

/** What the catalog said of each id asked about: the owner, or why it could not be named. */
export type OwnerLookups = ReadonlyMap<string, OwnerRef | RevmetaError>

const lookupKey = (type: string, id: string) => `${type}:${id}`
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An owner reference with an id but no name: OpenMetadata's minimal EntityReference. */
export const isIdOnly = (ref: OwnerRef): boolean => ref.name === '' && ref.id !== undefined

const idOnlyRefs = (change: OwnersChange) => [...change.added, ...change.removed].filter(isIdOnly)

/**
 * Asks the directory about every id-only owner of the changes `wanted` keeps (those some channel
 * would write), each id once, a few at a time. Never throws: what cannot be named becomes an
 * OWNER_UNRESOLVED error saying why (no such user or team, the catalog unreachable, no catalog).
 */
export async function lookUpOwners(changes: readonly Change[], directory: OwnerDirectory | undefined, wanted: (change: Change) => boolean = () => true): Promise<OwnerLookups> {
  const asked = new Map<string, { type: OwnerRef['type']; id: string }>()
  for (const change of changes) {
    if (change.kind !== 'owners' || !wanted(change)) continue
    for (const ref of idOnlyRefs(change)) asked.set(lookupKey(ref.type, ref.id!), { type: ref.type, id: ref.id! })
  }
  const lookups = new Map<string, OwnerRef | RevmetaError>()
  const queue = [...asked.entries()]
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [key, { type, id }] = next
      lookups.set(key, await lookUpOne(directory, type, id))
    }
  }
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker))
  return lookups
}

async function lookUpOne(directory: OwnerDirectory | undefined, type: OwnerRef['type'], id: string): Promise<OwnerRef | RevmetaError> {
  const unresolved = (why: string, cause?: unknown) =>
    new RevmetaError('OWNER_UNRESOLVED', `Owner ${type} ${id} has no name in the event, and ${why}`, { details: { ownerType: type, ownerId: id }, cause })
  if (directory === undefined) return unresolved('no catalog was asked for it')
  // entityReference.json's id is a UUID; anything else is not sent to the catalog's URL space.
  if (!uuid.test(id)) return unresolved('its id is not a UUID, so no catalog was asked')
  try {
    const found = await directory.findOwner(type, id)
    return found ?? unresolved(`the catalog has no ${type} with that id`)
  } catch (error) {
    const coded = toRevmetaError(error)
    return unresolved(`the catalog could not be asked (${coded.code}: ${coded.message})`, error)
  }
}

/**
 * The change with every id-only owner named from `lookups`, or the first reason one cannot be:
 * then the whole owners change fails (alone: the event's other changes are separate).
 */
export function resolveOwners(change: OwnersChange, lookups: OwnerLookups | undefined): OwnersChange | RevmetaError {
  if (idOnlyRefs(change).length === 0) return change
  const named = (ref: OwnerRef): OwnerRef | RevmetaError => {
    if (!isIdOnly(ref)) return ref
    const found = lookups?.get(lookupKey(ref.type, ref.id!))
    if (found === undefined) return new RevmetaError('OWNER_UNRESOLVED', `Owner ${ref.type} ${ref.id} has no name in the event, and no catalog was asked for it`, { details: { ownerType: ref.type, ownerId: ref.id! } })
    // The catalog's name, e-mail and FQN, with the id the event gave.
    return found instanceof RevmetaError ? found : { ...found, type: ref.type, id: ref.id! }
  }
  const added = change.added.map(named)
  const removed = change.removed.map(named)
  const failure = [...added, ...removed].find((r): r is RevmetaError => r instanceof RevmetaError)
  if (failure) return failure
  return { ...change, added: added as OwnerRef[], removed: removed as OwnerRef[] }
}

/** Caches a directory's answers for one run; a failure is not cached, so the next ask tries again. */
export function cachedDirectory(directory: OwnerDirectory): OwnerDirectory {
  const cache = new Map<string, Promise<OwnerRef | undefined>>()
  return {
    findOwner(type, id) {
      const key = lookupKey(type, id)
      let answer = cache.get(key)
      if (answer === undefined) {
        answer = directory.findOwner(type, id)
        cache.set(key, answer)
        answer.catch(() => cache.delete(key))
      }
      return answer
    },
  }
}
