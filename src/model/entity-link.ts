import { RevmetaError, type ErrorDetails } from '../errors/revmeta-error.js'
import type { AssetRef } from './asset.js'
import { assetFromEntity, columnAsset, isReverseEntityType } from './asset-from-fqn.js'
import { spelledColumnAsset } from './column-readings.js'
import { assetFqn, parseFqn } from './fqn.js'

/**
 * An OpenMetadata entity link (EntityLink.g4), e.g. `<#E::table::svc.db.sch.tbl::columns::c1::tags>`.
 * Only the entity types that carry reverse metadata are accepted, so `asset` is always set.
 */
export interface EntityLink {
  readonly entityType: string
  /** The entity's FQN exactly as written in the link. */
  readonly fqn: string
  /** The table's column when the link names one, otherwise the entity itself. */
  readonly asset: AssetRef
  /** The first field after the FQN: `description`, `tags`, `owner`, `columns`, ... */
  readonly field?: string
  /** The raw (unquoted) column name after `columns`. */
  readonly column?: string
  /** The field of the column: `description`, `tags`, ... */
  readonly columnField?: string
}

const levelEntityTypes = { database: 'database', schema: 'databaseSchema', table: 'table' } as const

export function parseEntityLink(link: string): EntityLink {
  const fail = (why: string, details: ErrorDetails = {}): never => {
    throw new RevmetaError('ENTITY_LINK_INVALID', `Invalid entity link ${JSON.stringify(link)}: ${why}`, { details: { link, ...details } })
  }
  if (typeof link !== 'string') return fail('it is not a string')
  const text = link.trim()
  if (!text.startsWith('<#E::') || !text.endsWith('>')) fail('it must look like <#E::type::fqn[::field[::name[::field]]]>')
  // Both grammars let a name hold '>' (EntityLink.g4: `. '>' .`, later `~':'+ '>'*? ~[:>]+`), never at its end.
  const body = text.slice('<#E::'.length, -1)
  const segments = body.split('::')
  segments.forEach((segment, i) => {
    const why = segmentProblem(segment)
    if (why !== undefined) fail(`part ${i + 1} ${why}`)
  })
  const [entityType, fqn, field, column, columnField, ...rest] = segments as [string, string?, string?, string?, string?, ...string[]]
  if (fqn === undefined) return fail('it has an entity type but no fully qualified name')
  if (!isReverseEntityType(entityType)) {
    fail(`entity type ${JSON.stringify(entityType)} carries no reverse metadata (database, databaseSchema or table)`, { entityType })
  }
  const entity = assetFromEntity(entityType, fqn) as AssetRef
  if (field === undefined) return { entityType, fqn, asset: entity }
  if (field !== 'columns') {
    if (column !== undefined) fail(`only the field "columns" can be followed by a name, not ${JSON.stringify(field)}`)
    return { entityType, fqn, asset: entity, field }
  }
  if (entityType !== 'table') fail(`a ${entityType} has no columns`, { entityType })
  if (column === undefined) return { entityType, fqn, asset: entity, field }
  if (rest.length > 0) fail('a column field cannot be followed by anything else')
  const name = decodeColumn(column, fail)
  // Unquoted dots: a dotted name or a nested path, settled against the table's columns later.
  const asset = name.quoted ? columnAsset(entity, name.text) : spelledColumnAsset(entity, name.text.split('.'))
  return columnField === undefined
    ? { entityType, fqn, asset, field, column: name.text }
    : { entityType, fqn, asset, field, column: name.text, columnField }
}

/**
 * The link OpenMetadata would write for `asset`, with `field` (e.g. `description`) appended.
 * A column becomes `<#E::table::<table fqn>::columns::<column>[::field]>`, its name quoted when it holds a dot.
 */
export function buildEntityLink(asset: AssetRef, field?: string): string {
  const segments: string[] = []
  if (asset.level === 'column') {
    const { column, ...rest } = asset
    segments.push('table', assetFqn({ ...rest, level: 'table' }), 'columns', encodeColumn(columnSegment(column ?? '')))
  } else {
    segments.push(levelEntityTypes[asset.level], assetFqn(asset))
  }
  if (field !== undefined) segments.push(field)
  const link = `<#E::${segments.join('::')}>`
  for (const segment of segments) {
    const why = segmentProblem(segment)
    if (why !== undefined) {
      throw new RevmetaError('ENTITY_LINK_INVALID', `No entity link can name ${JSON.stringify(assetFqn(asset))}: ${JSON.stringify(segment)} ${why}`, {
        details: { fqn: assetFqn(asset), link },
      })
    }
  }
  return link
}

/** Why a `::`-separated part cannot appear in a link: a ':' at either end would merge with the separator. */
function segmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'is empty'
  if (segment.includes('::')) return "holds '::'"
  if (segment.startsWith(':') || segment.endsWith(':')) return "starts or ends with ':' next to a '::' separator"
  if (segment.endsWith('>')) return "ends with '>', which would end the link"
  return undefined
}

/**
 * A column name as OpenMetadata writes it in a link: URL-encoded (its `get_decoded_column` reads
 * it with Python's unquote_plus: `%XX` as UTF-8, '+' as a space), and, when it holds a dot, in
 * FQN quotes with `\"` and `\\` escaped. A column spelled with more than one part ("a.b" unquoted)
 * keeps the dotted name here; the planner resolves it against the table's real columns.
 */
function decodeColumn(segment: string, fail: (why: string) => never): { text: string; quoted: boolean } {
  const decoded = decodeUrlPlus(segment)
  if (!decoded.startsWith('"')) return { text: decoded, quoted: false }
  let parts: string[]
  try {
    parts = parseFqn(decoded)
  } catch {
    return fail(`the column name ${segment} has an unbalanced double quote`)
  }
  if (parts.length !== 1) fail(`the column name ${segment} is quoted but is not one name`)
  return { text: parts[0]!, quoted: true }
}

/** Python's unquote_plus, except that bytes that are not UTF-8 stay as they were written instead of becoming U+FFFD. */
export function decodeUrlPlus(text: string): string {
  const spaced = text.replaceAll('+', ' ')
  return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}

/** A column as its own name, as OpenMetadata's ingestion writes it; quoted (FQN escapes) where a dot or a leading '"' would read otherwise. */
function columnSegment(name: string): string {
  return name.includes('.') || name.startsWith('"') ? `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : name
}

/** What decodeUrlPlus must read back as the name itself: '%' and '+', and ':' and '>' that would end a part or the link. */
function encodeColumn(part: string): string {
  return part.replace(/[%+:>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}
