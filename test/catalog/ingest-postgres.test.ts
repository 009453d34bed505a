import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogService } from '../../src/catalog/catalog-service.js'
import { ingest } from '../../src/catalog/ingest.js'
import { openCatalog } from '../../src/catalog/open-catalog.js'
import { resolveConfig, type RevmetaConfig } from '../../src/config/load-config.js'
import { planInput } from '../../src/engine/plan-input.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import { bothTargets } from '../store/store-support.js'
import { createTempDatabase, type TempDatabase } from '../support/postgres-server.js'

const all = { entityCreated: ['*'], entityUpdated: ['*'], entitySoftDeleted: ['*'], entityRestored: ['*'] }

describe.each(bothTargets())('ingest from PostgreSQL into the $name store', (target) => {
  let db: TempDatabase
  let catalog: CatalogService
  let config: RevmetaConfig
  let owner: string

  beforeAll(async () => {
    db = await createTempDatabase('rm_ingest', ['owner'])
    owner = `${db.tag}_owner`
    await db.client.query(`
      CREATE SCHEMA sales; CREATE SCHEMA hr;
      COMMENT ON DATABASE ${db.name} IS 'The shop';
      COMMENT ON SCHEMA sales IS 'Sales data';
      CREATE TABLE sales.orders (status text, id int, "geo.lat" float8);
      COMMENT ON TABLE sales.orders IS 'Orders, as the source says';
      COMMENT ON COLUMN sales.orders.status IS 'placed | paid';
      CREATE VIEW sales.open_orders AS SELECT id FROM sales.orders;
      CREATE TABLE hr.staff (id int);
      ALTER TABLE hr.staff OWNER TO ${owner};`)
    config = await resolveConfig({ services: [{ name: 'wh', type: 'postgres', connection: { database: db.name } }] }, { source: 'test', baseDir: process.cwd(), env: {} })
    await target.setup()
    catalog = openCatalog(await target.fresh(), { delivery: false })
    // The engine owner of hr.staff has a catalog user of the same name; `postgres` has none.
    await catalog.directory.putUser({ name: owner, email: 'owner@example.com' })
  })

  afterAll(async () => {
    await target.teardown()
    await db?.drop()
  })

  it('creates database, schema and table entities with their descriptions; owners only for known principals', async () => {
    const [summary] = await ingest(config, catalog)
    expect(summary!.error).toBeUndefined()
    expect(summary!.entities.database.created).toBe(1)
    expect(summary!.entities.databaseSchema.created).toBe(3) // public, sales, hr
    expect(summary!.entities.table.created).toBe(3)
    expect(summary!.columns).toBe(5)
    expect(summary!.unmatchedOwners).toContain('postgres') // and pg_database_owner (public) on PostgreSQL 15+
    expect(summary!.unmatchedOwners).not.toContain(owner)

    expect(await catalog.getEntity('database', `wh.${db.name}`)).toMatchObject({ description: 'The shop', serviceType: 'Postgres', updatedBy: 'revmeta-ingest', version: 0.1 })
    expect(await catalog.getEntity('databaseSchema', `wh.${db.name}.sales`)).toMatchObject({ description: 'Sales data' })
    const orders = await catalog.getEntity('table', `wh.${db.name}.sales.orders`, 'columns,tags,owners')
    expect(orders).toMatchObject({ description: 'Orders, as the source says', tableType: 'Regular', owners: [] })
    // Read-back carries no ordinal position: new columns come in name order.
    expect(orders.columns?.map((c) => [c.name, c.description ?? null, c.fullyQualifiedName])).toEqual([
      ['geo.lat', null, `wh.${db.name}.sales.orders."geo.lat"`],
      ['id', null, `wh.${db.name}.sales.orders.id`],
      ['status', 'placed | paid', `wh.${db.name}.sales.orders.status`],
    ])
    expect((await catalog.getEntity('table', `wh.${db.name}.sales.open_orders`)).tableType).toBe('View')
    expect((await catalog.getEntity('table', `wh.${db.name}.hr.staff`, 'owners')).owners).toEqual([expect.objectContaining({ type: 'user', name: owner })])
  })

  it("keeps the catalog's own values, fills empty ones from the source, marks vanished objects deleted; no echo", async () => {
    const orders = await catalog.getEntity('table', `wh.${db.name}.sales.orders`, 'columns,tags,owners')
    await catalog.patchEntity('table', orders.id, [{ op: 'replace', path: '/description', value: 'Orders, as the catalog says' }], 'alice')
    await db.client.query(`
      COMMENT ON TABLE sales.orders IS 'Changed behind the catalog''s back';
      COMMENT ON COLUMN sales.orders.id IS 'Order id';
      ALTER TABLE sales.orders ADD COLUMN note text;
      DROP VIEW sales.open_orders;`)
    const since = Date.now()
    const [summary] = await ingest(config, catalog)
    expect(summary!.error).toBeUndefined()
    expect(summary!.entities.table).toMatchObject({ updated: 1, deleted: 1, unchanged: 1 })

    const after = await catalog.getEntity('table', `wh.${db.name}.sales.orders`, 'columns,tags,owners')
    expect(after.description).toBe('Orders, as the catalog says')
    expect(after.columns?.map((c) => [c.name, c.description ?? null])).toEqual([
      ['geo.lat', null],
      ['id', 'Order id'],
      ['status', 'placed | paid'],
      ['note', null],
    ])
    await expect(catalog.getEntity('table', `wh.${db.name}.sales.open_orders`)).rejects.toMatchObject({ status: 404 })
    expect(await catalog.getEntity('table', `wh.${db.name}.sales.open_orders`, undefined, 'deleted')).toMatchObject({ deleted: true })

    const events = (await catalog.listEvents(since, all)) as { eventType: string; userName: string; changeDescription?: unknown }[]
    expect(events.map((e) => [e.eventType, e.userName])).toEqual([
      ['entityUpdated', 'revmeta-ingest'],
      ['entitySoftDeleted', 'revmeta-ingest'],
    ])
    expect(events[0]!.changeDescription).toMatchObject({
      fieldsAdded: [{ name: 'columns', newValue: expect.stringContaining('"name":"note"') }, { name: 'columns.id.description', newValue: 'Order id' }],
    })
    // No echo: what ingestion wrote came from the source, so intake plans nothing for it.
    const normalized = normalizeChangeEvents(events)
    expect(normalized.changes.length).toBeGreaterThan(0)
    const planned = planInput(config, { items: events.length, normalized })
    expect(planned.operations).toEqual([])
    expect(planned.ignored['made by revmeta-ingest (no echo)']).toBe(normalized.changes.length)
  })

  it('restores an object that comes back, and changes nothing when nothing changed', async () => {
    const deleted = await catalog.getEntity('table', `wh.${db.name}.sales.open_orders`, undefined, 'deleted')
    await db.client.query('CREATE VIEW sales.open_orders AS SELECT id FROM sales.orders')
    const [restored] = await ingest(config, catalog)
    expect(restored!.entities.table.restored).toBe(1)
    expect((await catalog.getEntity('table', `wh.${db.name}.sales.open_orders`)).id).toBe(deleted.id)
    const since = Date.now()
    const [quiet] = await ingest(config, catalog, { services: ['wh'] })
    expect(quiet!.entities.table).toEqual({ created: 0, updated: 0, unchanged: 3, deleted: 0, restored: 0 })
    expect(await catalog.listEvents(since, all)).toEqual([])
  })

  it('reports an unreachable service without stopping', async () => {
    const broken = await resolveConfig(
      { services: [{ name: 'gone', type: 'postgres', connection: { port: 1, database: 'x', connectTimeoutMs: 1000 } }, { name: 'wh', type: 'postgres', connection: { database: db.name } }] },
      { source: 'test', baseDir: process.cwd(), env: {} },
    )
    const [gone, wh] = await ingest(broken, catalog)
    expect(gone!.error?.code).toBe('CONNECTION_FAILED')
    expect(wh!.error).toBeUndefined()
  })
})
