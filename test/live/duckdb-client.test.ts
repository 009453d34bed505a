import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorClient, ObjectTarget, Statement } from '../../src/connectors/connector.js'
import { DuckdbDialect } from '../../src/connectors/duckdb/duckdb-dialect.js'
import { duckdbConnector } from '../../src/connectors/duckdb/index.js'
import type { AssetRef } from '../../src/model/asset.js'
import { assetFqn } from '../../src/model/fqn.js'
import { duckdbFailure, holdDuckdbLock, queryDuckdb } from '../support/duckdb-direct.js'
import { hostileBase, mixedUnicode, textColumns } from '../support/hostile-strings.js'
import { codes } from '../support/results.js'
import { targetBuilders } from '../support/targets.js'

const service = 'lake'
// The file's name without extension is the catalog: mixed case and a space, quoted everywhere.
const db = 'Shop Lake'
const dialect = new DuckdbDialect()

const hostile: Record<string, string> = { ...hostileBase, unicode: mixedUnicode, crtab: '\r\t\r\n\t', comments: '/* not */ -- nor' }

const odd = 'My Schema.v2'
const initSql = `
  CREATE SCHEMA sales;
  CREATE SCHEMA "${odd}";
  CREATE TABLE sales.orders (id INTEGER, "Mixed Col" VARCHAR);
  CREATE VIEW sales.orders_v AS SELECT * FROM sales.orders;
  CREATE TABLE "${odd}"."Tab.le" ("col umn" INTEGER, "a.b" INTEGER, "Say ""Hi""" INTEGER);
  CREATE TABLE sales.hostile (${textColumns(hostile)});
  CREATE TABLE sales.seeded (n INTEGER);
  INSERT INTO sales.seeded VALUES (1);
`

const targets = targetBuilders({ service, database: db })
const { rel, col } = targets
const comment = (target: ObjectTarget, text: string | null): Statement[] => dialect.renderDescription(target, text)
const sqlText = (value: string): string => `'${value.replaceAll("'", "''")}'`

let dir: string
let file: string
let initFile: string
let client: ConnectorClient

async function open(connection: Record<string, unknown>): Promise<ConnectorClient> {
  const parsed = duckdbConnector.connectionSchema.parse(connection)
  return duckdbConnector.createClient(parsed, { service, dialect: duckdbConnector.createDialect(parsed) })
}

/** Comments straight from DuckDB's own catalog functions, keyed schema.table[.column]. */
async function catalogComments(): Promise<Map<string, unknown>> {
  const where = `WHERE database_name = ${sqlText(db)}`
  const rows = await queryDuckdb(
    file,
    `SELECT schema_name || '|' || table_name AS k, comment FROM duckdb_tables() ${where}
     UNION ALL SELECT schema_name || '|' || view_name, comment FROM duckdb_views() ${where}
     UNION ALL SELECT schema_name || '|' || table_name || '|' || column_name, comment FROM duckdb_columns() ${where}`,
  )
  return new Map(rows.map((row) => [String(row.k), row.comment]))
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-duckdb-'))
  file = path.join(dir, 'data', `${db}.duckdb`)
  initFile = path.join(dir, 'init.sql')
  await writeFile(initFile, initSql)
  client = await open({ path: file, initSql: initFile, lockTimeoutMs: 200 })
})

