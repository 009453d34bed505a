import type { AssetRef } from '../model/asset.js'
import type { Change, ChangeOrigin, OwnerRef, TagLabel } from '../model/change.js'
import { assetFqn } from '../model/fqn.js'
import { ownerKey, tagKey } from './label-values.js'

interface DescriptionEntry {
  kind: 'description'
  asset: AssetRef
  after: string | null
  before: string | null | undefined
  /** Set by fieldsAdded/fieldsUpdated, which win over a deletion in the same event. */
  set: boolean
}

interface ListEntry<T> {
  kind: 'tags' | 'owners'
  asset: AssetRef
  added: Map<string, T>
  removed: Map<string, T>
}

type Entry = DescriptionEntry | ListEntry<TagLabel> | ListEntry<OwnerRef>

/**
 * Merges the field changes of one event (or operation) into one change per asset and kind, so
 * `tags` in fieldsAdded and fieldsDeleted of the same event become one TagsChange.
 */
export class ChangeAccumulator {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly origin: ChangeOrigin) {}

  description(asset: AssetRef, after: string | null, before: string | null | undefined, deletion: boolean): void {
    const key = `${assetFqn(asset)}|description`
    const entry = this.entries.get(key) as DescriptionEntry | undefined
    if (entry === undefined) {
      this.entries.set(key, { kind: 'description', asset, after, before, set: !deletion })
      return
    }
    if (!deletion || !entry.set) entry.after = after
    entry.set ||= !deletion
    if (entry.before === undefined) entry.before = before
  }

  tags(asset: AssetRef, added: readonly TagLabel[], removed: readonly TagLabel[]): void {
    this.list('tags', asset, added, removed, tagKey)
  }

  owners(asset: AssetRef, added: readonly OwnerRef[], removed: readonly OwnerRef[]): void {
    this.list('owners', asset, added, removed, ownerKey)
  }

  /** The merged changes in order of first appearance; tag and owner changes that cancel out are left out and named. */
  build(): { changes: Change[]; empty: string[] } {
    const changes: Change[] = []
    const empty: string[] = []
    for (const entry of this.entries.values()) {
      if (entry.kind === 'description') {
        changes.push(
          entry.before === undefined
            ? { kind: 'description', asset: entry.asset, origin: this.origin, after: entry.after }
            : { kind: 'description', asset: entry.asset, origin: this.origin, after: entry.after, before: entry.before },
        )
        continue
      }
      // An item both added and removed ends up present (OpenMetadata lists a relabelled tag in both), so adding wins.
      const added = [...entry.added.values()]
      const removed = [...entry.removed].filter(([key]) => !entry.added.has(key)).map(([, item]) => item)
      if (added.length === 0 && removed.length === 0) {
        empty.push(entry.kind)
      } else if (entry.kind === 'tags') {
        changes.push({ kind: 'tags', asset: entry.asset, origin: this.origin, added: added as TagLabel[], removed: removed as TagLabel[] })
      } else {
        changes.push({ kind: 'owners', asset: entry.asset, origin: this.origin, added: added as OwnerRef[], removed: removed as OwnerRef[] })
      }
    }
    return { changes, empty }
  }

  private list<T>(kind: 'tags' | 'owners', asset: AssetRef, added: readonly T[], removed: readonly T[], key: (item: T) => string): void {
    const mapKey = `${assetFqn(asset)}|${kind}`
    let entry = this.entries.get(mapKey) as ListEntry<T> | undefined
    if (entry === undefined) {
      entry = { kind, asset, added: new Map(), removed: new Map() }
      this.entries.set(mapKey, entry as Entry)
    }
    for (const item of added) entry.added.set(key(item), item)
    for (const item of removed) entry.removed.set(key(item), item)
  }
}
