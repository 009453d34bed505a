import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectTarget, Statement } from '../../src/connectors/connector.js'
import { pgliteConnector } from '../../src/connectors/pglite/index.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { hostileBase, mixedUnicode, textColumns } from '../support/hostile-strings.js'
import { codes } from '../support/results.js'
import { targetBuilders } from '../support/targets.js'

const service = 'embedded'
const db = 'postgres'
const dialect = new PostgresDialect()

const hostile: Record<string, string> = {
  ...hostileBase,
  unicode: mixedUnicode,
}

const initSql = `
  CREATE ROLE steward;
  CREATE SCHEMA sales;
  CREATE SCHEMA "My Schema.v2";
  CREATE TABLE sales.orders (id int, "Mixed Col" text);
  CREATE VIEW sales.orders_v AS SELECT * FROM sales.orders;
  CREATE MATERIALIZED VIEW sales.orders_mv AS SELECT id FROM sales.orders;
  CREATE TABLE sales.events (id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE "My Schema.v2"."Tab.le" ("col umn" int);
  CREATE TABLE sales.hostile (${textColumns(hostile)});
`

const targets = targetBuilders({ service, database: db })
const { asset: a, target: t, rel, col } = targets
const comment = (target: ObjectTarget, text: string | null): Statement[] => dialect.renderDescription(target, text)

let dir: string
let dataDir: string
let initFile: string
let client: ConnectorClient

async function open(connection: Record<string, unknown>): Promise<ConnectorClient> {
  const parsed = pgliteConnector.connectionSchema.parse(connection)
  return pgliteConnector.createClient(parsed, { service, dialect: pgliteConnector.createDialect(parsed) })
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-pglite-'))
  dataDir = path.join(dir, 'data')
  initFile = path.join(dir, 'init.sql')
  await writeFile(initFile, initSql)
  client = await open({ dataDir, initSql: initFile, lockTimeoutMs: 500 })
})

