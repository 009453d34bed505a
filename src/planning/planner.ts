import { assetFqn } from '../model/fqn.js'
import type { Change, ChangeOrigin, OwnerRef, TagLabel } from '../model/change.js'
import type { Operation } from '../model/operation.js'

/** A change routed to one channel: the planner's input. */
export interface RoutedChange {
  readonly channel: string
  readonly change: Change
}

interface Draft {
  readonly first: number
  readonly channel: string
  readonly change: Change
  origins: ChangeOrigin[]
  sqlTemplate?: string
  description?: string | null
  /** Net list effect by key, in first-seen order: true = add, false = remove. */
  items: Map<string, { add: boolean; value: TagLabel | OwnerRef }>
}

const ownerKey = (o: OwnerRef) => `${o.type}:${o.name}`
const tagKey = (t: TagLabel) => `${t.source}:${t.tagFQN}`

/**
 * When every change carries a timestamp, order by it (stable); otherwise keep input order, which
 * for OpenMetadata's event feed is already time order. Either way an older change to an asset never
 * lands after a newer one.
 */
function chronological(routed: readonly RoutedChange[]): RoutedChange[] {
  const all = [...routed]
  if (all.every((r) => r.change.origin.timestamp !== undefined)) {
    all.sort((a, b) => a.change.origin.timestamp! - b.change.origin.timestamp!)
  }
  return all
}

/** Coalesces changes per (channel, asset, kind) into the latest desired state, as plain data. */
export function planOperations(routed: readonly RoutedChange[]): Operation[] {
  const drafts = new Map<string, Draft>()
  for (const { channel, change } of chronological(routed)) {
    const id = `${channel}|${assetFqn(change.asset)}|${change.kind}`
    let draft = drafts.get(id)
    if (!draft) {
      draft = { first: drafts.size, channel, change, origins: [], items: new Map() }
      drafts.set(id, draft)
    }
    draft.origins.push(change.origin)
    draft.sqlTemplate = change.sqlTemplate
    if (change.kind === 'description') {
      draft.description = change.after
    } else {
      const key = change.kind === 'tags' ? tagKey : ownerKey
      // Removals first: an event that removes and re-adds the same item ends with it present.
      for (const value of change.removed as readonly (TagLabel & OwnerRef)[]) draft.items.set(key(value), { add: false, value })
      for (const value of change.added as readonly (TagLabel & OwnerRef)[]) {
        draft.items.delete(key(value))
        draft.items.set(key(value), { add: true, value })
      }
    }
  }
  return [...drafts.entries()].map(([id, d]) => {
    const base = { id, channel: d.channel, service: d.change.asset.service, asset: d.change.asset, origins: d.origins, ...(d.sqlTemplate === undefined ? {} : { sqlTemplate: d.sqlTemplate }) }
    const items = [...d.items.values()]
    const add = items.filter((i) => i.add).map((i) => i.value)
    const remove = items.filter((i) => !i.add).map((i) => i.value)
    switch (d.change.kind) {
      case 'description':
        return { ...base, kind: 'description', description: d.description ?? null }
      case 'tags':
        return { ...base, kind: 'tags', add: add as TagLabel[], remove: remove as TagLabel[] }
      case 'owners':
        return { ...base, kind: 'owners', add: add as OwnerRef[], remove: remove as OwnerRef[] }
    }
  })
}
