import { levels, type AssetRef } from '../../src/model/asset.js'
import { buildEntityLink } from '../../src/model/entity-link.js'
import { hostileCases } from './hostile-cases.js'
import { oddNames, type Kind, type Place } from './fixture.js'

/** One cell or case of the suite: the pipeline operation that exercises it and what it writes. */
export interface Probe {
  readonly id: string
  readonly kind: Kind
  readonly place: Place
  /** The description or owner written (tags: the tag FQN). */
  readonly value: string
}

const fieldOf: Record<Kind, string> = { description: 'description', tags: 'tags', owners: 'owner' }

/**
 * Every probe for one target: each kind at each level OpenMetadata can address (owners sit on
 * entities, so there is no column owner cell), descriptions on the view, and one column of the
 * hostile table per hostile case.
 */
export function probes(owner: string, hasView: boolean): Probe[] {
  const out: Probe[] = []
  for (const kind of ['description', 'tags', 'owners'] as const) {
    for (const level of levels) {
      if (kind === 'owners' && level === 'column') continue
      const value = kind === 'description' ? `${level}: it's "odd" \\ $$ café` : kind === 'tags' ? 'PII.Sensitive' : owner
      // Column tags spelled as OpenMetadata's tag fields spell them: plain dots, not quotes.
      out.push({ id: `${kind}-${level}`, kind, place: kind === 'tags' && level === 'column' ? { level, unquoted: true } : { level }, value })
      if (hasView && kind === 'description' && (level === 'table' || level === 'column')) {
        out.push({ id: `${kind}-view-${level}`, kind, place: level === 'column' ? { level, view: true, unquoted: true } : { level, view: true }, value: `view ${level}: it's odd` })
      }
    }
  }
  for (const [key, value] of Object.entries(hostileCases)) out.push({ id: `hostile-${key}`, kind: 'description', place: { level: 'column', hostileColumn: key }, value })
  return out
}

/** The odd table, view and column names a target uses. */
export interface OddObjectNames { readonly table: string; readonly view: string; readonly column: string }

/** The probes as one OpenMetadata ReverseIngestionPipeline for `service`. */
export function pipelineOf(service: string, database: string, list: readonly Probe[], schema: string = oddNames.schema, names: OddObjectNames = oddNames) {
  const operations = list.map((p) => {
    const { level } = p.place
    const relation = p.place.hostileColumn !== undefined ? oddNames.hostileTable : p.place.view ? names.view : names.table
    const asset: AssetRef = {
      level,
      service,
      database,
      ...(level === 'database' ? {} : { schema }),
      ...(level === 'table' || level === 'column' ? { table: relation } : {}),
      ...(level === 'column' ? { column: p.place.hostileColumn ?? names.column } : {}),
    }
    const entityLink = p.place.unquoted ? unquotedColumnLink(asset, fieldOf[p.kind]) : buildEntityLink(asset, fieldOf[p.kind])
    const parameters =
      p.kind === 'description'
        ? { newDescription: p.value }
        : p.kind === 'tags'
          ? { addedTags: [{ tagFQN: p.value, source: 'Classification', labelType: 'Manual', state: 'Confirmed' }] }
          : { addedOwners: [{ id: 'o1', type: 'user', name: p.value }] }
    return { id: p.id, entityLink, type: p.kind === 'description' ? 'UPDATE_DESCRIPTION' : p.kind === 'tags' ? 'UPDATE_TAGS' : 'UPDATE_OWNER', parameters }
  })
  return { type: 'ReverseIngestion', service: { id: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', type: 'databaseService', name: service }, operations }
}

/** A column link with the name unquoted, its dots bare: the spelling revmeta resolves against the engine's columns. */
function unquotedColumnLink(asset: AssetRef, field: string): string {
  const { column, ...table } = asset
  return `${buildEntityLink({ ...table, level: 'table' }).slice(0, -1)}::columns::${column}::${field}>`
}
