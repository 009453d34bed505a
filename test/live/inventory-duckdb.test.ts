import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectState } from '../../src/connectors/connector.js'
import { duckdbConnector } from '../../src/connectors/duckdb/index.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { walkInventory } from '../support/inventory.js'

const service = 'lake'
// The file's name without extension is the catalog.
const db = 'shop'

// An attached catalog and a temporary table show that only the file's own catalog is listed.
const initSql = `
  CREATE SCHEMA sales;
  CREATE SCHEMA "My Schema.v2";
  CREATE SCHEMA empty;
  CREATE TABLE main.settings (k VARCHAR);
  CREATE TABLE sales.orders (id INTEGER, "Mixed Col" VARCHAR);
  COMMENT ON TABLE sales.orders IS 'Orders';
  COMMENT ON COLUMN sales.orders.id IS 'Order id';
  CREATE VIEW sales.orders_v AS SELECT id FROM sales.orders;
  COMMENT ON VIEW sales.orders_v IS 'Ids';
  CREATE TABLE "My Schema.v2"."Tab.le" ("col umn" INTEGER);
  ATTACH ':memory:' AS other;
  CREATE SCHEMA other.x;
  CREATE TEMP TABLE scratch (x INTEGER);
`

let dir: string
let client: ConnectorClient

const inventory = () => walkInventory(client, service)

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-inv-duckdb-'))
  const initFile = path.join(dir, 'init.sql')
  await writeFile(initFile, initSql)
  const connection = duckdbConnector.connectionSchema.parse({ path: path.join(dir, `${db}.duckdb`), initSql: initFile })
  client = await duckdbConnector.createClient(connection, { service, dialect: duckdbConnector.createDialect(connection) })
})

afterAll(async () => {
  await client?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('DuckDB inventory', () => {
  const key = (parts: Omit<AssetRef, 'service' | 'database'>): string => assetFqn({ service, database: db, ...parts })
  const column = (schema: string, table: string, name: string, description: string | null = null) => ({
    [key({ level: 'column', schema, table, column: name })]: { objectType: 'column', description },
  })

  it("lists the file's catalog and its schemas, `main` included, without information_schema and pg_catalog", async () => {
    expect(await client.listDatabases?.()).toEqual([db])
    expect(await client.listSchemas?.(db)).toEqual(['My Schema.v2', 'empty', 'main', 'sales'])
    // Read-back serves any attached catalog, so the listing does too; an unknown one holds nothing.
    expect(await client.listSchemas?.('other')).toEqual(['main', 'x'])
    expect(await client.listSchemas?.('nowhere')).toEqual([])
  })

  it('reads back every table, view and column with its comment, and nothing else', async () => {
    expect(await inventory()).toEqual({
      [key({ level: 'table', schema: 'main', table: 'settings' })]: { objectType: 'table', description: null },
      ...column('main', 'settings', 'k'),
      [key({ level: 'table', schema: 'sales', table: 'orders' })]: { objectType: 'table', description: 'Orders' },
      ...column('sales', 'orders', 'id', 'Order id'),
      ...column('sales', 'orders', 'Mixed Col'),
      [key({ level: 'table', schema: 'sales', table: 'orders_v' })]: { objectType: 'view', description: 'Ids' },
      ...column('sales', 'orders_v', 'id'),
      [key({ level: 'table', schema: 'My Schema.v2', table: 'Tab.le' })]: { objectType: 'table', description: null },
      ...column('My Schema.v2', 'Tab.le', 'col umn'),
    })
  })
})
