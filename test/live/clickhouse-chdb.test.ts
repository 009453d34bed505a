import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Session } from 'chdb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel, ServiceConfig } from '../../src/config/load-config.js'
import { ClickhouseDialect, columnHosts } from '../../src/connectors/clickhouse/clickhouse-dialect.js'
import { clickhouseConnector } from '../../src/connectors/clickhouse/index.js'
import type { ConnectorClient, ObjectTarget, Statement } from '../../src/connectors/connector.js'
import { runService } from '../../src/engine/run-service.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import type { Operation } from '../../src/model/operation.js'
import { clickhouseHostile } from '../support/clickhouse-cases.js'
import { codes } from '../support/results.js'
import { targetBuilders } from '../support/targets.js'

const service = 'ch'
// OpenMetadata names the catalog database of a ClickHouse service `default`; ClickHouse databases are its schemas.
const catalogDb = 'default'
const dialect = new ClickhouseDialect()
const weirdDb = 'we`ird.db \\ x'
const q = (name: string) => dialect.quoteIdentifier(name)

const initSql = `
  CREATE DATABASE sales;
  CREATE DATABASE ${q(weirdDb)};
  CREATE TABLE sales.orders (id UInt32, \`Mixed Col\` String) ENGINE = MergeTree ORDER BY id;
  CREATE VIEW sales.orders_v AS SELECT * FROM sales.orders;
  CREATE MATERIALIZED VIEW sales.orders_mv ENGINE = MergeTree ORDER BY id AS SELECT id FROM sales.orders;
  CREATE TABLE sales.sink (id UInt32) ENGINE = MergeTree ORDER BY id;
  CREATE MATERIALIZED VIEW sales.orders_to TO sales.sink AS SELECT id FROM sales.orders;
  CREATE TABLE sales.hostile (${Object.keys(clickhouseHostile).map((k) => `${k} String`).join(', ')}) ENGINE = MergeTree ORDER BY tuple();
  CREATE TABLE ${q(weirdDb)}.${q('Tab.le `x`')} (${q('col umn\\')} UInt8) ENGINE = MergeTree ORDER BY tuple();
`

const { asset: a, target: t, schema, rel, col } = targetBuilders({ service, database: catalogDb })
const comment = (target: ObjectTarget, text: string | null): Statement[] => dialect.renderDescription(target, text)
const fqn = (asset: AssetRef) => assetFqn(asset)

let dir: string
let dataDir: string
let client: ConnectorClient
let direct: Session
let startMs: number

/** A row of a system table, read straight from chdb (a second session on the same data directory). */
function rows<T>(sql: string): T[] {
  return direct
    .query(sql, 'JSONEachRow')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T)
}
const columnComment = (database: string, table: string, column: string): string | undefined =>
  rows<{ comment: string }>(`SELECT comment FROM system.columns WHERE database = ${dialect.quoteLiteral(database)} AND table = ${dialect.quoteLiteral(table)} AND name = ${dialect.quoteLiteral(column)}`)[0]?.comment

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-chdb-'))
  dataDir = path.join(dir, 'data')
  const initFile = path.join(dir, 'init.sql')
  await writeFile(initFile, initSql)
  const connection = clickhouseConnector.connectionSchema.parse({ mode: 'embedded', path: dataDir, initSql: initFile, lockTimeoutMs: 2000 })
  const started = performance.now()
  client = await clickhouseConnector.createClient(connection, { service, dialect: clickhouseConnector.createDialect(connection) })
  startMs = performance.now() - started
  direct = new Session(dataDir)
})

