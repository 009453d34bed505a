import type { AssetRef } from './asset.js'
import { assetFqn } from './fqn.js'
import type { ChangeOrigin, OwnerRef, TagLabel } from './change.js'
import type { ChangeOrder } from './order.js'

interface OperationBase {
  /** Stable within one plan: `<channel>|<asset fqn>|<kind>`. */
  readonly id: string
  readonly channel: string
  readonly service: string
  readonly asset: AssetRef
  /**
   * assetFqn(asset), set by the planner so that the later steps do not build it again; absent on
   * operations made elsewhere (rollback, replay of old stores): read it through operationFqn.
   */
  readonly fqn?: string
  /** Every change that was coalesced into this operation, oldest first. */
  readonly origins: readonly ChangeOrigin[]
  /** The newest coalesced change's own SQL template, if it had one. */
  readonly sqlTemplate?: string
  /**
   * The newest order among the coalesced changes (for a description: the order of the value it
   * holds). Absent when none carried one (pipelines, rollback): such an operation is never superseded.
   */
  readonly order?: ChangeOrder
}

/**
 * A tag or owner as an operation lists it, with the order of the change that last decided it:
 * tags and owners are deltas, so an older "add X" after a newer "add Y" still adds X, while an
 * older "remove Y" after a newer "add Y" is superseded. The store's merge_operation keeps the
 * order item by item.
 */
export type Ordered<T> = T & { readonly order?: ChangeOrder }

export interface DescriptionOperation extends OperationBase {
  readonly kind: 'description'
  /** The latest desired description; null removes it. */
  readonly description: string | null
}

export interface TagsOperation extends OperationBase {
  readonly kind: 'tags'
  /** Net effect of all coalesced changes: a tag both added and later removed appears only in `remove`. */
  readonly add: readonly Ordered<TagLabel>[]
  readonly remove: readonly Ordered<TagLabel>[]
}

export interface OwnersOperation extends OperationBase {
  readonly kind: 'owners'
  readonly add: readonly Ordered<OwnerRef>[]
  readonly remove: readonly Ordered<OwnerRef>[]
  /** An engine principal to set as is, bypassing owner mapping: how a rollback restores an owner. */
  readonly principal?: string
}

/** What one channel will do to one asset: plain data, never SQL. */
export type Operation = DescriptionOperation | TagsOperation | OwnersOperation

/** The operation's asset FQN, built only when the planner did not carry it. */
export function operationFqn(op: Operation): string {
  return op.fqn ?? assetFqn(op.asset)
}
