import type { AssetRef } from '../model/asset.js'
import { assetFqn } from '../model/fqn.js'
import type { Change, ChangeKind, ChangeOrigin, OwnerRef, TagLabel } from '../model/change.js'
import type { Operation } from '../model/operation.js'
import { isOlder, newerOrder, orderOf, type ChangeOrder } from '../model/order.js'

/** A change routed to one channel: the planner's input. */
export interface RoutedChange {
  readonly channel: string
  readonly change: Change
}

interface Draft {
  readonly channel: string
  // Asset and kind rather than the first change: a held change would keep its texts alive for the
  // whole stream, and only these two of its fields matter once the draft exists.
  readonly asset: AssetRef
  readonly fqn: string
  readonly kind: ChangeKind
  readonly origins: ChangeOrigin[]
  sqlTemplate?: string
  description?: string | null
  /** The newest order seen; for a description, the order of the value held. */
  order?: ChangeOrder
  /** Net list effect by key, in first-seen order: true = add, false = remove. Tags and owners only. */
  items?: Map<string, { add: boolean; value: TagLabel | OwnerRef; order?: ChangeOrder }>
}

const ownerKey = (o: OwnerRef) => `${o.type}:${o.name || `#${o.id}`}`
const tagKey = (t: TagLabel) => `${t.source}:${t.tagFQN}`

/**
 * The one coalescing algorithm, shared by the batch planner below and the streaming planner: it
 * folds changes, taken in the order given, into one draft per (channel, asset, kind) holding the
 * latest desired state. "Latest" is by the changes' order (model/order.ts: version, then time),
 * whatever order they arrive in: a description keeps the value of the newest change, a tag or
 * owner the verdict of the newest change that names it; a change that is not older (equal, or
 * unordered) wins over what came before it. Operations come out in the order their keys were
 * first seen.
 */
export class OperationCoalescer {
  // Map iteration order is insertion order, which is exactly first-seen order.
  private drafts = new Map<string, Draft>()

  /** Distinct (channel, asset, kind) keys held: what the memory of a stream is proportional to. */
  get size(): number {
    return this.drafts.size
  }

  add({ channel, change }: RoutedChange): void {
    const fqn = assetFqn(change.asset)
    // Joined, not concatenated: a flat string is a faster Map key (see assetFqn).
    const id = [channel, fqn, change.kind].join('|')
    let draft = this.drafts.get(id)
    if (!draft) {
      draft = { channel, asset: change.asset, fqn, kind: change.kind, origins: [] }
      this.drafts.set(id, draft)
    }
    draft.origins.push(change.origin)
    const order = orderOf(change.origin)
    if (change.kind === 'description') {
      if (draft.origins.length > 1 && isOlder(order, draft.order)) return
      draft.order = draft.origins.length > 1 ? newerOrder(draft.order, order) : order
      draft.sqlTemplate = change.sqlTemplate
      draft.description = change.after
    } else {
      draft.order = newerOrder(draft.order, order)
      draft.sqlTemplate = change.sqlTemplate
      const key = change.kind === 'tags' ? tagKey : ownerKey
      const items = (draft.items ??= new Map())
      // Removals first: an event that removes and re-adds the same item ends with it present.
      for (const value of change.removed as readonly (TagLabel & OwnerRef)[]) setItem(items, key(value), { add: false, value, order })
      for (const value of change.added as readonly (TagLabel & OwnerRef)[]) setItem(items, key(value), { add: true, value, order })
    }
  }

  /** The operations for everything added since the last drain; the coalescer starts empty again. */
  drain(): Operation[] {
    const drafts = this.drafts
    this.drafts = new Map()
    return [...drafts.entries()].map(([id, d]) => toOperation(id, d))
  }
}

type DraftItem = NonNullable<Draft['items']> extends Map<string, infer V> ? V : never

/** An item's newest verdict wins; an older one arriving later is dropped. */
function setItem(items: Map<string, DraftItem>, key: string, item: DraftItem): void {
  const held = items.get(key)
  if (held !== undefined && isOlder(item.order, held.order)) return
  // Delete before set so a re-added item moves to the end, as if first seen now.
  if (item.add) items.delete(key)
  items.set(key, item)
}

function toOperation(id: string, d: Draft): Operation {
  const base = { id, channel: d.channel, service: d.asset.service, asset: d.asset, fqn: d.fqn, origins: d.origins }
  if (d.sqlTemplate !== undefined) Object.assign(base, { sqlTemplate: d.sqlTemplate })
  if (d.order !== undefined) Object.assign(base, { order: d.order })
  if (d.kind === 'description') return Object.assign(base, { kind: d.kind, description: d.description ?? null })
  const add: (TagLabel & OwnerRef)[] = []
  const remove: (TagLabel & OwnerRef)[] = []
  for (const item of d.items?.values() ?? []) {
    const value = (item.order === undefined ? item.value : { ...item.value, order: item.order }) as TagLabel & OwnerRef
    ;(item.add ? add : remove).push(value)
  }
  return Object.assign(base, { kind: d.kind, add, remove })
}

/**
 * When every change carries a timestamp, order by it (stable); otherwise keep input order, which
 * for OpenMetadata's event feed is already time order. This only orders the origins an operation
 * lists: which value wins is the coalescer's decision, by version first, then time.
 */
function chronological(routed: readonly RoutedChange[]): readonly RoutedChange[] {
  let sorted = true
  for (let i = 0; i < routed.length; i++) {
    const at = routed[i]!.change.origin.timestamp
    if (at === undefined) return routed
    if (i > 0 && at < routed[i - 1]!.change.origin.timestamp!) sorted = false
  }
  // A feed read in order, the usual case, is not copied.
  return sorted ? routed : [...routed].sort((a, b) => a.change.origin.timestamp! - b.change.origin.timestamp!)
}

/** Coalesces changes per (channel, asset, kind) into the latest desired state, as plain data. */
export function planOperations(routed: readonly RoutedChange[]): Operation[] {
  const coalescer = new OperationCoalescer()
  for (const r of chronological(routed)) coalescer.add(r)
  return coalescer.drain()
}
