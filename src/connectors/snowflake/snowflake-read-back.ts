import type { AssetRef } from '../../model/asset.js'
import type { ObjectState, ObjectType, TagDefinition, TagDefinitions } from '../connector.js'
import { putState } from '../snapshot-state.js'
import type { SnowflakeDialect } from './snowflake-dialect.js'

/**
 * Read-back SQL and row mapping, pure: the client runs the text and hands the rows back. Names
 * reach the SQL only as quoted identifiers and escaped literals of the dialect.
 */

/** What one database's read-back must cover: its schemas and tables named by the assets asked for. */
export interface DatabaseTargets {
  readonly schemas: Set<string>
  /** `schema` → tables of it whose tags are read. */
  readonly tables: Map<string, Set<string>>
}

export function groupSnowflakeTargets(assets: readonly AssetRef[]): Map<string, DatabaseTargets> {
  const groups = new Map<string, DatabaseTargets>()
  for (const asset of assets) {
    let group = groups.get(asset.database)
    if (group === undefined) groups.set(asset.database, (group = { schemas: new Set(), tables: new Map() }))
    if (asset.schema === undefined) continue
    group.schemas.add(asset.schema)
    if (asset.table === undefined) continue
    let tables = group.tables.get(asset.schema)
    if (tables === undefined) group.tables.set(asset.schema, (tables = new Set()))
    tables.add(asset.table)
  }
  return groups
}

