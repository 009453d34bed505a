import type { BoundParam } from '../../model/statement.js'
import type { ObjectState, ObjectType } from '../connector.js'
import { putState } from '../snapshot-state.js'
import { msDescription } from './mssql-dialect.js'

/**
 * Read-back of one database, pure: the query (schema names bound as parameters, never pasted
 * into SQL) and the mapping of its rows. One query per database returns every object of the
 * schemas asked for, each object's owner and every extended property on them, one row shape.
 */

/** A request's parameters stay far below SQL Server's 2,100; more schemas take several queries. */
export const maxSchemasPerQuery = 500

export interface ReadBackQuery {
  readonly text: string
  readonly params: readonly BoundParam[]
}

/** `what`: database | schema | object | column | property. Property rows name the object they sit on. */
export interface MssqlRow {
  what: string
  schema_name: string | null
  object_name: string | null
  object_type: string | null
  column_name: string | null
  prop: string | null
  value: string | null
  owner: string | null
}

const databaseRows = `SELECT 'database' AS what, NULL AS schema_name, NULL AS object_name, NULL AS object_type, NULL AS column_name, NULL AS prop, NULL AS value, SUSER_SNAME(d.owner_sid) AS owner FROM sys.databases d WHERE d.database_id = DB_ID()
UNION ALL SELECT 'property', NULL, NULL, NULL, NULL, ep.name, CAST(ep.value AS nvarchar(4000)), NULL FROM sys.extended_properties ep WHERE ep.class = 0`

/** The database's own row and properties, then every schema, relation, column and property of `schemas`. */
export function mssqlReadBackQueries(schemas: readonly string[]): ReadBackQuery[] {
  const queries: ReadBackQuery[] = [{ text: databaseRows, params: [] }]
  for (let start = 0; start < schemas.length; start += maxSchemasPerQuery) {
    const chunk = schemas.slice(start, start + maxSchemasPerQuery)
    const params = chunk.map((schema, i) => ({ name: `s${i}`, value: schema, type: 'nvarchar(128)' }))
    const inList = `(${params.map((p) => `@${p.name}`).join(', ')})`
    const objects = `FROM sys.objects o JOIN sys.schemas s ON s.schema_id = o.schema_id WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND s.name IN ${inList}`
    queries.push({
      params,
      text: [
        `SELECT 'schema' AS what, s.name AS schema_name, NULL AS object_name, NULL AS object_type, NULL AS column_name, NULL AS prop, NULL AS value, USER_NAME(s.principal_id) AS owner FROM sys.schemas s WHERE s.name IN ${inList}`,
        `SELECT 'property', s.name, NULL, NULL, NULL, ep.name, CAST(ep.value AS nvarchar(4000)), NULL FROM sys.extended_properties ep JOIN sys.schemas s ON ep.class = 3 AND ep.major_id = s.schema_id WHERE s.name IN ${inList}`,
        // An object whose principal_id is NULL belongs to its schema's owner.
        `SELECT 'object', s.name, o.name, o.type, NULL, NULL, NULL, USER_NAME(COALESCE(o.principal_id, s.principal_id)) ${objects}`,
        `SELECT 'column', s.name, o.name, o.type, c.name, NULL, NULL, NULL FROM sys.columns c JOIN sys.objects o ON o.object_id = c.object_id JOIN sys.schemas s ON s.schema_id = o.schema_id WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND s.name IN ${inList}`,
        // class 1: minor_id 0 is the object itself, else the column_id of one of its columns.
        `SELECT 'property', s.name, o.name, o.type, c.name, ep.name, CAST(ep.value AS nvarchar(4000)), NULL FROM sys.extended_properties ep JOIN sys.objects o ON ep.class = 1 AND o.object_id = ep.major_id JOIN sys.schemas s ON s.schema_id = o.schema_id LEFT JOIN sys.columns c ON ep.minor_id > 0 AND c.object_id = ep.major_id AND c.column_id = ep.minor_id WHERE o.type IN ('U', 'V') AND s.name IN ${inList}`,
      ].join('\nUNION ALL '),
    })
  }
  return queries
}

interface Collected {
  objectType: ObjectType
  owner?: string | null
  relation?: ObjectType
  description: string | null
  tags: { key: string; value: string }[]
}

/** sys.objects type → the object type revmeta knows: U is a table, V a view. */
export function mssqlObjectType(type: string | null): ObjectType {
  const code = (type ?? '').trim().toUpperCase()
  return code === 'V' ? 'view' : code === 'U' ? 'table' : `mssql:${code}`
}

/**
 * Files the rows of one database under their FQNs: MS_Description is the description, a
 * property named `<tagPrefix><key>` a tag; other properties are left alone. A column carries its
 * relation's type in `definition` (TABLE or VIEW in its level arguments).
 */
export function mssqlSnapshot(into: Map<string, ObjectState>, service: string, database: string, rows: readonly MssqlRow[], tagPrefix: string): void {
  const objects = new Map<string, { asset: Parameters<typeof putState>[1]; state: Collected }>()
  const keyOf = (row: MssqlRow) => JSON.stringify([row.schema_name, row.object_name, row.column_name])
  const assetOf = (row: MssqlRow) => {
    if (row.schema_name === null) return { level: 'database' as const, service, database }
    if (row.object_name === null) return { level: 'schema' as const, service, database, schema: row.schema_name }
    if (row.column_name === null) return { level: 'table' as const, service, database, schema: row.schema_name, table: row.object_name }
    return { level: 'column' as const, service, database, schema: row.schema_name, table: row.object_name, column: row.column_name }
  }
  for (const row of rows) {
    if (row.what === 'property') continue
    const asset = assetOf(row)
    const objectType = asset.level === 'table' ? mssqlObjectType(row.object_type) : asset.level
    const state: Collected = { objectType, description: null, tags: [], ...(asset.level !== 'column' ? { owner: row.owner } : { relation: mssqlObjectType(row.object_type) }) }
    objects.set(keyOf(row), { asset, state })
  }
  for (const row of rows) {
    if (row.what !== 'property' || row.prop === null) continue
    const found = objects.get(keyOf(row))
    if (found === undefined) continue
    if (row.prop === msDescription) found.state.description = row.value
    else if (row.prop.startsWith(tagPrefix) && row.prop.length > tagPrefix.length) found.state.tags.push({ key: row.prop.slice(tagPrefix.length), value: row.value ?? '' })
  }
  for (const { asset, state } of objects.values()) {
    const { relation, ...rest } = state
    putState(into, asset, { ...rest, ...(relation !== undefined ? { definition: relation } : {}) })
  }
}