afterAll(async () => {
  await client?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('PGlite client (live, in process)', () => {
  it('applies comments and owners at every level and reads them back', async () => {
    const dbTarget = targets.database()
    const schemaTarget = targets.schema('sales')
    const units: Statement[][] = [
      comment(dbTarget, 'Embedded'),
      comment(schemaTarget, 'Sales'),
      dialect.renderOwner(schemaTarget, 'steward'),
      comment(rel('orders'), 'Orders'),
      dialect.renderOwner(rel('orders'), 'steward'),
      comment(rel('orders_v', 'view'), 'View'),
      comment(rel('orders_mv', 'materialized_view'), 'MV'),
      dialect.renderOwner(rel('orders_mv', 'materialized_view'), 'steward'),
      comment(rel('events', 'partitioned_table'), 'Events'),
      comment(col('orders', 'Mixed Col'), 'Mixed'),
      comment(col('Tab.le', 'col umn', 'My Schema.v2'), 'Spaced'),
    ]
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))
    const snapshot = await client.readBack([dbTarget.asset, schemaTarget.asset, rel('Tab.le', 'table', 'My Schema.v2').asset])
    const at = (asset: AssetRef) => snapshot.get(assetFqn(asset))
    expect(at(dbTarget.asset)).toMatchObject({ objectType: 'database', description: 'Embedded' })
    expect(at(schemaTarget.asset)).toEqual({ objectType: 'schema', description: 'Sales', owner: 'steward' })
    expect(at(rel('orders').asset)).toEqual({ objectType: 'table', description: 'Orders', owner: 'steward' })
    expect(at(rel('orders_v').asset)).toMatchObject({ objectType: 'view', description: 'View' })
    expect(at(rel('orders_mv').asset)).toEqual({ objectType: 'materialized_view', description: 'MV', owner: 'steward' })
    expect(at(rel('events').asset)).toMatchObject({ objectType: 'partitioned_table', description: 'Events' })
    expect(at(col('orders', 'Mixed Col').asset)).toEqual({ objectType: 'column', description: 'Mixed' })
    expect(at(col('Tab.le', 'col umn', 'My Schema.v2').asset)).toEqual({ objectType: 'column', description: 'Spaced' })
  })

  it('round-trips every hostile string exactly', async () => {
    const units = Object.entries(hostile).map(([name, text]) => comment(col('hostile', name), text))
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))
    const snapshot = await client.readBack([rel('hostile').asset])
    for (const [name, text] of Object.entries(hostile)) expect(snapshot.get(assetFqn(col('hostile', name).asset))?.description, name).toBe(text)
  })

  it('pins a failure on its unit while the rest of the batch applies', async () => {
    const results = await client.execute(db, [
      comment(rel('orders'), 'batch 1'),
      comment(rel('no_such_table'), 'x'),
      [...comment(rel('orders_v', 'view'), 'must not stick'), ...comment(col('orders', 'nope'), 'x')],
      dialect.renderOwner(rel('orders'), 'no_such_role'),
      comment(col('orders', 'id'), 'batch 5'),
    ])
    expect(codes(results)).toEqual(['ok', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'ok'])
    const snapshot = await client.readBack([rel('orders').asset])
    expect(snapshot.get(assetFqn(rel('orders').asset))?.description).toBe('batch 1')
    expect(snapshot.get(assetFqn(rel('orders_v').asset))?.description).toBe('View')
    expect(snapshot.get(assetFqn(col('orders', 'id').asset))?.description).toBe('batch 5')
  })

  it('refuses other databases as DATABASE_UNREACHABLE and reads them back as absent', async () => {
    const other = t({ level: 'table', service, database: 'shop', schema: 'sales', table: 'orders' }, 'table')
    expect(codes(await client.execute('shop', [comment(other, 'x'), []]))).toEqual(['DATABASE_UNREACHABLE', 'ok'])
    expect((await client.readBack([other.asset])).size).toBe(0)
  })

  it('persists to dataDir, as seen directly in pg_description, and runs initSql only once', async () => {
    await client.close()
    const raw = await PGlite.create({ dataDir })
    try {
      const rows = await raw.query<{ attname: string; d: string | null }>(
        `SELECT attname, col_description(attrelid, attnum) AS d FROM pg_attribute WHERE attrelid = 'sales.hostile'::regclass AND attnum > 0`,
      )
      expect(Object.fromEntries(rows.rows.map((r) => [r.attname, r.d]))).toEqual(hostile)
      const owner = await raw.query<{ o: string }>(`SELECT pg_get_userbyid(relowner) AS o FROM pg_class WHERE oid = 'sales.orders'::regclass`)
      expect(owner.rows[0]?.o).toBe('steward')
    } finally {
      await raw.close()
    }
    // initSql would fail on the existing schema if it ran again.
    client = await open({ dataDir, initSql: initFile })
    const snapshot = await client.readBack([rel('orders').asset])
    expect(snapshot.get(assetFqn(rel('orders').asset))?.description).toBe('batch 1')
  })

  it('starts in memory by default, seeded by initSql', async () => {
    const memory = await open({ initSql: initFile })
    try {
      expect(await memory.execute(db, [comment(rel('orders'), 'in memory')])).toEqual([{ ok: true }])
      const snapshot = await memory.readBack([rel('orders').asset])
      expect(snapshot.get(assetFqn(rel('orders').asset))).toEqual({ objectType: 'table', description: 'in memory', owner: 'postgres' })
    } finally {
      await memory.close()
    }
  })

  it('reports a broken initSql with its error and leaves no half-made dataDir', async () => {
    const badInit = path.join(dir, 'bad.sql')
    await writeFile(badInit, 'CREATE TABLE ok (x int); CREATE TABLE broken (x no_such_type);')
    const badDir = path.join(dir, 'bad-data')
    await expect(open({ dataDir: badDir, initSql: badInit })).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', message: expect.stringContaining('bad.sql') })
    expect(existsSync(badDir)).toBe(false)
    await expect(open({ initSql: path.join(dir, 'missing.sql') })).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' })
  })
})
