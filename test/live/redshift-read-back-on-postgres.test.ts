import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectState } from '../../src/connectors/connector.js'
import { postgresConnector } from '../../src/connectors/postgres/index.js'
import { redshiftConnector } from '../../src/connectors/redshift/index.js'
import { RedshiftDialect } from '../../src/connectors/redshift/redshift-dialect.js'
import { redshiftQueries, redshiftSchemasPerQuery } from '../../src/connectors/redshift/redshift-read-back.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { hostileBase, mixedUnicode, textColumns } from '../support/hostile-strings.js'
import { createTempDatabase, serverUrl, type TempDatabase } from '../support/postgres-server.js'
import { targetBuilders } from '../support/targets.js'

/**
 * PostgreSQL standing in for Redshift: Redshift's read-back SQL runs on the local PostgreSQL
 * server, through the shared client, to prove the SQL is valid and the rows map right where the
 * two engines agree. Where they do not, the test sets up what Redshift has:
 * - owners are users, so the owners here are LOGIN roles (pg_user lists no others);
 * - Redshift keeps a database's comment in that database's pg_description (PostgreSQL 8.0's
 *   place), PostgreSQL in pg_shdescription; the superuser writes the Redshift row directly;
 * - Redshift has no materialized-view ('m') or partitioned ('p') relation kinds; PostgreSQL's are
 *   left out by the Redshift query, as Redshift's own would never appear.
 * The session reads backslashes in literals as escapes (standard_conforming_strings off), as
 * Redshift does, so the comments written through the Redshift dialect are Redshift's literals.
 */
const service = 'rs'
const dialect = new RedshiftDialect()
const hostile: Record<string, string> = {
  ...hostileBase,
  escapes: '\\x41 \\101 \\u0041 \\t \\b \\0',
  unicode: mixedUnicode,
}

let temp: TempDatabase
let db: string
let owner: string
let nologin: string
let redshift: ConnectorClient
let postgres: ConnectorClient

const many = redshiftSchemasPerQuery + 1 // enough schemas that the read-back takes two queries

beforeAll(async () => {
  temp = await createTempDatabase('revmeta_rsrb', ['owner', 'nologin'])
  db = temp.name
  owner = `${temp.tag}_owner`
  nologin = `${temp.tag}_nologin`
  const sql = temp.client
  await sql.query(`ALTER ROLE "${owner}" LOGIN; ALTER DATABASE "${db}" SET standard_conforming_strings = off; ALTER DATABASE "${db}" SET escape_string_warning = off`)
  await sql.query(`
    CREATE SCHEMA sales AUTHORIZATION "${owner}";
    CREATE SCHEMA "Mixed Case.Schema";
    CREATE SCHEMA empty;
    CREATE TABLE sales.orders (id int, gone int, note text);
    ALTER TABLE sales.orders DROP COLUMN gone;
    ALTER TABLE sales.orders OWNER TO "${owner}";
    CREATE VIEW sales.orders_v AS SELECT id FROM sales.orders;
    CREATE MATERIALIZED VIEW sales.orders_mv AS SELECT id FROM sales.orders;
    CREATE TABLE sales.parted (id int) PARTITION BY RANGE (id);
    CREATE TABLE sales.hostile (${textColumns(hostile)});
    CREATE TABLE sales.orphaned (x int);
    ALTER TABLE sales.orphaned OWNER TO "${nologin}";
    CREATE TABLE "Mixed Case.Schema"."Tab.le" ("col umn" int);
    ${Array.from({ length: many }, (_, i) => `CREATE SCHEMA bulk_${i};`).join('\n')}
    CREATE TABLE bulk_${many - 1}.last (x int);
  `)
  // Where Redshift keeps a database comment (see redshiftDatabaseReadBackSql), written as COMMENT would there.
  await sql.query(
    `INSERT INTO pg_catalog.pg_description (objoid, classoid, objsubid, description)
     SELECT oid, 'pg_catalog.pg_database'::regclass, 0, $1 FROM pg_catalog.pg_database WHERE datname = current_database()`,
    [`Dev's \\ warehouse`],
  )
  // PostgreSQL's own place for it, which the Redshift query must not read.
  await sql.query(`COMMENT ON DATABASE "${db}" IS 'only in pg_shdescription'`)
  const open = async (connector: typeof redshiftConnector | typeof postgresConnector, name: string) => {
    const connection = connector.connectionSchema.parse({ ...serverUrl, database: db })
    return connector.createClient(connection, { service: name, dialect: connector.createDialect(connection) })
  }
  redshift = await open(redshiftConnector, service)
  postgres = await open(postgresConnector, service)
  const { rel, col, schema } = targetBuilders({ service, database: db })
  const units = [
    dialect.renderDescription(schema('sales'), 'Sales, \\ and all'),
    dialect.renderDescription(rel('orders'), `Orders' "table"`),
    dialect.renderDescription(col('orders', 'note'), 'x\\y'.repeat(40_000)), // past any SVV_* truncation
    dialect.renderDescription(rel('orders_v', 'view'), 'A view'),
    ...Object.entries(hostile).map(([name, text]) => dialect.renderDescription(col('hostile', name), text)),
  ]
  expect(await redshift.execute(db, units)).toEqual(units.map(() => ({ ok: true })))
})

afterAll(async () => {
  await redshift?.close()
  await postgres?.close()
  await temp?.drop()
})

