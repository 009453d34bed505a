import { fqnOrSkip, putState } from '../snapshot-state.js'
import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import { assetFqn, childFqn } from '../../model/fqn.js'
import type { ObjectState, ObjectType } from '../connector.js'
import { postgresPrivilegeQueries, type PostgresPrivilegeQueries } from './postgres-privileges.js'

/**
 * Read-back SQL and row mapping shared by every PostgreSQL-protocol connector. No driver here:
 * the SQL is plain text and the mapping pure, so both are testable without a database.
 */

/** One row of {@link schemaReadBackSql}. */
export interface ObjectRow {
  readonly level: 'schema' | 'table' | 'column'
  readonly schema_name: string
  readonly table_name: string | null
  readonly column_name: string | null
  /** pg_class.relkind of the table, or of the column's table. */
  readonly relkind: string | null
  readonly owner: string | null
  readonly description: string | null
}

/** One row of {@link databaseReadBackSql}. */
export interface DatabaseRow {
  readonly database_name: string
  readonly owner: string | null
  readonly description: string | null
}

// pg_description is joined directly (not obj_description()) so one scan serves every level.
const relkinds = `('r','p','v','m','f')`

/**
 * Every schema, relation and column of the schemas named in `$1::text[]`, in one round trip.
 * Comments come straight from pg_description: objsubid 0 for the object, attnum for a column.
 */
export const schemaReadBackSql = `SELECT 'schema'::text AS level, n.nspname::text AS schema_name, NULL::text AS table_name,
       NULL::text AS column_name, NULL::text AS relkind, pg_get_userbyid(n.nspowner)::text AS owner,
       d.description AS description
  FROM pg_catalog.pg_namespace n
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[])
UNION ALL
SELECT 'table', n.nspname::text, c.relname::text, NULL, c.relkind::text, pg_get_userbyid(c.relowner)::text, d.description
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ${relkinds}
UNION ALL
SELECT 'column', n.nspname::text, c.relname::text, a.attname::text, c.relkind::text, NULL, d.description
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
 WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ${relkinds} AND a.attnum > 0 AND NOT a.attisdropped`

/** Owner and comment of the databases named in `$1::text[]` (comments live in pg_shdescription). */
export const databaseReadBackSql = `SELECT d.datname::text AS database_name, pg_get_userbyid(d.datdba)::text AS owner,
       pg_catalog.shobj_description(d.oid, 'pg_database') AS description
  FROM pg_catalog.pg_database d
 WHERE d.datname = ANY($1::text[])`

/** A read-back query and the values bound to its `$n` parameters. */
export interface ReadBackQuery {
  readonly text: string
  readonly values: readonly unknown[]
}

/**
 * The queries in which PostgreSQL-protocol engines differ; each engine's read-back file holds its
 * own and the shared client runs them. Builders are pure: they get names only as bound values.
 */
export interface PostgresProtocolQueries {
  /** `revmeta check`: who the connection is, and what it holds on each object (postgres-privileges.ts). */
  readonly privileges: PostgresPrivilegeQueries
  /** Lists the connected database's schemas without the engine's system ones (a {@link SchemaNameRow} each). */
  readonly schemaListSql: string
  /** Owner and comment of `database` ({@link DatabaseRow}), run on a connection to that database. */
  readonly databaseReadBack: (database: string) => ReadBackQuery
  /** Every schema, relation and column of `schemas` ({@link ObjectRow}s), in as many queries as the engine needs. */
  readonly schemaReadBack: (schemas: readonly string[]) => readonly ReadBackQuery[]
}

/** One row of a schema listing ({@link schemaListSql}). */
export interface SchemaNameRow {
  readonly schema_name: string
}

// Temporary schemas come and go with sessions; a regex, not LIKE, so no backslash escape depends
// on standard_conforming_strings (off in Redshift and in some PostgreSQL databases).
const temporarySchemas = `'^pg_(toast_)?temp_[0-9]+$'`

/**
 * The schemas of the connected database, system ones left out, in byte order (`name` sorts in
 * the C collation). `systemSchemas` are fixed names of an engine, written into the SQL once at load.
 */
