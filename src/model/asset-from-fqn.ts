import { RevmetaError } from '../errors/revmeta-error.js'
import { assetFqn, parseFqn } from './fqn.js'
import type { AssetRef, Level } from './asset.js'

/** OpenMetadata entity types that carry reverse metadata, with their level and FQN part count. */
const entityLevels: Readonly<Record<string, { level: Level; parts: number }>> = {
  database: { level: 'database', parts: 2 },
  databaseSchema: { level: 'schema', parts: 3 },
  table: { level: 'table', parts: 4 },
}

export function isReverseEntityType(entityType: string): boolean {
  return Object.hasOwn(entityLevels, entityType)
}

/**
 * The asset an OpenMetadata entity names, or undefined for entity types revmeta does not write
 * back (dashboards, topics, ...). A wrong part count is an error rather than a guess: a table FQN
 * with five parts usually means an unquoted dot, and guessing would hit another object.
 */
export function assetFromEntity(entityType: string, fqn: string): AssetRef | undefined {
  const shape = entityLevels[entityType]
  if (shape === undefined) return undefined
  const parts = parseFqn(fqn)
  if (parts.length !== shape.parts) {
    throw new RevmetaError(
      'FQN_INVALID',
      `The ${entityType} FQN ${JSON.stringify(fqn)} has ${parts.length} part(s); a ${entityType} FQN has ${shape.parts} (${fqnShape(shape.parts)}). Quote names that hold a dot.`,
      { details: { fqn, entityType, parts: parts.length } },
    )
  }
  const [service, database, schema, table] = parts as [string, string, string?, string?]
  switch (shape.level) {
    case 'database':
      return { level: 'database', service, database }
    case 'schema':
      return { level: 'schema', service, database, schema }
    default:
      return { level: 'table', service, database, schema, table }
  }
}

/** The column `column` of a table asset. */
export function columnAsset(table: AssetRef, column: string): AssetRef {
  if (table.level !== 'table' || table.schema === undefined || table.table === undefined) {
    throw new RevmetaError('FQN_INVALID', `Only a table has columns, but ${JSON.stringify(assetFqn(table))} is a ${table.level}`, {
      details: { fqn: assetFqn(table), column },
    })
  }
  if (column.length === 0) {
    throw new RevmetaError('FQN_INVALID', `Empty column name in table ${JSON.stringify(assetFqn(table))}`, { details: { fqn: assetFqn(table) } })
  }
  return { level: 'column', service: table.service, database: table.database, schema: table.schema, table: table.table, column }
}

function fqnShape(parts: number): string {
  return ['service', 'database', 'schema', 'table'].slice(0, parts).join('.')
}
