import { displayOf } from '../../src/model/statement.js'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectTarget, StateSnapshot, Statement } from '../../src/connectors/connector.js'
import type { MysqlDialect } from '../../src/connectors/mysql/mysql-dialect.js'
import { mysqlConnector } from '../../src/connectors/mysql/index.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { hostileBase } from '../support/hostile-strings.js'
import { columnComments, connectMysql, createTempMysqlDatabase, mysqlServer, showCreateTable, tableComment, type TempMysqlDatabase } from '../support/mysql-server.js'
import { backslashedColumns, typesTableSql, withoutComments } from '../support/mysql-types.js'
import { codeOf, codes } from '../support/results.js'
import { targetBuilders } from '../support/targets.js'

const service = 'shop'
const strict = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'
const { big: _big, ...hostileBmp } = hostileBase
const hostile: Record<string, string> = {
  ...hostileBmp,
  ctrlz: 'before\x1aafter',
  unicode: 'שלום مرحبا e\u0301 ✓ € ∑ Z\u0351',
  markers: '/* -- # */ `x` "y" ? @v',
  escapes: '\\n \\0 \\Z \\% \\_ \\\\ \\',
  spaced: '  padded  ',
}

let tmp: TempMysqlDatabase
let db: string
let admin: mysql.Connection
const clients: ConnectorClient[] = []

const { rel, col, schema } = (() => {
  const builders = () => targetBuilders({ service, database: 'default' })
  return { rel: (t: string) => builders().rel(t, 'table', db), col: (t: string, c: string) => builders().col(t, c, db), schema: () => builders().schema(db) }
})()

/** A client and the dialect its live session calls for, as the engine builds them. */
async function open(overrides: Record<string, unknown> = {}): Promise<{ client: ConnectorClient; dialect: MysqlDialect }> {
  const connection = mysqlConnector.connectionSchema.parse({ ...mysqlServer, lockTimeoutMs: 1000, ...overrides })
  const client = await mysqlConnector.createClient(connection, { service, dialect: mysqlConnector.createDialect(connection) })
  clients.push(client)
  return { client, dialect: mysqlConnector.createDialect(connection, await client.sessionFacts!()) }
}

/** Targets carrying what readBack found, as prepareOperation hands them to the dialect. */
const withState = (snapshot: StateSnapshot, target: ObjectTarget): ObjectTarget => {
  const state = snapshot.get(assetFqn(target.asset))
  return { ...target, objectType: state?.objectType ?? target.objectType, ...(state?.definition !== undefined ? { definition: state.definition } : {}) }
}
const at = (snapshot: StateSnapshot, asset: AssetRef) => snapshot.get(assetFqn(asset))
const columnsOf = async (table: string): Promise<string[]> => Object.keys(await columnComments(admin, db, table))

beforeAll(async () => {
  tmp = await createTempMysqlDatabase('revmeta_my')
  db = tmp.name
  admin = tmp.conn
  await admin.query(`USE \`${db}\`;
    CREATE TABLE orders (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, note varchar(20) NOT NULL DEFAULT 'n/a', \`Mixed Col\` text);
    CREATE VIEW orders_v AS SELECT id, note FROM orders;
    CREATE TABLE \`Tab.le\` (\`col umn\` int);
    CREATE TABLE locked (x int);
    CREATE TABLE probe (id bigint);
    CREATE TABLE hostile (${Object.keys(hostile).map((k) => `${k} text`).join(', ')}, wide text, toolong text);
    ${typesTableSql('types')};
    INSERT INTO types (si, chk, chk2) VALUES (5, 1, 'a'), (-7, 2, 'b');`)
})

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()))
  await tmp?.drop()
})