afterAll(async () => {
  direct?.close()
  await client?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('ClickHouse client on chdb (live, in process)', () => {
  it('starts chdb and seeds a new data directory from initSql', () => {
    expect(startMs).toBeLessThan(30_000)
    expect(rows<{ name: string }>(`SELECT name FROM system.databases WHERE name IN ('sales', ${dialect.quoteLiteral(weirdDb)}) ORDER BY name`).map((r) => r.name)).toEqual(['sales', weirdDb])
  })

  it('applies database, table, view and column comments and reads them back', async () => {
    const units: Statement[][] = [
      comment(schema('sales'), 'Sales DB'),
      comment(rel('orders'), 'Orders'),
      comment(rel('orders_v', 'view'), 'View'),
      comment(rel('orders_mv', 'materialized_view'), 'MV'),
      comment(col('orders', 'Mixed Col'), 'Mixed'),
      comment(col('orders_v', 'id'), 'View column'),
      comment({ ...col('orders_to', 'id'), definition: 'MaterializedView' }, 'MV TO column'),
    ]
    expect(codes(await client.execute(catalogDb, units))).toEqual(units.map(() => 'ok'))

    expect(rows(`SELECT comment FROM system.databases WHERE name = 'sales'`)).toEqual([{ comment: 'Sales DB' }])
    expect(rows(`SELECT name, engine, comment FROM system.tables WHERE database = 'sales' AND name LIKE 'orders%' ORDER BY name`)).toEqual([
      { name: 'orders', engine: 'MergeTree', comment: 'Orders' },
      { name: 'orders_mv', engine: 'MaterializedView', comment: 'MV' },
      { name: 'orders_to', engine: 'MaterializedView', comment: '' },
      { name: 'orders_v', engine: 'View', comment: 'View' },
    ])
    expect(columnComment('sales', 'orders', 'Mixed Col')).toBe('Mixed')
    expect(columnComment('sales', 'orders_v', 'id')).toBe('View column')
    expect(columnComment('sales', 'orders_to', 'id')).toBe('MV TO column')

    const assets = [schema('sales'), rel('orders'), rel('orders_v'), rel('orders_mv'), col('orders', 'Mixed Col'), col('orders', 'id'), col('orders_v', 'id')].map((x) => x.asset)
    const snapshot = await client.readBack(assets)
    expect(snapshot.get(`${service}.${catalogDb}`)).toEqual({ objectType: 'database', description: null })
    expect(snapshot.get(fqn(schema('sales').asset))).toEqual({ objectType: 'schema', description: 'Sales DB' })
    expect(snapshot.get(fqn(rel('orders').asset))).toEqual({ objectType: 'table', description: 'Orders' })
    expect(snapshot.get(fqn(rel('orders_v').asset))).toEqual({ objectType: 'view', description: 'View' })
    expect(snapshot.get(fqn(rel('orders_mv').asset))).toEqual({ objectType: 'materialized_view', description: 'MV' })
    expect(snapshot.get(fqn(col('orders', 'Mixed Col').asset))).toEqual({ objectType: 'column', description: 'Mixed', definition: 'MergeTree' })
    expect(snapshot.get(fqn(col('orders', 'id').asset))).toEqual({ objectType: 'column', description: null, definition: 'MergeTree' })
    expect(snapshot.get(fqn(col('orders_v', 'id').asset))).toEqual({ objectType: 'column', description: 'View column', definition: 'View' })
    expect(snapshot.has(fqn(rel('missing').asset))).toBe(false)
  })

  it('knows which materialized views cannot keep column comments, as ClickHouse silently drops them', async () => {
    const snapshot = await client.readBack([col('orders_mv', 'id').asset, col('orders_to', 'id').asset])
    const inner = snapshot.get(fqn(col('orders_mv', 'id').asset))
    expect(inner).toEqual({ objectType: 'column', description: null, definition: columnHosts.innerMaterializedView })
    expect(() => comment({ ...col('orders_mv', 'id'), definition: inner!.definition }, 'x')).toThrow(/inner table/)
    expect(snapshot.get(fqn(col('orders_to', 'id').asset))?.definition).toBe('MaterializedView')
    // The trap itself: the statement succeeds and nothing is kept.
    expect(codes(await client.execute(catalogDb, [comment(col('orders_mv', 'id'), 'lost')]))).toEqual(['ok'])
    expect(columnComment('sales', 'orders_mv', 'id')).toBe('')
  })

  it('stores every hostile string exactly, read directly and through readBack', async () => {
    const entries = Object.entries(clickhouseHostile)
    const results = await client.execute(
      catalogDb,
      entries.map(([key, value]) => comment(col('hostile', key), value)),
    )
    expect(codes(results)).toEqual(entries.map(() => 'ok'))
    const stored = new Map(rows<{ name: string; comment: string }>(`SELECT name, comment FROM system.columns WHERE database = 'sales' AND table = 'hostile'`).map((r) => [r.name, r.comment]))
    const snapshot = await client.readBack(entries.map(([key]) => col('hostile', key).asset))
    for (const [key, value] of entries) {
      expect(stored.get(key), key).toBe(value)
      expect(snapshot.get(fqn(col('hostile', key).asset))?.description, key).toBe(value)
    }
  })

  it('reports a description beyond max_query_size as too long, and removes descriptions', async () => {
    const before = rows<{ comment: string }>(`SELECT comment FROM system.tables WHERE database = 'sales' AND name = 'hostile'`)
    // 300 kB: more than the 256 KiB ClickHouse parses by default, and more than a table's definition may hold.
    const results = await client.execute(catalogDb, [comment(rel('hostile'), `${'x'.repeat(300_000)}`), comment(rel('orders'), 'after the long one')])
    expect(codes(results)).toEqual(['VALUE_TOO_LONG', 'ok'])
    expect(results[0]!.ok ? '' : results[0]!.error.message).toMatch(/max query size|QUERY_IS_TOO_LARGE|max_query_size/i)
    expect(rows(`SELECT comment FROM system.tables WHERE database = 'sales' AND name = 'hostile'`)).toEqual(before)

    expect(codes(await client.execute(catalogDb, [comment(rel('hostile'), 'short'), comment(rel('hostile'), null), comment(col('hostile', 'quotes'), '')]))).toEqual(['ok', 'ok', 'ok'])
    const snapshot = await client.readBack([rel('hostile').asset, col('hostile', 'quotes').asset])
    expect(snapshot.get(fqn(rel('hostile').asset))?.description).toBeNull()
    expect(snapshot.get(fqn(col('hostile', 'quotes').asset))?.description).toBeNull()
    expect(columnComment('sales', 'hostile', 'quotes')).toBe('')
  })

  it('quotes hostile database, table and column names', async () => {
    const db = t(a({ level: 'schema', schema: weirdDb }), 'schema')
    const table = t(a({ level: 'table', schema: weirdDb, table: 'Tab.le `x`' }), 'table')
    const column = t(a({ level: 'column', schema: weirdDb, table: 'Tab.le `x`', column: 'col umn\\' }), 'column')
    expect(codes(await client.execute(catalogDb, [comment(db, 'weird db'), comment(table, 'weird table'), comment(column, 'weird column')]))).toEqual(['ok', 'ok', 'ok'])
    expect(rows(`SELECT comment FROM system.databases WHERE name = ${dialect.quoteLiteral(weirdDb)}`)).toEqual([{ comment: 'weird db' }])
    expect(columnComment(weirdDb, 'Tab.le `x`', 'col umn\\')).toBe('weird column')
    const snapshot = await client.readBack([db.asset, column.asset])
    expect(fqn(column.asset)).toBe('ch.default."we`ird.db \\\\ x"."Tab.le `x`".col umn\\')
    expect(snapshot.get(fqn(db.asset))?.description).toBe('weird db')
    expect(snapshot.get(fqn(table.asset))?.description).toBe('weird table')
    expect(snapshot.get(fqn(column.asset))?.description).toBe('weird column')
  })

  it('a failing unit does not hide the others', async () => {
    const missingDb = t(a({ level: 'table', schema: 'nowhere', table: 'x' }), 'table')
    const units: Statement[][] = [
      comment(rel('orders'), 'first'),
      comment(rel('missing'), 'x'),
      comment(col('orders', 'id'), 'second'),
      comment(col('orders', 'missing'), 'x'),
      comment(missingDb, 'x'),
      comment(t(a({ level: 'schema', schema: 'nowhere' }), 'schema'), 'x'),
      [],
      comment(schema('sales'), 'third'),
    ]
    const results = await client.execute(catalogDb, units)
    expect(codes(results)).toEqual(['ok', 'OBJECT_NOT_FOUND', 'ok', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'ok', 'ok'])
    const failure = results[1]!
    expect(failure.ok ? '' : failure.error.message).toMatch(/UNKNOWN_TABLE|code 60/)
    expect(failure.ok ? true : failure.error.retryable).toBe(false)
    expect(rows(`SELECT comment FROM system.tables WHERE database = 'sales' AND name = 'orders'`)).toEqual([{ comment: 'first' }])
    expect(columnComment('sales', 'orders', 'id')).toBe('second')
    expect(rows(`SELECT comment FROM system.databases WHERE name = 'sales'`)).toEqual([{ comment: 'third' }])
  })

  it('refuses statements routed to another catalog database, and reads back nothing for unknown databases', async () => {
    expect(codes(await client.execute('other', [comment(rel('orders'), 'x')]))).toEqual(['INTERNAL'])
    const snapshot = await client.readBack([a({ level: 'table', schema: 'nowhere', table: 'x' }), a({ level: 'schema', schema: 'nowhere' })])
    expect([...snapshot.keys()]).toEqual([`${service}.${catalogDb}`])
  })

  it('keys objects under each catalog database they were asked for', async () => {
    // OpenMetadata's databaseName option renames the catalog database; both names reach the same server.
    const renamed = targetBuilders({ service, database: 'analytics' })
    const snapshot = await client.readBack([rel('orders').asset, renamed.rel('orders').asset])
    expect(snapshot.get('ch.default.sales.orders')?.objectType).toBe('table')
    expect(snapshot.get('ch.analytics.sales.orders')?.objectType).toBe('table')
  })
})

describe('ClickHouse through the engine (embedded)', () => {
  it('applies and verifies what ClickHouse holds, reports the rest, then finds everything in place', async () => {
    const channel: ResolvedChannel = { ...channelSchema.parse({ name: 'docs' }), services: [service], compiled: {} }
    const config: ServiceConfig = {
      name: service,
      type: 'clickhouse',
      connection: clickhouseConnector.connectionSchema.parse({ mode: 'embedded', path: dataDir }),
      owners: ownerMappingSchema.parse({}),
      execution: {},
    }
    const base = { channel: 'docs', service, origins: [] }
    const describeOp = (asset: AssetRef, description: string | null): Operation => ({ ...base, id: `docs|${fqn(asset)}|description`, asset, kind: 'description', description })
    const ops: Operation[] = [
      describeOp(schema('sales').asset, 'Engine DB'),
      describeOp(rel('orders_v').asset, 'Engine view'),
      describeOp(col('orders', 'id').asset, clickhouseHostile.controls!),
      describeOp(col('orders_mv', 'id').asset, 'lost'),
      describeOp(a({ level: 'database' }), 'label'),
      describeOp(rel('missing').asset, 'x'),
      { ...base, id: 'owners', asset: rel('orders').asset, kind: 'owners', add: [{ type: 'user', name: 'ann' }], remove: [] },
      { ...base, id: 'tags', asset: col('orders', 'id').asset, kind: 'tags', add: [{ tagFQN: 'PII.Sensitive', source: 'Classification' }], remove: [] },
    ]
    const channels = new Map([['docs', channel]])
    const first = await runService(config, channels, ops, { apply: true, offline: false })
    expect(first.map((r) => [r.status, r.error?.code, r.verified])).toEqual([
      ['applied', undefined, true],
      ['applied', undefined, true],
      ['applied', undefined, true],
      ['failed', 'UNSUPPORTED', undefined],
      ['unsupported', 'UNSUPPORTED', undefined],
      ['failed', 'OBJECT_NOT_FOUND', undefined],
      ['unsupported', 'UNSUPPORTED', undefined],
      ['unsupported', 'UNSUPPORTED', undefined],
    ])
    expect(columnComment('sales', 'orders', 'id')).toBe(clickhouseHostile.controls)
    const second = await runService(config, channels, ops.slice(0, 3), { apply: true, offline: false })
    expect(second.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged'])
  })
})

describe('ClickHouse embedded mode lifecycle', () => {
  it('does not run initSql again on an existing directory', async () => {
    await client.close()
    const connection = clickhouseConnector.connectionSchema.parse({ mode: 'embedded', path: dataDir, initSql: path.join(dir, 'init.sql') })
    // A second run of initSql would fail: CREATE DATABASE sales exists.
    client = await clickhouseConnector.createClient(connection, { service, dialect: clickhouseConnector.createDialect(connection) })
    expect((await client.readBack([rel('orders').asset])).get('ch.default.sales.orders')?.description).toBe('first')
  })

  it('removes a temporary data directory on close, and a half-made one when initSql fails', async () => {
    direct.close()
    await client.close()
    const temp = clickhouseConnector.connectionSchema.parse({ mode: 'embedded' })
    const tempClient = await clickhouseConnector.createClient(temp, { service, dialect: clickhouseConnector.createDialect(temp) })
    expect(codes(await tempClient.execute(catalogDb, [[{ kind: 'sql', database: catalogDb, sql: 'CREATE DATABASE tmp_only' }]]))).toEqual(['ok'])
    await tempClient.close()

    const badInit = path.join(dir, 'bad.sql')
    await writeFile(badInit, 'CREATE DATABASE ok_db; CREATE TABLE nowhere.t (x UInt8) ENGINE = Memory;')
    const badDir = path.join(dir, 'bad-data')
    const bad = clickhouseConnector.connectionSchema.parse({ mode: 'embedded', path: badDir, initSql: badInit })
    await expect(clickhouseConnector.createClient(bad, { service, dialect: clickhouseConnector.createDialect(bad) })).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' })
    expect(existsSync(badDir)).toBe(false)
  })
})