export function schemaListSqlExcluding(systemSchemas: readonly string[]): string {
  const names = systemSchemas.map((name) => {
    if (!/^[a-z0-9_]+$/.test(name)) throw new RevmetaError('INTERNAL', `Not a system schema name: ${JSON.stringify(name)}`)
    return `'${name}'`
  })
  return `SELECT n.nspname::text AS schema_name
  FROM pg_catalog.pg_namespace n
 WHERE n.nspname NOT IN (${names.join(', ')}) AND n.nspname !~ ${temporarySchemas}
 ORDER BY n.nspname`
}

export const postgresSystemSchemas: readonly string[] = ['pg_catalog', 'information_schema', 'pg_toast']

/** PostgreSQL's (and PGlite's) schema listing. */
export const schemaListSql = schemaListSqlExcluding(postgresSystemSchemas)

/** PostgreSQL's read-back: each query binds one text[] array, so one query covers any number of schemas. */
export const postgresQueries: PostgresProtocolQueries = {
  schemaListSql,
  privileges: postgresPrivilegeQueries(schemaListSql),
  databaseReadBack: (database) => ({ text: databaseReadBackSql, values: [[database]] }),
  schemaReadBack: (schemas) => [{ text: schemaReadBackSql, values: [schemas] }],
}

const relkindTypes: Readonly<Record<string, ObjectType>> = {
  r: 'table',
  p: 'partitioned_table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
}

export function objectTypeOfRelkind(relkind: string | null): ObjectType | undefined {
  return relkind === null ? undefined : relkindTypes[relkind]
}

/**
 * Adds one database's rows to `into`, keyed by assetFqn. Objects whose names have no FQN (an
 * empty name) cannot be asked for, so they are skipped
 * instead of failing the whole read-back. A read-back holds tens of thousands of columns of a
 * few hundred tables: each key is its parent's FQN plus one quoted name.
 */
export function addObjectRows(into: Map<string, ObjectState>, service: string, database: string, rows: readonly ObjectRow[]): void {
  const databaseFqn = fqnOrSkip(() => assetFqn({ level: 'database', service, database }))
  if (databaseFqn === undefined) return
  // Per schema its FQN and its tables' FQNs: rows come a schema's tables and columns at a time, so
  // the last schema and table looked up are kept, and no key is built per row.
  const schemas = new Map<string, { fqn: string | undefined; tables: Map<string, string | undefined> }>()
  let lastSchema: string | undefined
  let schemaEntry: { fqn: string | undefined; tables: Map<string, string | undefined> } | undefined
  let lastTable: string | undefined
  let tableFqn: string | undefined
  for (const row of rows) {
    if (row.schema_name !== lastSchema || schemaEntry === undefined) {
      lastSchema = row.schema_name
      schemaEntry = schemas.get(lastSchema)
      if (schemaEntry === undefined) schemas.set(lastSchema, (schemaEntry = { fqn: childOrSkip(databaseFqn, lastSchema), tables: new Map() }))
      lastTable = undefined
    }
    const inSchema = schemaEntry.fqn
    if (inSchema === undefined) continue
    if (row.level === 'schema') {
      into.set(inSchema, { objectType: 'schema', description: row.description, owner: row.owner })
      continue
    }
    const objectType = objectTypeOfRelkind(row.relkind)
    if (objectType === undefined || row.table_name === null) continue
    if (row.table_name !== lastTable) {
      lastTable = row.table_name
      const tables = schemaEntry.tables
      if (tables.has(lastTable)) tableFqn = tables.get(lastTable)
      else tables.set(lastTable, (tableFqn = childOrSkip(inSchema, lastTable)))
    }
    if (tableFqn === undefined) continue
    if (row.level === 'table') {
      into.set(tableFqn, { objectType, description: row.description, owner: row.owner })
    } else if (row.column_name !== null) {
      const columnFqn = childOrSkip(tableFqn, row.column_name)
      if (columnFqn !== undefined) into.set(columnFqn, { objectType: 'column', description: row.description })
    }
  }
}

/** childFqn, or undefined for a name that has no FQN (see fqnOrSkip); no closure per call, as it runs per row. */
function childOrSkip(parentFqn: string, name: string): string | undefined {
  try {
    return childFqn(parentFqn, name)
  } catch (error) {
    return fqnOrSkip(() => {
      throw error
    })
  }
}

export function addDatabaseRows(into: Map<string, ObjectState>, service: string, rows: readonly DatabaseRow[]): void {
  for (const row of rows) {
    const asset: AssetRef = { level: 'database', service, database: row.database_name }
    putState(into, asset, { objectType: 'database', description: row.description, owner: row.owner })
  }
}
