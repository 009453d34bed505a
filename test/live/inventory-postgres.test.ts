import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Connector, ConnectorClient, ObjectState } from '../../src/connectors/connector.js'
import { postgresConnector } from '../../src/connectors/postgres/index.js'
import { redshiftConnector } from '../../src/connectors/redshift/index.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { connect, serverUrl as server } from '../support/postgres-server.js'
import { walkInventory } from '../support/inventory.js'

/**
 * listDatabases + listSchemas + readBack of those schemas must give ingestion the whole database
 * and nothing of the system's. Redshift's own system schemas cannot exist on PostgreSQL, except
 * made by a superuser with allow_system_table_mods, which is how its listing is checked here.
 */
const run = `${Date.now().toString(36)}${process.pid.toString(36)}`
const db = `revmeta_inv_${run}`
const rsDb = `revmeta_inv_rs_${run}`
const steward = `revmeta_inv_steward_${run}`
const redshiftSystem = ['pg_internal', 'pg_automv', 'pg_auto_copy', 'pg_mv', 'pg_s3']

let admin: pg.Client
/** Holds a temporary table, so pg_temp_N and pg_toast_temp_N exist while the listing runs. */
let session: pg.Client
let rsSession: pg.Client
const clients: ConnectorClient[] = []

async function open<C>(connector: Connector<C>, service: string, database: string): Promise<ConnectorClient> {
  const connection = connector.connectionSchema.parse({ ...server, database })
  const client = await connector.createClient(connection, { service, dialect: connector.createDialect(connection) })
  clients.push(client)
  return client
}

const inventory = walkInventory

const namespaces = async (client: pg.Client): Promise<string[]> => (await client.query<{ n: string }>('SELECT nspname::text AS n FROM pg_namespace')).rows.map((row) => row.n)

beforeAll(async () => {
  admin = await connect()
  await admin.query(`CREATE DATABASE "${db}"`)
  await admin.query(`CREATE DATABASE "${rsDb}"`)
  // Redshift's literals always read backslashes as escapes; the listing must not depend on that.
  await admin.query(`ALTER DATABASE "${rsDb}" SET standard_conforming_strings = off; CREATE ROLE "${steward}"`)
  await admin.query(`COMMENT ON DATABASE "${db}" IS 'The warehouse'`)
  session = await connect(db)
  await session.query(`
    DROP SCHEMA public;
    CREATE SCHEMA sales AUTHORIZATION "${steward}";
    COMMENT ON SCHEMA sales IS 'Sales';
    CREATE SCHEMA "My Schema.v2";
    CREATE SCHEMA empty;
    CREATE TABLE sales.orders (id int, "Mixed Col" text);
    ALTER TABLE sales.orders OWNER TO "${steward}";
    COMMENT ON TABLE sales.orders IS 'One row per order';
    COMMENT ON COLUMN sales.orders.id IS 'Order id';
    CREATE INDEX orders_id ON sales.orders (id);
    CREATE SEQUENCE sales.order_ids;
    CREATE VIEW sales.orders_v AS SELECT id FROM sales.orders;
    COMMENT ON VIEW sales.orders_v IS 'Ids only';
    CREATE MATERIALIZED VIEW sales.orders_mv AS SELECT id FROM sales.orders;
    CREATE TABLE "My Schema.v2"."Tab.le" ("col umn" int);
    CREATE TEMP TABLE scratch (x int);
  `)
  rsSession = await connect(rsDb)
  await rsSession.query(`
    SET allow_system_table_mods = on;
    ${redshiftSystem.map((name) => `CREATE SCHEMA ${name}; CREATE TABLE ${name}.hidden (x int);`).join('\n')}
    RESET allow_system_table_mods;
    CREATE SCHEMA catalog_history;
    DROP SCHEMA public;
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (id int);
    COMMENT ON COLUMN sales.orders.id IS 'It''s the id';
    CREATE TEMP TABLE scratch (x int);
  `)
})

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()))
  await session?.end()
  await rsSession?.end()
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)
    await admin.query(`DROP DATABASE IF EXISTS "${rsDb}" WITH (FORCE)`)
    await admin.query(`DROP ROLE IF EXISTS "${steward}"`)
    await admin.end()
  }
})

