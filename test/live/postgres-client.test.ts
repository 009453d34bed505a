import { displayOf } from '../../src/model/statement.js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectTarget, Statement } from '../../src/connectors/connector.js'
import { postgresConnector } from '../../src/connectors/postgres/index.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { hostileBase, textColumns } from '../support/hostile-strings.js'
import { connect, readDescription, serverUrl as server } from '../support/postgres-server.js'
import { codes } from '../support/results.js'
import { targetBuilders } from '../support/targets.js'

const run = `${Date.now().toString(36)}${process.pid.toString(36)}`
const db = `revmeta_pg_${run}`
const roleA = `revmeta_a_${run}`
const roleB = `revmeta B "${run}"` // a role name that needs quoting
const lowRole = `revmeta_low_${run}`
const service = 'warehouse'
const dialect = new PostgresDialect()

const hostile: Record<string, string> = {
  ...hostileBase,
  emoji: '🦄 👩‍👩‍👧 ✓ 𝔘𝔫𝔦',
  rtl: 'שלום עולם مرحبا بالعالم',
  combining: 'e\u0301 a\u030a Z\u0351\u0360\u0489',
  comments: '/* not a comment */ -- nor this',
}

const targets = targetBuilders({ service, database: db })
const { asset: a, target: t, rel, col } = targets
const comment = (target: ObjectTarget, text: string | null): Statement[] => dialect.renderDescription(target, text)

let admin: pg.Client
let adminDb: pg.Client
let client: ConnectorClient

async function newClient(overrides: Record<string, unknown> = {}): Promise<ConnectorClient> {
  const connection = postgresConnector.connectionSchema.parse({ ...server, database: db, lockTimeoutMs: 500, ...overrides })
  return postgresConnector.createClient(connection, { service, dialect: postgresConnector.createDialect(connection) })
}

const description = (relation: string, column?: string): Promise<string | null> => readDescription(adminDb, relation, column)

beforeAll(async () => {
  admin = await connect()
  await admin.query(`CREATE DATABASE "${db}" ENCODING 'UTF8' TEMPLATE template0`)
  await admin.query(`CREATE ROLE "${roleA}"; CREATE ROLE "${roleB.replaceAll('"', '""')}"; CREATE ROLE "${lowRole}" LOGIN`)
  adminDb = await connect(db)
  await adminDb.query(`
    CREATE SCHEMA sales;
    CREATE SCHEMA "My Schema.v2";
    CREATE TABLE sales.orders (id int, "Mixed Col" text, amount numeric);
    CREATE VIEW sales.orders_v AS SELECT * FROM sales.orders;
    CREATE MATERIALIZED VIEW sales.orders_mv AS SELECT id FROM sales.orders;
    CREATE TABLE sales.events (id int, at date) PARTITION BY RANGE (at);
    CREATE TABLE sales.events_2024 PARTITION OF sales.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE EXTENSION file_fdw;
    CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
    CREATE FOREIGN TABLE sales.feed (line text) SERVER files OPTIONS (filename '/dev/null');
    CREATE TABLE sales."we""ird" (x int);
    CREATE TABLE sales."${'n'.repeat(63)}" (x int);
    CREATE TABLE sales.locked (x int);
    CREATE TABLE "My Schema.v2"."Tab.le" ("col umn" int);
    CREATE TABLE sales.hostile (${textColumns(hostile)});
    CREATE TABLE sales.hostile_off (${textColumns(hostile)});
    GRANT USAGE ON SCHEMA sales TO "${lowRole}";
  `)
  client = await newClient()
})

afterAll(async () => {
  await client?.close()
  await adminDb?.end()
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)
    for (const role of [roleA, roleB, lowRole]) await admin.query(`DROP ROLE IF EXISTS "${role.replaceAll('"', '""')}"`)
    await admin.end()
  }
})

