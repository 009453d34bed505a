import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectState } from '../../src/connectors/connector.js'
import { pgliteConnector } from '../../src/connectors/pglite/index.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { walkInventory } from '../support/inventory.js'

const service = 'embedded'
const db = 'postgres'

// initSql runs in the client's own session, so its temporary table (and pg_temp_N) lives on while the client lists.
const initSql = `
  DROP SCHEMA public;
  CREATE ROLE steward;
  COMMENT ON DATABASE postgres IS 'Embedded';
  CREATE SCHEMA sales AUTHORIZATION steward;
  COMMENT ON SCHEMA sales IS 'Sales';
  CREATE SCHEMA "My Schema.v2";
  CREATE TABLE sales.orders (id int, "Mixed Col" text);
  ALTER TABLE sales.orders OWNER TO steward;
  COMMENT ON TABLE sales.orders IS 'Orders';
  COMMENT ON COLUMN sales.orders."Mixed Col" IS 'Mixed';
  CREATE VIEW sales.orders_v AS SELECT id FROM sales.orders;
  CREATE TABLE sales.events (id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE "My Schema.v2"."Tab.le" ("col umn" int);
  CREATE TEMP TABLE scratch (x int);
`

let dir: string
let client: ConnectorClient

const inventory = () => walkInventory(client, service)

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-inv-pglite-'))
  const initFile = path.join(dir, 'init.sql')
  await writeFile(initFile, initSql)
  const connection = pgliteConnector.connectionSchema.parse({ dataDir: path.join(dir, 'data'), initSql: initFile })
  client = await pgliteConnector.createClient(connection, { service, dialect: pgliteConnector.createDialect(connection) })
})

afterAll(async () => {
  await client?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('PGlite inventory', () => {
  const key = (parts: Omit<AssetRef, 'service' | 'database'>): string => assetFqn({ service, database: db, ...parts })

  it('lists its one database and the user schemas, without system or temporary ones', async () => {
    expect(await client.listDatabases?.()).toEqual([db])
    expect(await client.listSchemas?.(db)).toEqual(['My Schema.v2', 'sales'])
    // No other database exists here, as readBack and execute treat it.
    expect(await client.listSchemas?.('elsewhere')).toEqual([])
  })

  it('reads back every schema, relation and column with its comment and owner, and nothing else', async () => {
    expect(await inventory()).toEqual({
      [assetFqn({ level: 'database', service, database: db })]: { objectType: 'database', description: 'Embedded', owner: 'postgres' },
      [key({ level: 'schema', schema: 'sales' })]: { objectType: 'schema', description: 'Sales', owner: 'steward' },
      [key({ level: 'schema', schema: 'My Schema.v2' })]: { objectType: 'schema', description: null, owner: 'postgres' },
      [key({ level: 'table', schema: 'sales', table: 'orders' })]: { objectType: 'table', description: 'Orders', owner: 'steward' },
      [key({ level: 'column', schema: 'sales', table: 'orders', column: 'id' })]: { objectType: 'column', description: null },
      [key({ level: 'column', schema: 'sales', table: 'orders', column: 'Mixed Col' })]: { objectType: 'column', description: 'Mixed' },
      [key({ level: 'table', schema: 'sales', table: 'orders_v' })]: { objectType: 'view', description: null, owner: 'postgres' },
      [key({ level: 'column', schema: 'sales', table: 'orders_v', column: 'id' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: 'sales', table: 'events' })]: { objectType: 'partitioned_table', description: null, owner: 'postgres' },
      [key({ level: 'column', schema: 'sales', table: 'events', column: 'id' })]: { objectType: 'column', description: null },
      [key({ level: 'column', schema: 'sales', table: 'events', column: 'at' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: 'My Schema.v2', table: 'Tab.le' })]: { objectType: 'table', description: null, owner: 'postgres' },
      [key({ level: 'column', schema: 'My Schema.v2', table: 'Tab.le', column: 'col umn' })]: { objectType: 'column', description: null },
    })
  })
})
