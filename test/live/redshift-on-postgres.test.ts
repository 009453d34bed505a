import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, Statement } from '../../src/connectors/connector.js'
import { redshiftConnector } from '../../src/connectors/redshift/index.js'
import { RedshiftDialect } from '../../src/connectors/redshift/redshift-dialect.js'
import { assetFqn } from '../../src/model/fqn.js'
import { hostileBase, mixedUnicode, textColumns } from '../support/hostile-strings.js'
import { connect, readDescription, serverUrl as server } from '../support/postgres-server.js'
import { targetBuilders } from '../support/targets.js'

/**
 * Redshift's SQL where PostgreSQL shares it, run through the Redshift connector against the local
 * PostgreSQL server. The test database has standard_conforming_strings off, which gives plain
 * literals Redshift's backslash-escape semantics, so the Redshift escaping is really exercised.
 * Owners are users (LOGIN roles), as Redshift's are and as its read-back reads them (pg_user).
 */
const run = `${Date.now().toString(36)}${process.pid.toString(36)}`
const db = `revmeta_rs_${run}`
const owner = `revmeta_rs_owner_${run}`
const service = 'redshift'
const dialect = new RedshiftDialect()

const hostile: Record<string, string> = {
  ...hostileBase,
  escapes: '\\x41 \\101 \\u0041 \\t \\b \\0',
  unicode: mixedUnicode,
}

const targets = targetBuilders({ service, database: db })
const { rel, col } = targets

let admin: pg.Client
let adminDb: pg.Client
let client: ConnectorClient

const description = (relation: string, column?: string): Promise<string | null> => readDescription(adminDb, relation, column)

beforeAll(async () => {
  admin = await connect()
  await admin.query(`CREATE DATABASE "${db}" ENCODING 'UTF8' TEMPLATE template0`)
  await admin.query(`ALTER DATABASE "${db}" SET standard_conforming_strings = off; ALTER DATABASE "${db}" SET escape_string_warning = off; CREATE USER "${owner}"`)
  adminDb = await connect(db)
  await adminDb.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (id int, note text);
    CREATE VIEW sales.orders_v AS SELECT * FROM sales.orders;
    CREATE TABLE sales.locked (x int);
    CREATE TABLE sales.hostile (${textColumns(hostile)});
  `)
  const connection = redshiftConnector.connectionSchema.parse({ ...server, database: db, lockTimeoutMs: 500 })
  client = await redshiftConnector.createClient(connection, { service, dialect: redshiftConnector.createDialect(connection) })
})

afterAll(async () => {
  await client?.close()
  await adminDb?.end()
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)
    await admin.query(`DROP ROLE IF EXISTS "${owner}"`)
    await admin.end()
  }
})

describe('Redshift SQL on PostgreSQL with backslash-escaping literals (live)', () => {
  it('runs in a session where backslash escapes in plain literals', async () => {
    const check = await connect(db)
    try {
      const result = await check.query(`SELECT current_setting('standard_conforming_strings') AS scs, 'a\\\\b' AS v`)
      expect(result.rows[0]).toEqual({ scs: 'off', v: 'a\\b' })
    } finally {
      await check.end()
    }
  })

  it('round-trips every hostile string, backslashes included', async () => {
    const units = Object.entries(hostile).map(([name, text]) => dialect.renderDescription(col('hostile', name), text))
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))
    const snapshot = await client.readBack([rel('hostile').asset])
    for (const [name, text] of Object.entries(hostile)) {
      expect(await description('sales.hostile', name), name).toBe(text)
      expect(snapshot.get(assetFqn(col('hostile', name).asset))?.description, name).toBe(text)
    }
  })

  it('comments and owns the current database, schemas, tables and views as rendered for Redshift', async () => {
    const dbTarget = targets.database()
    const schemaTarget = targets.schema('sales')
    const units: Statement[][] = [
      dialect.renderDescription(dbTarget, `Dev's \\ db`),
      dialect.renderDescription(schemaTarget, 'Sales'),
      dialect.renderOwner(schemaTarget, owner),
      dialect.renderDescription(rel('orders'), 'Orders'),
      dialect.renderOwner(rel('orders'), owner),
      dialect.renderDescription(rel('orders_v', 'view'), 'View'),
      dialect.renderOwner(rel('orders_v', 'view'), owner), // ALTER TABLE ... OWNER TO on a view
      dialect.renderDescription(col('orders', 'note'), 'Note'),
    ]
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))
    const snapshot = await client.readBack([dbTarget.asset, schemaTarget.asset])
    // PostgreSQL stores the database comment in pg_shdescription; Redshift's read-back looks where
    // Redshift keeps it (the database's pg_description), so here it is checked on PostgreSQL's side.
    // redshift-read-back-on-postgres.test.ts reads a comment stored the Redshift way.
    const stored = await adminDb.query(`SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = current_database()`)
    expect(stored.rows[0].d).toBe(`Dev's \\ db`)
    expect(snapshot.get(assetFqn(dbTarget.asset))).toEqual({ objectType: 'database', description: null, owner: 'postgres' })
    expect(snapshot.get(assetFqn(schemaTarget.asset))).toEqual({ objectType: 'schema', description: 'Sales', owner })
    expect(snapshot.get(assetFqn(rel('orders').asset))).toEqual({ objectType: 'table', description: 'Orders', owner })
    expect(snapshot.get(assetFqn(rel('orders_v').asset))).toEqual({ objectType: 'view', description: 'View', owner })
    expect(snapshot.get(assetFqn(col('orders', 'note').asset))).toEqual({ objectType: 'column', description: 'Note' })
  })

  it('bounds lock waits with statement_timeout and reports LOCK_TIMEOUT', async () => {
    const holder = await connect(db)
    try {
      await holder.query('BEGIN; LOCK TABLE sales.locked IN ACCESS EXCLUSIVE MODE')
      const started = Date.now()
      const [result] = await client.execute(db, [dialect.renderDescription(rel('locked'), 'x')])
      const elapsed = Date.now() - started
      expect(result?.ok ? 'ok' : result?.error.code).toBe('LOCK_TIMEOUT')
      expect(result?.ok ? undefined : result?.error.details.sqlstate).toBe('57014')
      expect(elapsed).toBeLessThan(2000)
    } finally {
      await holder.query('ROLLBACK')
      await holder.end()
    }
  })
})