describe('PostgreSQL inventory', () => {
  const service = 'warehouse'
  const key = (parts: Omit<AssetRef, 'service' | 'database'>): string => assetFqn({ service, database: db, ...parts })

  it('lists the configured database and its schemas in byte order, without system or temporary schemas', async () => {
    const client = await open(postgresConnector, service, db)
    expect(await client.listDatabases?.()).toEqual([db])
    const all = await namespaces(session)
    expect(all.filter((name) => /^pg_(toast_)?temp_\d+$/.test(name))).toHaveLength(2)
    expect(await client.listSchemas?.(db)).toEqual(['My Schema.v2', 'empty', 'sales'])
  })

  it('reads back every schema, relation and column with its comment and owner, and nothing else', async () => {
    const client = await open(postgresConnector, service, db)
    const owned = (owner: string) => ({ owner })
    expect(await inventory(client, service)).toEqual({
      [assetFqn({ level: 'database', service, database: db })]: { objectType: 'database', description: 'The warehouse', ...owned('postgres') },
      [key({ level: 'schema', schema: 'sales' })]: { objectType: 'schema', description: 'Sales', ...owned(steward) },
      [key({ level: 'schema', schema: 'My Schema.v2' })]: { objectType: 'schema', description: null, ...owned('postgres') },
      [key({ level: 'schema', schema: 'empty' })]: { objectType: 'schema', description: null, ...owned('postgres') },
      [key({ level: 'table', schema: 'sales', table: 'orders' })]: { objectType: 'table', description: 'One row per order', ...owned(steward) },
      [key({ level: 'column', schema: 'sales', table: 'orders', column: 'id' })]: { objectType: 'column', description: 'Order id' },
      [key({ level: 'column', schema: 'sales', table: 'orders', column: 'Mixed Col' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: 'sales', table: 'orders_v' })]: { objectType: 'view', description: 'Ids only', ...owned('postgres') },
      [key({ level: 'column', schema: 'sales', table: 'orders_v', column: 'id' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: 'sales', table: 'orders_mv' })]: { objectType: 'materialized_view', description: null, ...owned('postgres') },
      [key({ level: 'column', schema: 'sales', table: 'orders_mv', column: 'id' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: 'My Schema.v2', table: 'Tab.le' })]: { objectType: 'table', description: null, ...owned('postgres') },
      [key({ level: 'column', schema: 'My Schema.v2', table: 'Tab.le', column: 'col umn' })]: { objectType: 'column', description: null },
    })
  })

  it('lists no schemas for a database that does not exist, as readBack finds no objects there', async () => {
    const client = await open(postgresConnector, service, db)
    expect(await client.listSchemas?.(`${db}_missing`)).toEqual([])
  })
})

describe('Redshift inventory (on PostgreSQL)', () => {
  const service = 'redshift'

  it("leaves out Redshift's own system schemas, which PostgreSQL's listing keeps", async () => {
    const redshift = await open(redshiftConnector, service, rsDb)
    const postgres = await open(postgresConnector, 'warehouse', rsDb)
    expect(await redshift.listDatabases?.()).toEqual([rsDb])
    expect(await redshift.listSchemas?.(rsDb)).toEqual(['sales'])
    expect(await postgres.listSchemas?.(rsDb)).toEqual(['catalog_history', ...[...redshiftSystem].sort(), 'sales'])
  })

  it('reads back the user schemas whole', async () => {
    const client = await open(redshiftConnector, service, rsDb)
    const key = (parts: Omit<AssetRef, 'service' | 'database'>): string => assetFqn({ service, database: rsDb, ...parts })
    expect(await inventory(client, service)).toEqual({
      [assetFqn({ level: 'database', service, database: rsDb })]: { objectType: 'database', description: null, owner: 'postgres' },
      [key({ level: 'schema', schema: 'sales' })]: { objectType: 'schema', description: null, owner: 'postgres' },
      [key({ level: 'table', schema: 'sales', table: 'orders' })]: { objectType: 'table', description: null, owner: 'postgres' },
      [key({ level: 'column', schema: 'sales', table: 'orders', column: 'id' })]: { objectType: 'column', description: "It's the id" },
    })
  })
})