describe('PostgreSQL client (live)', () => {
  it('applies comments and owners at every level in one call, seen directly and through readBack', async () => {
    const dbTarget = targets.database()
    const schemaTarget = targets.schema('sales')
    const units: Statement[][] = [
      comment(dbTarget, 'The shop'),
      dialect.renderOwner(dbTarget, roleA),
      comment(schemaTarget, 'Sales data'),
      dialect.renderOwner(schemaTarget, roleB),
      comment(rel('orders'), 'Orders'),
      dialect.renderOwner(rel('orders'), roleA),
      comment(rel('orders_v', 'view'), 'Orders view'),
      dialect.renderOwner(rel('orders_v', 'view'), roleA),
      comment(rel('orders_mv', 'materialized_view'), 'Orders MV'),
      dialect.renderOwner(rel('orders_mv', 'materialized_view'), roleB),
      comment(rel('events', 'partitioned_table'), 'Events'),
      dialect.renderOwner(rel('events', 'partitioned_table'), roleA),
      comment(rel('feed', 'foreign_table'), 'Feed'),
      dialect.renderOwner(rel('feed', 'foreign_table'), roleA),
      comment(col('orders', 'Mixed Col'), 'Mixed'),
      comment(col('orders_v', 'id'), 'View column'),
      comment(rel('n'.repeat(63)), '63 bytes'),
      comment(rel('Tab.le', 'table', 'My Schema.v2'), 'Dotted'),
      comment(col('Tab.le', 'col umn', 'My Schema.v2'), 'Spaced'),
    ]
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))

    const direct = await adminDb.query(`
      SELECT (SELECT description FROM pg_shdescription s JOIN pg_database d ON d.oid = s.objoid WHERE d.datname = $1) AS db_comment,
             (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1) AS db_owner,
             obj_description('sales'::regnamespace, 'pg_namespace') AS schema_comment,
             (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'sales') AS schema_owner,
             (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'sales.orders_mv'::regclass) AS mv_owner,
             (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'sales.feed'::regclass) AS feed_owner`, [db])
    expect(direct.rows[0]).toEqual({ db_comment: 'The shop', db_owner: roleA, schema_comment: 'Sales data', schema_owner: roleB, mv_owner: roleB, feed_owner: roleA })
    expect(await description('sales.events')).toBe('Events')
    expect(await description('sales.orders', 'Mixed Col')).toBe('Mixed')
    expect(await description('"My Schema.v2"."Tab.le"', 'col umn')).toBe('Spaced')

    const snapshot = await client.readBack([dbTarget.asset, schemaTarget.asset, rel('orders').asset, a({ level: 'table', schema: 'My Schema.v2', table: 'Tab.le' })])
    const at = (asset: AssetRef) => snapshot.get(assetFqn(asset))
    expect(at(dbTarget.asset)).toEqual({ objectType: 'database', description: 'The shop', owner: roleA })
    expect(at(schemaTarget.asset)).toEqual({ objectType: 'schema', description: 'Sales data', owner: roleB })
    expect(at(rel('orders').asset)).toEqual({ objectType: 'table', description: 'Orders', owner: roleA })
    expect(at(rel('orders_v').asset)).toEqual({ objectType: 'view', description: 'Orders view', owner: roleA })
    expect(at(rel('orders_mv').asset)).toEqual({ objectType: 'materialized_view', description: 'Orders MV', owner: roleB })
    expect(at(rel('events').asset)).toEqual({ objectType: 'partitioned_table', description: 'Events', owner: roleA })
    expect(at(rel('feed').asset)).toEqual({ objectType: 'foreign_table', description: 'Feed', owner: roleA })
    expect(at(rel('events_2024').asset)).toMatchObject({ objectType: 'table', description: null })
    expect(at(col('orders', 'Mixed Col').asset)).toEqual({ objectType: 'column', description: 'Mixed' })
    expect(at(col('orders', 'amount').asset)).toEqual({ objectType: 'column', description: null })
    expect(at(col('orders_v', 'id').asset)).toEqual({ objectType: 'column', description: 'View column' })
    expect(at(rel('n'.repeat(63)).asset)).toMatchObject({ description: '63 bytes' })
    expect(at(col('Tab.le', 'col umn', 'My Schema.v2').asset)).toEqual({ objectType: 'column', description: 'Spaced' })
    // sales."we""ird" has an FQN (OpenMetadata escapes the quote as \\"), so it is read back too.
    expect([...snapshot.keys()].some((key) => key.includes('we\\"ird'))).toBe(true)

    await client.execute(db, [comment(rel('orders'), null), comment(col('orders', 'Mixed Col'), '')])
    expect(await description('sales.orders')).toBeNull()
    expect((await client.readBack([col('orders', 'Mixed Col').asset])).get(assetFqn(col('orders', 'Mixed Col').asset))?.description).toBeNull()
  })

  it('round-trips every hostile string exactly', async () => {
    const units = Object.entries(hostile).map(([name, text]) => comment(col('hostile', name), text))
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))
    const snapshot = await client.readBack([rel('hostile').asset])
    for (const [name, text] of Object.entries(hostile)) {
      expect(await description('sales.hostile', name), name).toBe(text)
      expect(snapshot.get(assetFqn(col('hostile', name).asset))?.description, name).toBe(text)
    }
  })

  it('round-trips hostile strings with standard_conforming_strings off too (E-strings)', async () => {
    const raw = await connect(db)
    try {
      await raw.query('SET standard_conforming_strings = off')
      for (const [name, text] of Object.entries(hostile)) await raw.query(displayOf(comment(col('hostile_off', name), text)[0]!))
    } finally {
      await raw.end()
    }
    for (const [name, text] of Object.entries(hostile)) expect(await description('sales.hostile_off', name), name).toBe(text)
  })

  it('pins a failure on its unit while the rest of the batch applies', async () => {
    const units: Statement[][] = [
      comment(rel('orders'), 'batch 1'),
      comment(rel('no_such_table'), 'x'),
      comment(col('orders', 'id'), 'batch 3'),
      dialect.renderOwner(rel('orders'), `no_such_role_${run}`),
      // A unit is atomic: its first statement does not stick when its second fails.
      [...comment(rel('orders_v', 'view'), 'must not stick'), ...comment(col('orders', 'nope'), 'x')],
      comment(t(a({ level: 'schema', schema: `no_schema_${run}` }), 'schema'), 'x'),
      comment(rel('orders_mv', 'materialized_view'), 'batch 7'),
    ]
    const results = await client.execute(db, units)
    expect(codes(results)).toEqual(['ok', 'OBJECT_NOT_FOUND', 'ok', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'ok'])
    const failed = results[1]!
    expect(failed.ok ? undefined : failed.error.details).toMatchObject({ sqlstate: '42P01', database: db })
    expect(failed.ok ? '' : failed.error.message).toContain('no_such_table')
    expect(await description('sales.orders')).toBe('batch 1')
    expect(await description('sales.orders', 'id')).toBe('batch 3')
    expect(await description('sales.orders_mv')).toBe('batch 7')
    expect(await description('sales.orders_v')).toBe('Orders view')
  })

  it('fails with LOCK_TIMEOUT within the configured time when another session holds the lock', async () => {
    const holder = await connect(db)
    try {
      await holder.query('BEGIN; LOCK TABLE sales.locked IN ACCESS EXCLUSIVE MODE')
      let started = Date.now()
      const [alone] = await client.execute(db, [comment(rel('locked'), 'x')])
      const aloneMs = Date.now() - started
      expect(alone?.ok ? 'ok' : alone?.error.code).toBe('LOCK_TIMEOUT')
      expect(alone?.ok ? false : alone?.error.retryable).toBe(true)
      expect(aloneMs).toBeGreaterThanOrEqual(450)
      expect(aloneMs).toBeLessThan(2000)

      started = Date.now()
      const mixed = await client.execute(db, [comment(rel('locked'), 'x'), comment(rel('orders'), 'not blocked')])
      const mixedMs = Date.now() - started
      expect(codes(mixed)).toEqual(['LOCK_TIMEOUT', 'ok'])
      expect(mixedMs).toBeLessThan(3000) // the batch, then the locked unit alone: two waits
      console.info(`lock timeout 500 ms: single unit failed after ${aloneMs} ms, two-unit batch settled after ${mixedMs} ms`)
    } finally {
      await holder.query('ROLLBACK')
      await holder.end()
    }
    expect(await description('sales.orders')).toBe('not blocked')
  })

  it('fails the rest of a batch as retryable when the connection is killed, then reconnects', async () => {
    const patient = await newClient({ lockTimeoutMs: 10_000, applicationName: `revmeta_kill_${run}` })
    const holder = await connect(db)
    try {
      await holder.query('BEGIN; LOCK TABLE sales.locked IN ACCESS EXCLUSIVE MODE')
      const pending = patient.execute(db, [comment(rel('locked'), 'x'), comment(rel('orders'), 'y'), comment(rel('orders_v', 'view'), 'z')])
      let killed = false
      for (let i = 0; i < 100 && !killed; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        const r = await admin.query(`SELECT pg_terminate_backend(pid) AS k FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [`revmeta_kill_${run}`])
        killed = r.rows.length > 0
      }
      expect(killed).toBe(true)
      const results = await pending
      expect(codes(results)).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED', 'CONNECTION_FAILED'])
      expect(results.every((r) => !r.ok && r.error.retryable)).toBe(true)
      await holder.query('ROLLBACK')
      expect(await patient.execute(db, [comment(rel('locked'), 'after reconnect')])).toEqual([{ ok: true }])
      expect(await description('sales.locked')).toBe('after reconnect')
    } finally {
      await holder.end()
      await patient.close()
    }
  })

  it('reports PRIVILEGE when the role does not own the object', async () => {
    const low = await newClient({ user: lowRole })
    try {
      const [result] = await low.execute(db, [comment(rel('orders'), 'x')])
      expect(result?.ok ? 'ok' : result?.error.code).toBe('PRIVILEGE')
    } finally {
      await low.close()
    }
  })

  it('reports a missing database as DATABASE_UNREACHABLE and reads it back as absent', async () => {
    const missing = `revmeta_missing_${run}`
    const target = t({ level: 'database', service, database: missing }, 'database')
    const [result] = await client.execute(missing, [comment(target, 'x')])
    expect(result?.ok ? 'ok' : result?.error.code).toBe('DATABASE_UNREACHABLE')
    expect((await client.readBack([target.asset])).size).toBe(0)
  })

  it('reports an unreachable server as retryable CONNECTION_FAILED without leaking the password', async () => {
    const down = await newClient({ port: 1, password: 'hunter2-s3cret', connectTimeoutMs: 2000 })
    try {
      const [result] = await down.execute(db, [comment(rel('orders'), 'x'), comment(rel('orders_v', 'view'), 'y')])
      expect(result?.ok).toBe(false)
      if (result?.ok === false) {
        expect(result.error.code).toBe('CONNECTION_FAILED')
        expect(result.error.retryable).toBe(true)
        expect(result.error.message).toContain('127.0.0.1:1')
        expect(JSON.stringify(result.error.toJSON())).not.toContain('hunter2')
      }
      await expect(down.readBack([rel('orders').asset])).rejects.toMatchObject({ code: 'CONNECTION_FAILED' })
    } finally {
      await down.close()
    }
  })

  it('applies a large batch in few round trips and reads it back in bulk', async () => {
    await adminDb.query(`CREATE SCHEMA bulk; DO $$ BEGIN FOR i IN 1..300 LOOP
      EXECUTE format('CREATE TABLE bulk.%I (a int, b text, c date, d numeric, e bool)', 't' || i); END LOOP; END $$`)
    const units: Statement[][] = []
    for (let i = 1; i <= 300; i++) {
      units.push(comment(rel(`t${i}`, 'table', 'bulk'), `table ${i} 'quoted' \\ back`))
      for (const c of ['a', 'b', 'c', 'd', 'e']) units.push(comment(col(`t${i}`, c, 'bulk'), `column ${c} of ${i}`))
    }
    let started = Date.now()
    const results = await client.execute(db, units)
    const executeMs = Date.now() - started
    expect(results.every((r) => r.ok)).toBe(true)
    started = Date.now()
    const snapshot = await client.readBack([t(a({ level: 'schema', schema: 'bulk' }), 'schema').asset])
    const readMs = Date.now() - started
    expect(snapshot.get(assetFqn(col('t300', 'e', 'bulk').asset))?.description).toBe('column e of 300')
    expect(snapshot.get(assetFqn(rel('t7', 'table', 'bulk').asset))?.description).toBe(`table 7 'quoted' \\ back`)
    expect(snapshot.size).toBe(1 + 300 * 6 + 1)
    console.info(`${units.length} statements in batches of 200: ${executeMs} ms; read-back of ${snapshot.size} objects: ${readMs} ms`)
  })
})