const key = (parts: Omit<AssetRef, 'service' | 'database'>): string => assetFqn({ service, database: db, ...parts })
const schemaAsset = (schema: string): AssetRef => ({ level: 'schema', service, database: db, schema })

describe('Redshift read-back SQL on PostgreSQL standing in for Redshift (live)', () => {
  it('reads every schema, table, view and column asked for, with full comments and user owners', async () => {
    const snapshot = await redshift.readBack(['sales', 'Mixed Case.Schema', 'empty'].map(schemaAsset))
    const expected: Record<string, ObjectState> = {
      [assetFqn({ level: 'database', service, database: db })]: { objectType: 'database', description: `Dev's \\ warehouse`, owner: 'postgres' },
      [key({ level: 'schema', schema: 'sales' })]: { objectType: 'schema', description: 'Sales, \\ and all', owner },
      [key({ level: 'schema', schema: 'Mixed Case.Schema' })]: { objectType: 'schema', description: null, owner: 'postgres' },
      [key({ level: 'schema', schema: 'empty' })]: { objectType: 'schema', description: null, owner: 'postgres' },
      [key({ level: 'table', schema: 'sales', table: 'orders' })]: { objectType: 'table', description: `Orders' "table"`, owner },
      [key({ level: 'column', schema: 'sales', table: 'orders', column: 'id' })]: { objectType: 'column', description: null },
      [key({ level: 'column', schema: 'sales', table: 'orders', column: 'note' })]: { objectType: 'column', description: 'x\\y'.repeat(40_000) },
      [key({ level: 'table', schema: 'sales', table: 'orders_v' })]: { objectType: 'view', description: 'A view', owner: 'postgres' },
      [key({ level: 'column', schema: 'sales', table: 'orders_v', column: 'id' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: 'sales', table: 'hostile' })]: { objectType: 'table', description: null, owner: 'postgres' },
      // Owned by a role that is no user: still read, with no owner (Redshift objects always have a user).
      [key({ level: 'table', schema: 'sales', table: 'orphaned' })]: { objectType: 'table', description: null, owner: null },
      [key({ level: 'column', schema: 'sales', table: 'orphaned', column: 'x' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: 'Mixed Case.Schema', table: 'Tab.le' })]: { objectType: 'table', description: null, owner: 'postgres' },
      [key({ level: 'column', schema: 'Mixed Case.Schema', table: 'Tab.le', column: 'col umn' })]: { objectType: 'column', description: null },
    }
    for (const [name, text] of Object.entries(hostile)) expected[key({ level: 'column', schema: 'sales', table: 'hostile', column: name })] = { objectType: 'column', description: text }
    expect(Object.fromEntries(snapshot)).toEqual(expected)
  })

  it("agrees with PostgreSQL's own read-back on every object both read, except where Redshift differs", async () => {
    const schemas = ['sales', 'Mixed Case.Schema', 'empty'].map(schemaAsset)
    const [fromRedshift, fromPostgres] = await Promise.all([redshift.readBack(schemas), postgres.readBack(schemas)])
    const databaseKey = assetFqn({ level: 'database', service, database: db })
    // PostgreSQL reads its own place for the database comment; Redshift's query reads Redshift's.
    expect(fromPostgres.get(databaseKey)?.description).toBe('only in pg_shdescription')
    expect(fromRedshift.get(databaseKey)?.description).toBe(`Dev's \\ warehouse`)
    const onlyPostgres = [...fromPostgres.keys()].filter((k) => !fromRedshift.has(k)).sort()
    expect(onlyPostgres).toEqual(
      [
        key({ level: 'table', schema: 'sales', table: 'orders_mv' }),
        key({ level: 'column', schema: 'sales', table: 'orders_mv', column: 'id' }),
        key({ level: 'table', schema: 'sales', table: 'parted' }),
        key({ level: 'column', schema: 'sales', table: 'parted', column: 'id' }),
      ].sort(),
    )
    for (const [k, state] of fromRedshift) {
      if (k === databaseKey) continue
      const pg = fromPostgres.get(k)
      // pg_get_userbyid names any role; pg_user only users, as Redshift's owners all are.
      expect(state, k).toEqual(k === key({ level: 'table', schema: 'sales', table: 'orphaned' }) ? { ...pg, owner: null } : pg)
    }
  })

  it(`reads more than ${redshiftSchemasPerQuery} schemas in several queries of numbered parameters`, async () => {
    const names = Array.from({ length: many }, (_, i) => `bulk_${i}`)
    expect(redshiftQueries.schemaReadBack(names)).toHaveLength(2)
    const snapshot = await redshift.readBack(names.map(schemaAsset))
    expect(names.every((name) => snapshot.get(key({ level: 'schema', schema: name }))?.objectType === 'schema')).toBe(true)
    expect(snapshot.get(key({ level: 'table', schema: `bulk_${many - 1}`, table: 'last' }))).toEqual({ objectType: 'table', description: null, owner: 'postgres' })
  })

  it('binds schema names as values: a name that looks like SQL is only a name', async () => {
    const snapshot = await redshift.readBack([schemaAsset(`sales') OR ('1'='1`), schemaAsset('nope')])
    expect([...snapshot.keys()]).toEqual([assetFqn({ level: 'database', service, database: db })])
  })

  it('reads a database that does not exist as absent, without failing', async () => {
    const snapshot = await redshift.readBack([{ level: 'schema', service, database: `${db}_missing`, schema: 'sales' }])
    expect(snapshot.size).toBe(0)
  })
})