afterAll(async () => {
  await client?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('DuckDB client (live, in process, database file)', () => {
  it('cannot comment on schemas or databases in this DuckDB, as the capabilities declare', async () => {
    expect(await duckdbFailure(file, `COMMENT ON SCHEMA sales IS 'x'`)).toMatch(/Not implemented Error: .*schemas/)
    expect(await duckdbFailure(file, `COMMENT ON DATABASE "${db}" IS 'x'`)).toMatch(/Not implemented Error: .*databases/)
    expect(dialect.capabilities.descriptionLevels).toEqual(['table', 'column'])
  })

  it('DuckDB keeps what ran before a failing statement of a script: why the client wraps each batch in a transaction', async () => {
    const script = `COMMENT ON TABLE sales.seeded IS 'first'; COMMENT ON TABLE sales.nope IS 'x'; COMMENT ON COLUMN sales.seeded.n IS 'third'`
    expect(await duckdbFailure(file, script)).toMatch(/^Catalog Error: .*nope/)
    const direct = await catalogComments()
    expect(direct.get('sales|seeded')).toBe('first')
    expect(direct.get('sales|seeded|n')).toBeNull()
  })

  it('applies comments to tables, views and columns with awkward names and reads them back', async () => {
    const units: Statement[][] = [
      comment(rel('orders'), 'Orders'),
      comment(rel('orders_v', 'view'), 'View'),
      comment(col('orders', 'Mixed Col'), 'Mixed'),
      comment(col('orders_v', 'id'), 'View column'),
      comment(rel('Tab.le', 'table', odd), 'Dotted'),
      comment(col('Tab.le', 'col umn', odd), 'Spaced'),
      comment(col('Tab.le', 'a.b', odd), 'Dot column'),
      comment(col('Tab.le', 'Say "Hi"', odd), 'Quoted'),
    ]
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))

    const direct = await catalogComments()
    expect(direct.get('sales|orders')).toBe('Orders')
    expect(direct.get('sales|orders_v')).toBe('View')
    expect(direct.get('sales|orders|Mixed Col')).toBe('Mixed')
    expect(direct.get('sales|orders_v|id')).toBe('View column')
    expect(direct.get(`${odd}|Tab.le`)).toBe('Dotted')
    expect(direct.get(`${odd}|Tab.le|col umn`)).toBe('Spaced')
    expect(direct.get(`${odd}|Tab.le|a.b`)).toBe('Dot column')
    expect(direct.get(`${odd}|Tab.le|Say "Hi"`)).toBe('Quoted')

    const snapshot = await client.readBack([rel('orders').asset, rel('Tab.le', 'table', odd).asset])
    const at = (asset: AssetRef) => snapshot.get(assetFqn(asset))
    expect(at(rel('orders').asset)).toEqual({ objectType: 'table', description: 'Orders' })
    expect(at(rel('orders_v').asset)).toEqual({ objectType: 'view', description: 'View' })
    expect(at(col('orders', 'Mixed Col').asset)).toEqual({ objectType: 'column', description: 'Mixed' })
    expect(at(col('orders', 'id').asset)).toEqual({ objectType: 'column', description: null })
    expect(at(col('orders_v', 'id').asset)).toEqual({ objectType: 'column', description: 'View column' })
    expect(at(rel('Tab.le', 'table', odd).asset)).toEqual({ objectType: 'table', description: 'Dotted' })
    expect(at(col('Tab.le', 'col umn', odd).asset)).toEqual({ objectType: 'column', description: 'Spaced' })
    expect(at(col('Tab.le', 'a.b', odd).asset)).toEqual({ objectType: 'column', description: 'Dot column' })
    // A name with a double quote has an FQN (OpenMetadata escapes it as \"), so it is read back too.
    expect(at(col('Tab.le', 'Say "Hi"', odd).asset)).toEqual({ objectType: 'column', description: 'Quoted' })
  })

  it('round-trips every hostile string exactly, directly and through readBack', async () => {
    const units = Object.entries(hostile).map(([name, text]) => comment(col('hostile', name), text))
    units.push(comment(rel('hostile'), hostile.big!))
    expect(await client.execute(db, units)).toEqual(units.map(() => ({ ok: true })))
    const direct = await catalogComments()
    const snapshot = await client.readBack([rel('hostile').asset])
    for (const [name, text] of Object.entries(hostile)) {
      expect(direct.get(`sales|hostile|${name}`), name).toBe(text)
      expect(snapshot.get(assetFqn(col('hostile', name).asset))?.description, name).toBe(text)
    }
    expect(snapshot.get(assetFqn(rel('hostile').asset))?.description).toBe(hostile.big)
  })

  it('removes with NULL and keeps an empty string as empty', async () => {
    expect(codes(await client.execute(db, [comment(col('orders', 'Mixed Col'), null), comment(col('orders', 'id'), '')]))).toEqual(['ok', 'ok'])
    const snapshot = await client.readBack([rel('orders').asset])
    expect(snapshot.get(assetFqn(col('orders', 'Mixed Col').asset))?.description).toBeNull()
    expect(snapshot.get(assetFqn(col('orders', 'id').asset))?.description).toBe('')
  })

  it('pins a failure on its unit while the rest applies, and never half-applies a unit', async () => {
    const results = await client.execute(db, [
      comment(rel('orders'), 'batch 1'),
      comment(rel('no_such_table'), 'x'),
      [...comment(rel('orders_v', 'view'), 'must not stick'), ...comment(col('orders', 'nope'), 'x')],
      comment(rel('orders', 'table', 'no_such_schema'), 'x'),
      comment(col('orders', 'Mixed Col'), 'batch 5'),
    ])
    expect(codes(results)).toEqual(['ok', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND', 'ok'])
    expect(results[1]).toMatchObject({ error: { message: expect.stringContaining('Catalog Error') } })
    expect(results[2]).toMatchObject({ error: { message: expect.stringContaining('nope') } })
    const direct = await catalogComments()
    expect(direct.get('sales|orders')).toBe('batch 1')
    expect(direct.get('sales|orders_v')).toBe('View')
    expect(direct.get('sales|orders|Mixed Col')).toBe('batch 5')
  })

  it('runs a batch larger than batchSize in several transactions', async () => {
    const small = await open({ path: file, batchSize: 2 })
    try {
      const units = ['a', 'b', 'c', 'd', 'e'].map((text, i) => comment(col('hostile', Object.keys(hostile)[i]!), text))
      units.splice(3, 0, comment(rel('gone'), 'x'))
      expect(codes(await small.execute(db, units))).toEqual(['ok', 'ok', 'ok', 'OBJECT_NOT_FOUND', 'ok', 'ok'])
      const snapshot = await small.readBack([rel('hostile').asset])
      expect(Object.keys(hostile).slice(0, 5).map((name) => snapshot.get(assetFqn(col('hostile', name).asset))?.description)).toEqual(['a', 'b', 'c', 'd', 'e'])
    } finally {
      await small.close()
    }
  })

  it('refuses other databases as DATABASE_UNREACHABLE and reads them back as absent', async () => {
    const other = targetBuilders({ service, database: 'elsewhere' }).rel('orders')
    expect(codes(await client.execute('elsewhere', [comment(other, 'x'), []]))).toEqual(['DATABASE_UNREACHABLE', 'ok'])
    expect((await client.readBack([other.asset])).size).toBe(0)
  })

  it('persists to the file, runs initSql only once, and sees the comments after reopening', async () => {
    await client.close()
    // Would fail on the existing schemas if it ran again, and would add a second row.
    client = await open({ path: file, initSql: initFile })
    expect(await queryDuckdb(file, 'SELECT count(*)::INTEGER AS n FROM sales.seeded')).toEqual([{ n: 1 }])
    const snapshot = await client.readBack([rel('orders').asset, rel('hostile').asset])
    expect(snapshot.get(assetFqn(rel('orders').asset))?.description).toBe('batch 1')
    expect(snapshot.get(assetFqn(col('hostile', 'unicode').asset))?.description).toBe(hostile.unicode)
    expect(snapshot.get(assetFqn(rel('hostile').asset))?.description).toBe(hostile.big)
  })

  it('shares the instance with a second client on the same file, and refuses other options for it', async () => {
    const second = await open({ path: file })
    try {
      expect(codes(await second.execute(db, [comment(rel('orders'), 'from second')]))).toEqual(['ok'])
      expect((await client.readBack([rel('orders').asset])).get(assetFqn(rel('orders').asset))?.description).toBe('from second')
    } finally {
      await second.close()
    }
    await expect(open({ path: file, threads: 1 })).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
  })

  it('opens read-only: reads back, and every write fails PRIVILEGE', async () => {
    await client.close()
    const readOnly = await open({ path: file, readOnly: true })
    try {
      expect((await readOnly.readBack([rel('orders').asset])).get(assetFqn(rel('orders').asset))?.description).toBe('from second')
      const [result] = await readOnly.execute(db, [comment(rel('orders'), 'x')])
      expect(result).toMatchObject({ ok: false, error: { code: 'PRIVILEGE', message: expect.stringContaining('read-only') } })
    } finally {
      await readOnly.close()
    }
    client = await open({ path: file })
  })

  it('waits up to lockTimeoutMs for another process holding the file, then fails CONNECTION_FAILED (retryable)', async () => {
    await client.close()
    const held = await holdDuckdbLock(file, 1_500)
    await expect(open({ path: file, lockTimeoutMs: 100 })).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true, message: expect.stringContaining('lock') })
    client = await open({ path: file, lockTimeoutMs: 15_000 })
    await held.exited
    expect((await client.readBack([rel('orders').asset])).get(assetFqn(rel('orders').asset))?.description).toBe('from second')
  })

  it('starts in memory by default, seeded by initSql, as catalog "memory"', async () => {
    const memory = await open({ initSql: initFile })
    try {
      const orders = targetBuilders({ service, database: 'memory' }).rel('orders')
      expect(await memory.execute('memory', [comment(orders, 'in memory')])).toEqual([{ ok: true }])
      expect((await memory.readBack([orders.asset])).get(assetFqn(orders.asset))).toEqual({ objectType: 'table', description: 'in memory' })
    } finally {
      await memory.close()
    }
  })

  it('reports a broken initSql with its error and leaves no half-made file', async () => {
    const badInit = path.join(dir, 'bad.sql')
    await writeFile(badInit, 'CREATE TABLE ok (x INTEGER); CREATE TABLE broken (x no_such_type);')
    const badFile = path.join(dir, 'bad.duckdb')
    await expect(open({ path: badFile, initSql: badInit })).rejects.toMatchObject({ message: expect.stringContaining('bad.sql') })
    expect(existsSync(badFile)).toBe(false)
    expect(existsSync(`${badFile}.wal`)).toBe(false)
    await expect(open({ initSql: path.join(dir, 'missing.sql') })).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' })
    await expect(open({ path: path.join(dir, 'missing.duckdb'), readOnly: true })).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
  })
})
