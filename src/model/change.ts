import type { AssetRef } from './asset.js'

export const changeKinds = ['description', 'tags', 'owners'] as const
export type ChangeKind = (typeof changeKinds)[number]

/** A tag or glossary term as OpenMetadata's TagLabel carries it. */
export interface TagLabel {
  readonly tagFQN: string
  readonly source: 'Classification' | 'Glossary'
  readonly labelType?: string
  readonly state?: string
  readonly name?: string
}

/** A user or team that owns an asset (OpenMetadata EntityReference). */
export interface OwnerRef {
  readonly type: 'user' | 'team'
  /** Empty for a reference that came with only its id, until the catalog names it (owners/owner-directory.ts). */
  readonly name: string
  readonly fullyQualifiedName?: string
  readonly displayName?: string
  readonly email?: string
  readonly id?: string
}

/** Where a change came from, so every operation can be traced back to its events. */
export interface ChangeOrigin {
  /** event / pipeline: an edit; sync: the catalog's whole desired state, compared in bulk. */
  readonly source: 'event' | 'pipeline' | 'sync'
  /** Position of the event or pipeline operation in its input, from 0. */
  readonly index: number
  readonly eventId?: string
  readonly user?: string
  /** Epoch milliseconds, when the input says. */
  readonly timestamp?: number
  /**
   * The entity's version this change produced (OpenMetadata's ChangeEvent `currentVersion`, or the
   * entity's `version` in batch sync): with `timestamp`, the change's order (model/order.ts).
   */
  readonly version?: number
}

interface ChangeBase {
  readonly asset: AssetRef
  readonly origin: ChangeOrigin
  /** A ReverseIngestionPipeline operation's own SQLTemplate: overrides the channel's template for this change. */
  readonly sqlTemplate?: string
}

export interface DescriptionChange extends ChangeBase {
  readonly kind: 'description'
  /** Undefined when the input does not say what it was. */
  readonly before?: string | null
  /** Null removes the description. */
  readonly after: string | null
}

export interface TagsChange extends ChangeBase {
  readonly kind: 'tags'
  readonly added: readonly TagLabel[]
  readonly removed: readonly TagLabel[]
}

export interface OwnersChange extends ChangeBase {
  readonly kind: 'owners'
  readonly added: readonly OwnerRef[]
  readonly removed: readonly OwnerRef[]
}

/** One normalized catalog edit. */
export type Change = DescriptionChange | TagsChange | OwnersChange