/** One query per kind of object, each on the database's own INFORMATION_SCHEMA. */
export function snowflakeReadBackQueries(dialect: SnowflakeDialect, database: string, schemas: readonly string[]): { databases: string; schemas?: string; tables?: string; columns?: string } {
  const info = `${dialect.quoteIdentifier(database)}.INFORMATION_SCHEMA`
  const databases = `SELECT DATABASE_NAME, DATABASE_OWNER, COMMENT FROM ${info}.DATABASES WHERE DATABASE_NAME = ${dialect.quoteLiteral(database)}`
  if (schemas.length === 0) return { databases }
  const inList = `(${schemas.map((schema) => dialect.quoteLiteral(schema)).join(', ')})`
  return {
    databases,
    schemas: `SELECT SCHEMA_NAME, SCHEMA_OWNER, COMMENT FROM ${info}.SCHEMATA WHERE SCHEMA_NAME IN ${inList}`,
    tables: `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_OWNER, COMMENT FROM ${info}.TABLES WHERE TABLE_SCHEMA IN ${inList}`,
    columns: `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COMMENT FROM ${info}.COLUMNS WHERE TABLE_SCHEMA IN ${inList} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
  }
}

const tagColumns = 'TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE, LEVEL, OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME, DOMAIN, COLUMN_NAME'

/**
 * Tags of the database itself and of the given schemas, in one query: TAG_REFERENCES per object,
 * joined with UNION ALL (a schema's rows hold the tags it inherits from the database too).
 */
export function snowflakeContainerTagQuery(dialect: SnowflakeDialect, database: string, schemas: readonly string[]): string {
  const info = `${dialect.quoteIdentifier(database)}.INFORMATION_SCHEMA`
  const name = (...parts: string[]): string => dialect.quoteLiteral(parts.map((part) => dialect.quoteIdentifier(part)).join('.'))
  return [
    `SELECT ${tagColumns} FROM TABLE(${info}.TAG_REFERENCES(${name(database)}, 'database'))`,
    ...schemas.map((schema) => `SELECT ${tagColumns} FROM TABLE(${info}.TAG_REFERENCES(${name(database, schema)}, 'schema'))`),
  ].join('\nUNION ALL\n')
}

/**
 * Tags of the given tables and their columns, `batchSize` tables per query: Snowflake has no
 * information-schema function for a whole schema, so the per-table functions are joined with
 * UNION ALL. TAG_REFERENCES_ALL_COLUMNS takes domain 'table' for views too.
 */
export function snowflakeTagQueries(dialect: SnowflakeDialect, database: string, tables: readonly { schema: string; table: string }[], batchSize: number): string[] {
  const info = `${dialect.quoteIdentifier(database)}.INFORMATION_SCHEMA`
  const parts = tables.flatMap(({ schema, table }) => {
    const name = dialect.quoteLiteral([database, schema, table].map((part) => dialect.quoteIdentifier(part)).join('.'))
    return [
      `SELECT ${tagColumns} FROM TABLE(${info}.TAG_REFERENCES(${name}, 'table'))`,
      `SELECT ${tagColumns} FROM TABLE(${info}.TAG_REFERENCES_ALL_COLUMNS(${name}, 'table'))`,
    ]
  })
  const queries: string[] = []
  const step = Math.max(1, batchSize) * 2
  for (let i = 0; i < parts.length; i += step) queries.push(parts.slice(i, i + step).join('\nUNION ALL\n'))
  return queries
}

/**
 * The account-wide alternative: one query per database, direct references only. ACCOUNT_USAGE
 * lags (up to a few hours), so a tag set moments ago may not be there yet.
 */
export function snowflakeAccountTagQuery(dialect: SnowflakeDialect, database: string): string {
  return `SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE, DOMAIN AS LEVEL, OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME, DOMAIN, COLUMN_NAME FROM SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES WHERE OBJECT_DATABASE = ${dialect.quoteLiteral(database)} AND OBJECT_DELETED IS NULL`
}

/**
 * The tags that may be set, with their allowed values: SHOW TAGS in the configured tag schema, or
 * in the database itself when tags live in the assets' own schemas (one query covers them all,
 * and finds the schema of a database's tags). SHOW is current, unlike ACCOUNT_USAGE.TAGS (which
 * lags up to two hours), and unlike SYSTEM$GET_TAG_ALLOWED_VALUES it is one call for many tags
 * and does not fail on a tag that does not exist yet.
 */
export function snowflakeTagDefinitionQuery(dialect: SnowflakeDialect, scope: { readonly database: string; readonly schema?: string }): string {
  const database = dialect.quoteIdentifier(scope.database)
  return scope.schema === undefined ? `SHOW TAGS IN DATABASE ${database}` : `SHOW TAGS IN SCHEMA ${database}.${dialect.quoteIdentifier(scope.schema)}`
}

/**
 * SHOW TAGS rows by tag name. `allowed_values` is a JSON array text (`["a","b"]`) or NULL for a
 * tag that takes any value; a text that does not parse as a list of strings is taken as no
 * restriction, so Snowflake itself remains the judge.
 */
export function snowflakeTagDefinitions(rows: readonly Row[]): Map<string, TagDefinition[]> {
  const byName = new Map<string, TagDefinition[]>()
  for (const row of rows) {
    const name = text(row.name)
    const database = text(row.database_name)
    const schema = text(row.schema_name)
    if (name === null || database === null || schema === null) continue
    const allowedValues = parseAllowedValues(row.allowed_values)
    const list = byName.get(name) ?? []
    list.push(Object.freeze({ home: Object.freeze([database, schema]), ...(allowedValues !== undefined ? { allowedValues } : {}) }))
    byName.set(name, list)
  }
  return byName
}

function parseAllowedValues(value: unknown): readonly string[] | undefined {
  if (value === null || value === undefined || value === '') return undefined
  try {
    const list: unknown = JSON.parse(String(value))
    return Array.isArray(list) && list.every((item) => typeof item === 'string') ? Object.freeze(list as string[]) : undefined
  } catch {
    return undefined
  }
}

export type Row = Readonly<Record<string, unknown>>

/** Maps INFORMATION_SCHEMA.TABLES.TABLE_TYPE onto the shared object types. */
export function snowflakeObjectType(tableType: unknown): ObjectType {
  switch (String(tableType).toUpperCase()) {
    case 'VIEW':
      return 'view'
    case 'MATERIALIZED VIEW':
      return 'materialized_view'
    case 'EXTERNAL TABLE':
      return 'foreign_table'
    default:
      // BASE TABLE, TEMPORARY TABLE, TRANSIENT, dynamic and iceberg tables: ALTER TABLE reaches them.
      return 'table'
  }
}

export interface SnowflakeReadBackRows {
  readonly databases: readonly Row[]
  readonly schemas: readonly Row[]
  readonly tables: readonly Row[]
  readonly columns: readonly Row[]
  readonly tags: readonly Row[]
  /**
   * The tables (JSON of [schema, table]) whose tags were read; their objects without a tag read
   * back as holding none. Undefined: every table's were (the account-wide view). The database's
   * and the schemas' tags are always read.
   */
  readonly tagTables?: ReadonlySet<string>
  /** SHOW TAGS as parsed; with `ownSchemas`, each object below the database sees its own schema's only. */
  readonly tagDefinitions?: { readonly byName: TagDefinitions; readonly ownSchemas: boolean }
}

type Tag = { key: string; value: string; inherited?: true }

/**
 * Files every row under its FQN. A tag set on the object itself is direct (LEVEL equal to the
 * reference's own domain); one it inherits from its schema or table is marked `inherited`, so it
 * neither counts as in place nor clashes, and is never "removed" from the child. A column's state
 * carries its relation's type in `definition`, which decides ALTER TABLE or ALTER VIEW for it.
 */
export function snowflakeSnapshot(into: Map<string, ObjectState>, service: string, database: string, rows: SnowflakeReadBackRows): void {
  const tags = new Map<string, Tag[]>()
  for (const row of rows.tags) {
    const domain = text(row.DOMAIN)?.toUpperCase()
    const inherited = text(row.LEVEL)?.toUpperCase() !== domain
    const key = domain === 'COLUMN' ? [row.OBJECT_SCHEMA, row.OBJECT_NAME, row.COLUMN_NAME] : domain === 'TABLE' ? [row.OBJECT_SCHEMA, row.OBJECT_NAME] : domain === 'SCHEMA' ? [row.OBJECT_SCHEMA ?? row.OBJECT_NAME] : []
    const list = tags.get(JSON.stringify(key)) ?? []
    const tag: Tag = { key: text(row.TAG_NAME) ?? '', value: text(row.TAG_VALUE) ?? '', ...(inherited ? { inherited: true as const } : {}) }
    // A table's own tags can come from both functions of its batch: each tag once, direct first.
    const known = list.findIndex((other) => other.key === tag.key)
    if (known < 0) list.push(tag)
    else if (list[known]?.inherited === true && !inherited) list[known] = tag
    tags.set(JSON.stringify(key), list)
  }
  const tagsOf = (read: boolean, ...key: unknown[]): { tags?: Tag[] } => {
    const list = tags.get(JSON.stringify(key))
    return list !== undefined ? { tags: list } : read ? { tags: [] } : {}
  }
  const definitions = tagDefinitionsOf(rows.tagDefinitions)
  const tablesRead = (schema: string, table: string): boolean => rows.tagTables === undefined || rows.tagTables.has(JSON.stringify([schema, table]))
  for (const row of rows.databases) {
    if (text(row.DATABASE_NAME) !== database) continue
    putState(into, { level: 'database', service, database }, { objectType: 'database', description: text(row.COMMENT), owner: text(row.DATABASE_OWNER), ...tagsOf(true), ...definitions(undefined) })
  }
  for (const row of rows.schemas) {
    const schema = text(row.SCHEMA_NAME) ?? ''
    putState(into, { level: 'schema', service, database, schema }, { objectType: 'schema', description: text(row.COMMENT), owner: text(row.SCHEMA_OWNER), ...tagsOf(true, schema), ...definitions(schema) })
  }
  const relationType = new Map<string, ObjectType>()
  for (const row of rows.tables) {
    const schema = text(row.TABLE_SCHEMA) ?? ''
    const table = text(row.TABLE_NAME) ?? ''
    const objectType = snowflakeObjectType(row.TABLE_TYPE)
    relationType.set(JSON.stringify([schema, table]), objectType)
    putState(into, { level: 'table', service, database, schema, table }, { objectType, description: text(row.COMMENT), owner: text(row.TABLE_OWNER), ...tagsOf(tablesRead(schema, table), schema, table), ...definitions(schema) })
  }
  for (const row of rows.columns) {
    const schema = text(row.TABLE_SCHEMA) ?? ''
    const table = text(row.TABLE_NAME) ?? ''
    const column = text(row.COLUMN_NAME) ?? ''
    const relation = relationType.get(JSON.stringify([schema, table])) ?? 'table'
    putState(into, { level: 'column', service, database, schema, table, column }, { objectType: 'column', description: text(row.COMMENT), definition: relation, ...tagsOf(tablesRead(schema, table), schema, table, column), ...definitions(schema) })
  }
}

/**
 * The definitions each object sees: all of them for the database (its tags may live in any of its
 * schemas) or with a tag schema; otherwise its own schema's. One frozen map per schema, shared.
 */
function tagDefinitionsOf(read: SnowflakeReadBackRows['tagDefinitions']): (schema: string | undefined) => { tagDefinitions?: TagDefinitions } {
  if (read === undefined) return () => ({})
  const perSchema = new Map<string, TagDefinitions>()
  return (schema) => {
    if (schema === undefined || !read.ownSchemas) return { tagDefinitions: read.byName }
    let own = perSchema.get(schema)
    if (own === undefined) {
      const entries = [...read.byName].map(([name, list]) => [name, list.filter((tag) => tag.home[1] === schema)] as const).filter(([, list]) => list.length > 0)
      perSchema.set(schema, (own = new Map(entries)))
    }
    return { tagDefinitions: own }
  }
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value)
}
