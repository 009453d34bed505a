import { describe, expect, it } from 'vitest'
import type { ObjectState } from '../../src/connectors/connector.js'
import { addDatabaseRows, addObjectRows, databaseReadBackSql, postgresQueries, schemaReadBackSql, type ObjectRow } from '../../src/connectors/postgres/postgres-read-back.js'
import {
  redshiftDatabaseReadBackSql,
  redshiftQueries,
  redshiftSchemaListSql,
  redshiftSchemaReadBack,
  redshiftSchemaReadBackSql,
  redshiftSchemasPerQuery,
} from '../../src/connectors/redshift/redshift-read-back.js'
import { codeOf } from '../support/results.js'

/** The exact read-back text for two schemas: Redshift has no arrays, so each schema is one `$n`. */
const twoSchemas = `SELECT 'schema'::text AS level, n.nspname::text AS schema_name, NULL::text AS table_name,
       NULL::text AS column_name, NULL::text AS relkind, u.usename::text AS owner,
       d.description AS description
  FROM pg_catalog.pg_namespace n
  LEFT JOIN pg_catalog.pg_user u ON u.usesysid = n.nspowner
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::regclass AND d.objsubid = 0
 WHERE n.nspname IN ($1, $2)
UNION ALL
SELECT 'table', n.nspname::text, c.relname::text, NULL, c.relkind::text, u.usename::text, d.description
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_user u ON u.usesysid = c.relowner
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
 WHERE n.nspname IN ($1, $2) AND c.relkind IN ('r','v')
UNION ALL
SELECT 'column', n.nspname::text, c.relname::text, a.attname::text, c.relkind::text, NULL, d.description
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
 WHERE n.nspname IN ($1, $2) AND c.relkind IN ('r','v') AND a.attnum > 0 AND NOT a.attisdropped`

const database = `SELECT d.datname::text AS database_name, u.usename::text AS owner, ds.description AS description
  FROM pg_catalog.pg_database d
  LEFT JOIN pg_catalog.pg_user u ON u.usesysid = d.datdba
  LEFT JOIN pg_catalog.pg_description ds
    ON ds.objoid = d.oid AND ds.classoid = 'pg_catalog.pg_database'::regclass AND ds.objsubid = 0
 WHERE d.datname = $1`

describe('Redshift read-back SQL', () => {
  it('reads schemas, relations and columns with one numbered parameter per schema', () => {
    expect(redshiftSchemaReadBackSql(2)).toBe(twoSchemas)
    expect(redshiftSchemaReadBackSql(1)).toBe(twoSchemas.replaceAll('IN ($1, $2)', 'IN ($1)'))
  })

  it("reads the database's owner and its comment from the database's own pg_description", () => {
    expect(redshiftDatabaseReadBackSql).toBe(database)
    expect(redshiftQueries.databaseReadBack('dev')).toEqual({ text: database, values: ['dev'] })
  })

  it('uses nothing Redshift lacks: no arrays, no comment or catalog-information functions, no pg_shdescription', () => {
    for (const sql of [redshiftSchemaReadBackSql(3), redshiftDatabaseReadBackSql, redshiftSchemaListSql]) {
      for (const missing of ['ANY(', '[]', 'obj_description', 'col_description', 'shobj_description', 'pg_shdescription', 'pg_get_userbyid', 'svv_']) {
        expect(sql.toLowerCase(), missing).not.toContain(missing.toLowerCase())
      }
      // Redshift literals read backslashes as escapes; the read-back has none to be read.
      expect(sql).not.toContain('\\')
    }
  })

  it('binds hostile schema names as values, never as SQL text', () => {
    const names = [`x') OR ('1'='1`, 'a"b', 'back\\slash', '$1', 'ünï cödé']
    const [query, ...more] = redshiftSchemaReadBack(names)
    expect(more).toEqual([])
    expect(query).toEqual({ text: redshiftSchemaReadBackSql(5), values: names })
    for (const name of names.slice(0, 3)) expect(query!.text).not.toContain(name)
    expect(query!.text).toContain('IN ($1, $2, $3, $4, $5)')
  })

  it(`splits more than ${redshiftSchemasPerQuery} schemas over several queries, each numbered from $1`, () => {
    const names = Array.from({ length: 2 * redshiftSchemasPerQuery + 1 }, (_, i) => `s${i}`)
    const queries = redshiftQueries.schemaReadBack(names)
    expect(queries.map((q) => q.values.length)).toEqual([redshiftSchemasPerQuery, redshiftSchemasPerQuery, 1])
    expect(queries.flatMap((q) => q.values)).toEqual(names)
    expect(queries[2]).toEqual({ text: redshiftSchemaReadBackSql(1), values: [`s${2 * redshiftSchemasPerQuery}`] })
    expect(queries[0]!.text).toContain(`$${redshiftSchemasPerQuery})`)
    expect(redshiftQueries.schemaReadBack([])).toEqual([])
  })

  it('refuses a placeholder count it cannot write', () => {
    expect(codeOf(() => redshiftSchemaReadBackSql(0))).toBe('INTERNAL')
    expect(codeOf(() => redshiftSchemaReadBackSql(redshiftSchemasPerQuery + 1))).toBe('INTERNAL')
    expect(codeOf(() => redshiftSchemaReadBackSql(1.5))).toBe('INTERNAL')
  })

  it("leaves PostgreSQL's read-back as it was: one text[] array per query", () => {
    expect(postgresQueries.databaseReadBack('shop')).toEqual({ text: databaseReadBackSql, values: [['shop']] })
    expect(postgresQueries.schemaReadBack(['a', 'b'])).toEqual([{ text: schemaReadBackSql, values: [['a', 'b']] }])
    expect(schemaReadBackSql).toContain('n.nspname = ANY($1::text[])')
    expect(databaseReadBackSql).toContain('shobj_description')
  })
})

describe('Redshift rows through the shared PostgreSQL mapping', () => {
  it("maps Redshift's relation kinds: 'r' tables, 'v' views (materialized ones too); owners are user names", () => {
    const row = (r: Partial<ObjectRow> & Pick<ObjectRow, 'level'>): ObjectRow => ({
      schema_name: 'sales', table_name: null, column_name: null, relkind: null, owner: null, description: null, ...r,
    })
    const rows: ObjectRow[] = [
      row({ level: 'schema', owner: 'alice', description: 'Sales' }),
      row({ level: 'table', table_name: 'orders', relkind: 'r', owner: 'alice', description: 'x'.repeat(1000) }),
      row({ level: 'table', table_name: 'orders_mv', relkind: 'v', owner: 'bob' }),
      row({ level: 'column', table_name: 'orders', column_name: 'id', relkind: 'r', description: 'Id' }),
    ]
    const into = new Map<string, ObjectState>()
    addObjectRows(into, 'rs', 'dev', rows)
    addDatabaseRows(into, 'rs', [{ database_name: 'dev', owner: 'rdsdb', description: null }])
    expect(Object.fromEntries(into)).toEqual({
      'rs.dev.sales': { objectType: 'schema', description: 'Sales', owner: 'alice' },
      'rs.dev.sales.orders': { objectType: 'table', description: 'x'.repeat(1000), owner: 'alice' },
      'rs.dev.sales.orders_mv': { objectType: 'view', description: null, owner: 'bob' },
      'rs.dev.sales.orders.id': { objectType: 'column', description: 'Id' },
      'rs.dev': { objectType: 'database', description: null, owner: 'rdsdb' },
    })
  })
})
