import { randomBytes } from 'node:crypto'
import type mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectState } from '../../src/connectors/connector.js'
import { mysqlConnector } from '../../src/connectors/mysql/index.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { connectMysql, mysqlServer } from '../support/mysql-server.js'
import { walkInventory } from '../support/inventory.js'

/**
 * The server is shared with other test files (and holds `test`), so the listing is checked for
 * what this file made and for what it must never hold; the rest of the server is not ours to assert.
 */
const service = 'shop'
const label = 'default'
const tag = `revmeta_inv_${randomBytes(4).toString('hex')}`
// Byte order puts `Sales` first; information_schema's case-insensitive collation would not.
const sales = `${tag}_Sales`
const dotted = `${tag}_a x.y`
const empty = `${tag}_b`
const system = ['mysql', 'information_schema', 'performance_schema', 'sys']

let admin: mysql.Connection
let client: ConnectorClient

const inventory = () => walkInventory(client, service)

const key = (parts: Omit<AssetRef, 'service' | 'database'>): string => assetFqn({ service, database: label, ...parts })

beforeAll(async () => {
  admin = await connectMysql()
  await admin.query(`
    CREATE DATABASE \`${sales}\` CHARACTER SET utf8mb4 COMMENT 'Sales';
    CREATE DATABASE \`${dotted}\` CHARACTER SET utf8mb4;
    CREATE DATABASE \`${empty}\`;
    CREATE TABLE \`${sales}\`.orders (id int COMMENT 'Order id', note text) COMMENT 'Orders';
    CREATE VIEW \`${sales}\`.orders_v AS SELECT id FROM \`${sales}\`.orders;
    CREATE TABLE \`${dotted}\`.\`Tab.le\` (\`col umn\` int);
  `)
  const connection = mysqlConnector.connectionSchema.parse({ ...mysqlServer })
  client = await mysqlConnector.createClient(connection, { service, dialect: mysqlConnector.createDialect(connection) })
})

afterAll(async () => {
  await client?.close()
  if (admin) {
    for (const name of [sales, dotted, empty]) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``)
    await admin.end()
  }
})

describe('MySQL inventory (MariaDB)', () => {
  it('lists the `default` label, then the server databases in byte order, without the system ones', async () => {
    expect(await client.listDatabases?.()).toEqual([label])
    const schemas = (await client.listSchemas?.(label)) ?? []
    expect(schemas.filter((name) => name.startsWith(tag))).toEqual([sales, dotted, empty])
    expect(schemas.filter((name) => system.includes(name))).toEqual([])
    expect(schemas).toEqual([...schemas].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))))
  })

  it('lists the same databases under any label, as readBack accepts any', async () => {
    const schemas = (await client.listSchemas?.('elsewhere')) ?? []
    expect(schemas.filter((name) => name.startsWith(tag))).toEqual([sales, dotted, empty])
  })

  it('reads back every database, table, view and column made here with its comment', async () => {
    const found = await inventory()
    const ours = Object.fromEntries(Object.entries(found).filter(([fqn]) => fqn.includes(tag)))
    expect(ours).toEqual({
      [key({ level: 'schema', schema: sales })]: { objectType: 'schema', description: 'Sales' },
      [key({ level: 'schema', schema: dotted })]: { objectType: 'schema', description: null },
      [key({ level: 'schema', schema: empty })]: { objectType: 'schema', description: null },
      [key({ level: 'table', schema: sales, table: 'orders' })]: { objectType: 'table', description: 'Orders' },
      [key({ level: 'column', schema: sales, table: 'orders', column: 'id' })]: { objectType: 'column', description: 'Order id' },
      [key({ level: 'column', schema: sales, table: 'orders', column: 'note' })]: { objectType: 'column', description: null },
      [key({ level: 'table', schema: sales, table: 'orders_v' })]: { objectType: 'view', description: null },
      // information_schema shows a view's column with the comment of the column it selects.
      [key({ level: 'column', schema: sales, table: 'orders_v', column: 'id' })]: { objectType: 'column', description: 'Order id' },
      [key({ level: 'table', schema: dotted, table: 'Tab.le' })]: { objectType: 'table', description: null },
      [key({ level: 'column', schema: dotted, table: 'Tab.le', column: 'col umn' })]: { objectType: 'column', description: null },
    })
    const systemKeys = system.map((schema) => key({ level: 'schema', schema }))
    expect(Object.keys(found).filter((fqn) => systemKeys.some((prefix) => fqn === prefix || fqn.startsWith(`${prefix}.`)))).toEqual([])
  })
})
