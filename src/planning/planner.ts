import type { AssetRef } from '../model/asset.js'
import { assetFqn } from '../model/fqn.js'
import type { Change, ChangeKind, ChangeOrigin, OwnerRef, TagLabel } from '../model/change.js'
import type { Operation } from '../model/operation.js'

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
  /** Net list effect by key, in first-seen order: true = add, false = remove. Tags and owners only. */
  items?: Map<string, { add: boolean; value: TagLabel | OwnerRef }>
}

const ownerKey = (o: OwnerRef) => `${o.type}:${o.name}`
const tagKey = (t: TagLabel) => `${t.source}:${t.tagFQN}`

/**
 * The one coalescing algorithm, shared by the batch planner below and the streaming planner: it
 * folds changes, taken in the order given, into one draft per (channel, asset, kind) holding the
 * latest desired state. Operations come out in the order their keys were first seen.
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
    draft.sqlTemplate = change.sqlTemplate
    if (change.kind === 'description') {
      draft.description = change.after
    } else {
      const key = change.kind === 'tags' ? tagKey : ownerKey
      const items = (draft.items ??= new Map())
      // Removals first: an event that removes and re-adds the same item ends with it present.
      for (const value of change.removed as readonly (TagLabel & OwnerRef)[]) items.set(key(value), { add: false, value })
      for (const value of change.added as readonly (TagLabel & OwnerRef)[]) {
        // Delete before set so a re-added item moves to the end, as if first seen now.
        items.delete(key(value))
        items.set(key(value), { add: true, value })
      }
    }
  }

  /** The operations for everything added since the last drain; the coalescer starts empty again. */
  drain(): Operation[] {
    const drafts = this.drafts
    this.drafts = new Map()
    return [...drafts.entries()].map(([id, d]) => toOperation(id, d))
  }
}

function toOperation(id: string, d: Draft): Operation {
  const base = { id, channel: d.channel, service: d.asset.service, asset: d.asset, fqn: d.fqn, origins: d.origins }
  if (d.sqlTemplate !== undefined) Object.assign(base, { sqlTemplate: d.sqlTemplate })
  if (d.kind === 'description') return Object.assign(base, { kind: d.kind, description: d.description ?? null })
  const add: (TagLabel & OwnerRef)[] = []
  const remove: (TagLabel & OwnerRef)[] = []
  for (const item of d.items?.values() ?? []) (item.add ? add : remove).push(item.value as TagLabel & OwnerRef)
  return Object.assign(base, { kind: d.kind, add, remove })
}

/**
 * When every change carries a timestamp, order by it (stable); otherwise keep input order, which
 * for OpenMetadata's event feed is already time order. Either way an older change to an asset never
 * lands after a newer one.
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
