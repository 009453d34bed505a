import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogService } from '../../src/catalog/catalog-service.js'
import { ingest } from '../../src/catalog/ingest.js'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { sqliteTarget } from '../store/store-support.js'
import { createTempMysqlDatabase, mysqlServer, type TempMysqlDatabase } from '../support/mysql-server.js'

/**
 * MariaDB has no database level: the catalog database is the `default` label and each server
 * database is a schema. The server is shared with other test files, so only this file's own
 * schema is asserted on.
 */
const target = sqliteTarget()
let db: TempMysqlDatabase
let catalog: CatalogService
let config: RevmetaConfig
let schemaFqn: string

beforeAll(async () => {
  db = await createTempMysqlDatabase('rm_ingest')
  await db.conn.query(`
    CREATE TABLE \`${db.name}\`.orders (status VARCHAR(20), id INT COMMENT 'Order id') COMMENT 'Orders, as MariaDB says';
    CREATE VIEW \`${db.name}\`.open_orders AS SELECT id FROM \`${db.name}\`.orders;`)
  config = await resolveConfig({ services: [{ name: 'maria', type: 'mysql', connection: { ...mysqlServer } }] }, { source: 'test', baseDir: process.cwd(), env: {} })
  schemaFqn = `maria.default.${db.name}`
  await target.setup()
  catalog = openCatalog(await target.fresh(), { delivery: false })
})

afterAll(async () => {
  await target.teardown()
  await db?.drop()
})

describe('ingest from MariaDB', () => {
  it('reads its databases as schemas of the `default` catalog database, with table and column comments', async () => {
    const [summary] = await ingest(config, catalog)
    expect(summary!.error).toBeUndefined()
    expect(await catalog.getEntity('database', 'maria.default')).toMatchObject({ name: 'default', serviceType: 'Mysql' })
    expect(await catalog.getEntity('databaseSchema', schemaFqn)).toMatchObject({ name: db.name, database: { fullyQualifiedName: 'maria.default' } })
    const orders = await catalog.getEntity('table', `${schemaFqn}.orders`, 'columns,tags,owners')
    expect(orders).toMatchObject({ description: 'Orders, as MariaDB says', tableType: 'Regular', owners: [] })
    expect(orders.columns?.map((c) => [c.name, c.description ?? null])).toEqual([
      ['id', 'Order id'],
      ['status', null],
    ])
    // A view's TABLE_COMMENT is the server's label 'VIEW', not a description.
    const view = await catalog.getEntity('table', `${schemaFqn}.open_orders`)
    expect(view).toMatchObject({ tableType: 'View' })
    expect(view.description).toBeUndefined()
    const tables = await catalog.listEntities('table', { databaseSchema: schemaFqn })
    expect(tables.data.map((t) => t.name)).toEqual(['open_orders', 'orders'])
  })

  it("keeps catalog edits over source changes and marks a dropped view deleted", async () => {
    const orders = await catalog.getEntity('table', `${schemaFqn}.orders`, 'columns,tags,owners')
    await catalog.patchEntity('table', orders.id, [{ op: 'add', path: '/columns/1/description', value: 'placed | paid' }, { op: 'replace', path: '/description', value: 'From the catalog' }], 'alice')
    await db.conn.query(`ALTER TABLE \`${db.name}\`.orders COMMENT 'Changed in MariaDB', MODIFY status VARCHAR(20) COMMENT 'source status'; DROP VIEW \`${db.name}\`.open_orders;`)
    const [summary] = await ingest(config, catalog)
    expect(summary!.error).toBeUndefined()
    const after = await catalog.getEntity('table', `${schemaFqn}.orders`, 'columns')
    expect(after.description).toBe('From the catalog')
    expect(after.columns?.map((c) => [c.name, c.description ?? null])).toEqual([
      ['id', 'Order id'],
      ['status', 'placed | paid'],
    ])
    expect(after.version).toBe(0.2)
    expect(await catalog.getEntity('table', `${schemaFqn}.open_orders`, undefined, 'all')).toMatchObject({ deleted: true })
  })
})
