import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clickhouseConnector } from '../../src/connectors/clickhouse/index.js'
import type { ConnectorClient, ObjectState } from '../../src/connectors/connector.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { walkInventory } from '../support/inventory.js'

const service = 'ch'
// OpenMetadata files every ClickHouse database as a schema of one catalog database, `default`.
const label = 'default'

// chdb always has a `default` database: a user database like any other, so it is inventoried too.
const initSql = `
  CREATE DATABASE sales COMMENT 'Sales';
  CREATE DATABASE \`My DB.v2\`;
  CREATE TABLE sales.orders (id UInt32 COMMENT 'Order id', \`Mixed Col\` String) ENGINE = MergeTree ORDER BY id COMMENT 'Orders';
  CREATE VIEW sales.orders_v AS SELECT id FROM sales.orders;
  CREATE TABLE sales.sink (id UInt32) ENGINE = MergeTree ORDER BY id;
  CREATE MATERIALIZED VIEW sales.orders_to TO sales.sink AS SELECT id FROM sales.orders;
  CREATE TABLE \`My DB.v2\`.\`Tab.le\` (\`col umn\` UInt8) ENGINE = Memory;
`

let dir: string
let client: ConnectorClient

const inventory = () => walkInventory(client, service)

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-inv-chdb-'))
  const initFile = path.join(dir, 'init.sql')
  await writeFile(initFile, initSql)
  const connection = clickhouseConnector.connectionSchema.parse({ mode: 'embedded', path: path.join(dir, 'data'), initSql: initFile })
  client = await clickhouseConnector.createClient(connection, { service, dialect: clickhouseConnector.createDialect(connection) })
})

afterAll(async () => {
  await client?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('ClickHouse inventory (chdb)', () => {
  const key = (parts: Omit<AssetRef, 'service' | 'database'>): string => assetFqn({ service, database: label, ...parts })
  const column = (table: string, name: string, description: string | null, definition: string, schema = 'sales') => ({
    [key({ level: 'column', schema, table, column: name })]: { objectType: 'column', description, definition },
  })

  it('lists the `default` label, then every ClickHouse database but system and the information schemas', async () => {
    expect(await client.listDatabases?.()).toEqual([label])
    expect(await client.listSchemas?.(label)).toEqual(['My DB.v2', 'default', 'sales'])
    // The label has no ClickHouse object behind it: read-back takes any, and so does the listing.
    expect(await client.listSchemas?.('elsewhere')).toEqual(['My DB.v2', 'default', 'sales'])
  })

  it('reads back every database, table, view and column with its comment, and nothing else', async () => {
    expect(await inventory()).toEqual({
      [assetFqn({ level: 'database', service, database: label })]: { objectType: 'database', description: null },
      [key({ level: 'schema', schema: 'default' })]: { objectType: 'schema', description: null },
      [key({ level: 'schema', schema: 'sales' })]: { objectType: 'schema', description: 'Sales' },
      [key({ level: 'schema', schema: 'My DB.v2' })]: { objectType: 'schema', description: null },
      [key({ level: 'table', schema: 'sales', table: 'orders' })]: { objectType: 'table', description: 'Orders' },
      ...column('orders', 'id', 'Order id', 'MergeTree'),
      ...column('orders', 'Mixed Col', null, 'MergeTree'),
      [key({ level: 'table', schema: 'sales', table: 'orders_v' })]: { objectType: 'view', description: null },
      ...column('orders_v', 'id', null, 'View'),
      [key({ level: 'table', schema: 'sales', table: 'sink' })]: { objectType: 'table', description: null },
      ...column('sink', 'id', null, 'MergeTree'),
      [key({ level: 'table', schema: 'sales', table: 'orders_to' })]: { objectType: 'materialized_view', description: null },
      ...column('orders_to', 'id', null, 'MaterializedView'),
      [key({ level: 'table', schema: 'My DB.v2', table: 'Tab.le' })]: { objectType: 'table', description: null },
      ...column('Tab.le', 'col umn', null, 'Memory', 'My DB.v2'),
    })
  })
})