describe('MySQL client on MariaDB (live)', () => {
  it('applies table, column and database comments, seen in information_schema and through readBack', async () => {
    const { client, dialect } = await open()
    const assets = [schema().asset, rel('orders').asset, col('orders', 'note').asset, col('Tab.le', 'col umn').asset, rel('orders_v').asset]
    const before = await client.readBack(assets)
    expect(at(before, rel('orders_v').asset)).toEqual({ objectType: 'view', description: null })
    expect(at(before, col('orders', 'note').asset)).toEqual({ objectType: 'column', description: null, definition: "`note` varchar(20) NOT NULL DEFAULT 'n/a'" })
    // Only tables with a column asked for pay for SHOW CREATE TABLE.
    expect(at(before, col('orders', 'Mixed Col').asset)).toEqual({ objectType: 'column', description: null, definition: '`Mixed Col` text DEFAULT NULL' })
    expect(at(before, col('orders_v', 'id').asset)).toEqual({ objectType: 'column', description: null })

    const units: Statement[][] = [
      dialect.renderDescription(withState(before, schema()), 'The shop'),
      dialect.renderDescription(withState(before, rel('orders')), 'Orders'),
      dialect.renderDescription(withState(before, col('orders', 'note')), "A note, it's free text"),
      dialect.renderDescription(withState(before, col('Tab.le', 'col umn')), 'Spaced'),
    ]
    expect(units[2]).toEqual([{ kind: 'sql', database: db, sql: `ALTER TABLE \`${db}\`.\`orders\` MODIFY COLUMN \`note\` varchar(20) NOT NULL DEFAULT 'n/a' COMMENT 'A note, it''s free text'` }])
    expect(codeOf(() => dialect.renderDescription(withState(before, rel('orders_v')), 'x'))).toBe('UNSUPPORTED')
    expect(codeOf(() => dialect.renderDescription(withState(before, col('orders_v', 'id')), 'x'))).toBe('UNSUPPORTED')
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))

    expect(await tableComment(admin, db, 'orders')).toBe('Orders')
    expect(await columnComments(admin, db, 'orders')).toEqual({ id: '', note: "A note, it's free text", 'Mixed Col': '' })
    expect(await columnComments(admin, db, 'Tab.le')).toEqual({ 'col umn': 'Spaced' })
    const [schemata] = await admin.execute<mysql.RowDataPacket[]>('SELECT SCHEMA_COMMENT AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db])
    expect(schemata[0]?.c).toBe('The shop')
    expect(await showCreateTable(admin, db, 'orders')).toContain("`note` varchar(20) NOT NULL DEFAULT 'n/a' COMMENT 'A note, it''s free text',")

    const after = await client.readBack(assets)
    expect(at(after, schema().asset)).toEqual({ objectType: 'schema', description: 'The shop' })
    expect(at(after, rel('orders').asset)).toEqual({ objectType: 'table', description: 'Orders' })
    expect(at(after, col('orders', 'note').asset)?.description).toBe("A note, it's free text")
    expect(at(after, col('Tab.le', 'col umn').asset)?.description).toBe('Spaced')

    const removal = await client.readBack([col('orders', 'note').asset])
    await client.execute(db, [dialect.renderDescription(rel('orders'), null), dialect.renderDescription(withState(removal, col('orders', 'note')), '')])
    const removed = await client.readBack([col('orders', 'note').asset])
    expect(at(removed, rel('orders').asset)?.description).toBeNull()
    expect(at(removed, col('orders', 'note').asset)?.description).toBeNull()
    expect(await showCreateTable(admin, db, 'orders')).toContain("`note` varchar(20) NOT NULL DEFAULT 'n/a',")
  })

  for (const [label, sqlMode] of [
    ['the server default sql_mode', undefined],
    ['NO_BACKSLASH_ESCAPES with ANSI_QUOTES', `${strict},NO_BACKSLASH_ESCAPES,ANSI_QUOTES`],
  ] as const) {
    it(`rewrites every column type losslessly under ${label}`, async () => {
      const { client, dialect } = await open(sqlMode === undefined ? {} : { sqlMode })
      const refused = sqlMode === undefined ? [] : backslashedColumns
      const before = await showCreateTable(admin, db, 'types')
      const [rowsBefore] = await admin.query('SELECT *, inv FROM types ORDER BY id')
      const columns = await columnsOf('types')
      const snapshot = await client.readBack(columns.map((c) => col('types', c).asset))
      const units: Statement[][] = []
      for (const c of columns) {
        const render = () => dialect.renderDescription(withState(snapshot, col('types', c)), `Comment for ${c}: it's "new" (COMMENT)`)
        if (refused.includes(c)) expect(codeOf(render), c).toBe('UNSUPPORTED')
        else units.push(render())
      }
      expect(codes(await client.execute(db, units))).toEqual(units.map(() => 'ok'))
      const after = await showCreateTable(admin, db, 'types')
      expect(withoutComments(after)).toBe(withoutComments(before))
      const comments = await columnComments(admin, db, 'types')
      for (const c of columns) expect(comments[c], c).toBe(refused.includes(c) ? '' : `Comment for ${c}: it's "new" (COMMENT)`)

      // Writing the original comments back restores the very same CREATE TABLE text.
      const again = await client.readBack(columns.map((c) => col('types', c).asset))
      const restore = columns
        .filter((c) => !refused.includes(c))
        .map((c) => dialect.renderDescription(withState(again, col('types', c)), at(snapshot, col('types', c).asset)?.description ?? null))
      expect(codes(await client.execute(db, restore))).toEqual(restore.map(() => 'ok'))
      expect(await showCreateTable(admin, db, 'types')).toBe(before)
      const [rowsAfter] = await admin.query('SELECT *, inv FROM types ORDER BY id')
      expect(rowsAfter).toEqual(rowsBefore)
    })
  }

  for (const [label, sqlMode] of [
    ['with backslash escapes', strict],
    ['under NO_BACKSLASH_ESCAPES', `${strict},NO_BACKSLASH_ESCAPES`],
  ] as const) {
    it(`round-trips every hostile string exactly ${label}`, async () => {
      const { client, dialect } = await open({ sqlMode })
      const tag = `[${label}] `
      const columns = Object.keys(hostile)
      const snapshot = await client.readBack(columns.map((c) => col('hostile', c).asset))
      const units = columns.map((c) => dialect.renderDescription(withState(snapshot, col('hostile', c)), tag + hostile[c]!))
      units.push(dialect.renderDescription(rel('hostile'), `${tag}${hostile.quotes}${hostile.backslashes}${hostile.newlines}`))
      expect(codes(await client.execute(db, units))).toEqual(units.map(() => 'ok'))
      const direct = await columnComments(admin, db, 'hostile')
      const readBack = await client.readBack([rel('hostile').asset])
      for (const c of columns) {
        expect(direct[c], c).toBe(tag + hostile[c])
        expect(at(readBack, col('hostile', c).asset)?.description, c).toBe(tag + hostile[c])
      }
      expect(await tableComment(admin, db, 'hostile')).toBe(`${tag}${hostile.quotes}${hostile.backslashes}${hostile.newlines}`)

      // What revmeta refuses, the server would mangle: a 4-byte character becomes '?'.
      const wide = displayOf(dialect.renderDescription(withState(snapshot, col('hostile', 'quotes')), 'x')[0]!).replace("COMMENT 'x'", "COMMENT 'unicorn 🦄'")
      await client.execute(db, [[{ kind: 'sql', database: db, sql: wide }]])
      expect((await columnComments(admin, db, 'hostile')).quotes).toBe('unicorn ?')
      expect(codeOf(() => dialect.renderDescription(withState(snapshot, col('hostile', 'quotes')), 'unicorn 🦄'))).toBe('VALUE_INVALID')
      // Too long for the server: its refusal arrives coded.
      const [tooLong] = await client.execute(db, [dialect.renderDescription(withState(snapshot, col('hostile', 'toolong')), 'x'.repeat(1025))])
      expect(tooLong?.ok ? 'ok' : tooLong?.error.code).toBe('VALUE_TOO_LONG')
    })
  }

  it('reads back and writes names holding quotes, backslashes and dots under NO_BACKSLASH_ESCAPES', async () => {
    const odd = `${db}_q'b\\s.d`
    await admin.query(`CREATE DATABASE \`${odd}\`; CREATE TABLE \`${odd}\`.\`t.a'b\` (\`c u\` int DEFAULT 4)`)
    try {
      const { client, dialect } = await open({ sqlMode: 'NO_BACKSLASH_ESCAPES' })
      const target = targetBuilders({ service, database: 'default' }).col("t.a'b", 'c u', odd)
      const snapshot = await client.readBack([target.asset])
      expect(at(snapshot, target.asset)?.definition).toBe('`c u` int(11) DEFAULT 4')
      expect(await client.execute(odd, [dialect.renderDescription(withState(snapshot, target), 'odd')])).toEqual([{ ok: true }])
      expect(await columnComments(admin, odd, "t.a'b")).toEqual({ 'c u': 'odd' })
    } finally {
      await admin.query(`DROP DATABASE \`${odd}\``)
    }
  })

  it('pins a failure on its unit while the rest of the batch applies once', async () => {
    const { client, dialect } = await open()
    const snapshot = await client.readBack([col('orders', 'note').asset, col('orders', 'Mixed Col').asset])
    const raw = (sql: string): Statement => ({ kind: 'sql', database: db, sql })
    const units: Statement[][] = [
      dialect.renderDescription(rel('orders'), 'batch 1'),
      [raw(`ALTER TABLE \`${db}\`.\`no_such_table\` COMMENT = 'x'`)],
      dialect.renderDescription(withState(snapshot, col('orders', 'note')), 'batch 3'),
      [raw(`ALTER TABLE \`${db}\`.\`orders_v\` COMMENT = 'x'`)],
      [raw(`ALTER TABLE \`${db}\`.\`orders\` MODIFY COLUMN \`nope\` int`)],
      // DDL commits statement by statement: the first half of this unit sticks although the unit fails.
      [...dialect.renderDescription(rel('Tab.le'), 'first half sticks'), raw(`ALTER TABLE \`${db}\`.\`gone\` COMMENT = 'x'`)],
      dialect.renderDescription(withState(snapshot, col('orders', 'Mixed Col')), 'batch 7'),
    ]
    const results = await client.execute(db, units)
    expect(codes(results)).toEqual(['ok', 'OBJECT_NOT_FOUND', 'ok', 'UNSUPPORTED', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'ok'])
    const failed = results[1]!
    expect(failed.ok ? undefined : failed.error.details).toMatchObject({ errno: 1146, database: db })
    expect(failed.ok ? '' : failed.error.message).toContain('no_such_table')
    expect(await tableComment(admin, db, 'orders')).toBe('batch 1')
    expect(await tableComment(admin, db, 'Tab.le')).toBe('first half sticks')
    expect(await columnComments(admin, db, 'orders')).toMatchObject({ note: 'batch 3', 'Mixed Col': 'batch 7' })
  })

  it('fails with LOCK_TIMEOUT within lockTimeoutMs when another session holds the table', async () => {
    const { client, dialect } = await open({ lockTimeoutMs: 1000 })
    const holder = await connectMysql()
    try {
      await holder.query(`START TRANSACTION; SELECT * FROM \`${db}\`.locked`)
      let started = Date.now()
      const [alone] = await client.execute(db, [dialect.renderDescription(rel('locked'), 'x')])
      const aloneMs = Date.now() - started
      expect(alone?.ok ? 'ok' : alone?.error.code).toBe('LOCK_TIMEOUT')
      expect(alone?.ok ? false : alone?.error.retryable).toBe(true)
      expect(aloneMs).toBeGreaterThanOrEqual(900)
      expect(aloneMs).toBeLessThan(3000)
      started = Date.now()
      const mixed = await client.execute(db, [dialect.renderDescription(rel('locked'), 'x'), dialect.renderDescription(rel('orders'), 'not blocked')])
      expect(codes(mixed)).toEqual(['LOCK_TIMEOUT', 'ok'])
      // One wait only: the unit after the locked one is sent once, not re-run.
      expect(Date.now() - started).toBeLessThan(3000)
    } finally {
      await holder.query('ROLLBACK')
      await holder.end()
    }
    expect(await tableComment(admin, db, 'orders')).toBe('not blocked')
  })

  it('fails the rest of a batch as retryable when its connection is killed mid-statement, then reconnects', async () => {
    const { client, dialect } = await open({ lockTimeoutMs: 20_000 })
    const holder = await connectMysql()
    try {
      await holder.query(`START TRANSACTION; SELECT * FROM \`${db}\`.locked`)
      const pending = client.execute(db, [dialect.renderDescription(rel('locked'), 'x'), dialect.renderDescription(rel('orders'), 'y'), dialect.renderDescription(rel('Tab.le'), 'z')])
      let killed = false
      for (let i = 0; i < 200 && !killed; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        const [rows] = await admin.query<mysql.RowDataPacket[]>(
          "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND STATE LIKE 'Waiting for table metadata lock%' AND INFO LIKE ?",
          [`%${db}%locked%`],
        )
        for (const row of rows) await admin.query(`KILL ${Number(row.id)}`)
        killed = rows.length > 0
      }
      expect(killed).toBe(true)
      const results = await pending
      expect(codes(results)).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED', 'CONNECTION_FAILED'])
      expect(results.every((r) => !r.ok && r.error.retryable)).toBe(true)
      await holder.query('ROLLBACK')
      expect(await client.execute(db, [dialect.renderDescription(rel('locked'), 'after reconnect')])).toEqual([{ ok: true }])
      expect(await tableComment(admin, db, 'locked')).toBe('after reconnect')
    } finally {
      await holder.end()
    }
  })

  it('reconnects after its connection is killed and holds the new session to the same sql_mode', async () => {
    const { client, dialect } = await open({ sqlMode: 'NO_BACKSLASH_ESCAPES' })
    const probe: Statement = { kind: 'sql', database: db, sql: `INSERT INTO \`${db}\`.probe SELECT CONNECTION_ID()` }
    expect(await client.execute(db, [[probe]])).toEqual([{ ok: true }])
    const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT MAX(id) AS id FROM \`${db}\`.probe`)
    await admin.query(`KILL ${Number(rows[0]?.id)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    let result = await client.execute(db, [dialect.renderDescription(rel('probe'), 'a\\b\\n')])
    // The pool may only learn of the kill from the first attempt, which then fails as retryable.
    if (!result[0]?.ok) {
      expect(result[0]?.error.code).toBe('CONNECTION_FAILED')
      result = await client.execute(db, [dialect.renderDescription(rel('probe'), 'a\\b\\n')])
    }
    expect(result).toEqual([{ ok: true }])
    expect(await tableComment(admin, db, 'probe')).toBe('a\\b\\n')
  })

  it('reports facts from the session it holds', async () => {
    const server = await open()
    expect(await server.client.sessionFacts!()).toMatchObject({ version: expect.stringMatching(/MariaDB|^\d/) })
    const ansi = await open({ sqlMode: 'ANSI' })
    expect((await ansi.client.sessionFacts!()).sqlMode).toContain('ANSI_QUOTES')
  })

  it('reports PRIVILEGE for a user without ALTER, and a wrong password as permanent, never leaking it', async () => {
    const user = `revmeta_low_${randomBytes(3).toString('hex')}`
    const password = `pw-${randomBytes(6).toString('hex')}`
    const dir = await mkdtemp(path.join(tmpdir(), 'revmeta-mysql-'))
    await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password])
    await admin.query(`GRANT SELECT ON \`${db}\`.* TO '${user}'@'%'`)
    try {
      await writeFile(path.join(dir, 'pw'), `${password}\n`)
      const low = await open({ user, passwordFile: path.join(dir, 'pw') })
      const [denied] = await low.client.execute(db, [low.dialect.renderDescription(rel('orders'), 'x')])
      expect(denied?.ok ? 'ok' : denied?.error.code).toBe('PRIVILEGE')

      const connection = mysqlConnector.connectionSchema.parse({ ...mysqlServer, user, password: `${password}-wrong` })
      const wrong = await mysqlConnector.createClient(connection, { service, dialect: mysqlConnector.createDialect(connection) })
      clients.push(wrong)
      const [refused] = await wrong.execute(db, [low.dialect.renderDescription(rel('orders'), 'x')])
      expect(refused?.ok ? 'ok' : [refused?.error.code, refused?.error.retryable]).toEqual(['CONNECTION_FAILED', false])
      expect(JSON.stringify(refused)).not.toContain(password)
    } finally {
      await admin.query(`DROP USER IF EXISTS ?@'%'`, [user])
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reports an unreachable server as retryable CONNECTION_FAILED naming it, without the password', async () => {
    const connection = mysqlConnector.connectionSchema.parse({ ...mysqlServer, port: 1, password: 'hunter2-s3cret', connectTimeoutMs: 2000 })
    const down = await mysqlConnector.createClient(connection, { service, dialect: mysqlConnector.createDialect(connection) })
    clients.push(down)
    const results = await down.execute(db, [[{ kind: 'sql', database: db, sql: 'DO 1' }], [{ kind: 'sql', database: db, sql: 'DO 2' }]])
    expect(results.map((r) => (r.ok ? 'ok' : [r.error.code, r.error.retryable]))).toEqual([
      ['CONNECTION_FAILED', true],
      ['CONNECTION_FAILED', true],
    ])
    const error = await down.readBack([rel('orders').asset]).then(() => undefined, (e: unknown) => e as Error & { code: string })
    expect(error?.code).toBe('CONNECTION_FAILED')
    expect(error?.message).toContain('127.0.0.1:1')
    expect(JSON.stringify(results)).not.toContain('hunter2')
  })
})
