import type { CatalogReader } from '../catalog/catalog-reader.js'
import type { NormalizeResult } from '../inputs/normalize-result.js'
import { assetFromEntity, columnAsset } from '../model/asset-from-fqn.js'
import type { AssetRef } from '../model/asset.js'
import { spelledColumnAsset } from '../model/column-readings.js'
import type { Change, ChangeOrigin, OwnerRef, TagLabel } from '../model/change.js'
import type { OmColumn, OmEntity, OmEntityType, OmTagLabel } from '../openmetadata/om-types.js'

const tagLabel = (t: OmTagLabel): TagLabel => ({ tagFQN: t.tagFQN, source: t.source ?? 'Classification', ...(t.labelType ? { labelType: t.labelType } : {}), ...(t.state ? { state: t.state } : {}) })

/**
 * The catalog's desired state of one entity as changes. Only what the catalog holds is asserted:
 * an empty catalog description, or no tags or owners, never wipes what the source has (peers that
 * do wipe comments written by others are a known complaint).
 */
function entityChanges(type: OmEntityType, entity: OmEntity, base: () => ChangeOrigin): Change[] {
  const asset = assetFromEntity(type, entity.fullyQualifiedName)
  if (!asset) return []
  // The entity's version: an event of an older version arriving after the sync is superseded,
  // and the sync itself is superseded by nothing older than what it read.
  const origin = (): ChangeOrigin => (typeof entity.version === 'number' && Number.isFinite(entity.version) ? { ...base(), version: entity.version } : base())
  const out: Change[] = []
  const describe = (a: AssetRef, description: string | undefined, tags: readonly OmTagLabel[] | undefined) => {
    if (description) out.push({ kind: 'description', asset: a, after: description, origin: origin() })
    if (tags?.length) out.push({ kind: 'tags', asset: a, added: tags.map(tagLabel), removed: [], origin: origin() })
  }
  describe(asset, entity.description, entity.tags)
  const owners = (entity.owners ?? []).filter((o) => !o.deleted && (o.type === 'user' || o.type === 'team') && o.name)
  if (owners.length > 0) {
    const refs: OwnerRef[] = owners.map((o) => ({ type: o.type as 'user' | 'team', name: o.name!, ...(o.fullyQualifiedName ? { fullyQualifiedName: o.fullyQualifiedName } : {}) }))
    out.push({ kind: 'owners', asset, added: refs, removed: [], origin: origin() })
  }
  // Struct fields are a column's `children` in OpenMetadata. Each is spelled as its path, settled
  // against the read-back like an event's `columns.a.b`: the nested field where the engine has
  // them (Databricks), the column stored under the dotted name where that is how the engine keeps
  // it (BigQuery's read-back, ClickHouse's Nested), `unsupported` elsewhere; never a top-level
  // column of the leaf's name.
  const fields = (names: readonly string[], children: readonly OmColumn[] | undefined) => {
    for (const child of children ?? []) {
      if (typeof child.name !== 'string' || child.name.length === 0) continue
      const path = [...names, child.name]
      describe(spelledColumnAsset(asset, path), child.description, child.tags)
      fields(path, child.children)
    }
  }
  for (const column of entity.columns ?? []) {
    // The catalog's own name: that top-level column, never taken for a struct field's leaf.
    describe({ ...columnAsset(asset, column.name), exact: true }, column.description, column.tags)
    fields([column.name], column.children)
  }
  return out
}

/**
 * Reads every database, schema and table of the chosen services from the catalog and turns their
 * metadata into changes, for the same route → plan → compare pipeline as events. What is already
 * in place comes out `unchanged`, so only drift is written. Each change carries the entity's
 * version and the read time as its order (docs/execution.md, "Order").
 */
export async function catalogChanges(reader: CatalogReader, services: readonly string[]): Promise<{ items: number; normalized: NormalizeResult }> {
  const changes: Change[] = []
  let items = 0
  // Read time as the order's timestamp: the catalog's state as of now, newer than any event of
  // the same version sent before it.
  const readAt = Date.now()
  const origin = () => ({ source: 'sync' as const, index: items, user: 'revmeta-sync', timestamp: readAt })
  for (const service of services) {
    for await (const database of reader.listEntities('database', { service })) {
      items++
      changes.push(...entityChanges('database', database, origin))
      for await (const schema of reader.listEntities('databaseSchema', { database: database.fullyQualifiedName })) {
        items++
        changes.push(...entityChanges('databaseSchema', schema, origin))
        for await (const table of reader.listEntities('table', { databaseSchema: schema.fullyQualifiedName })) {
          items++
          changes.push(...entityChanges('table', table, origin))
        }
      }
    }
  }
  return { items, normalized: { changes, ignored: {}, errors: [] } }
}
