import net from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { ConnectorClient, Statement } from '../../src/connectors/connector.js'
import { snowflakeConnector } from '../../src/connectors/snowflake/index.js'
import { assetFqn } from '../../src/model/fqn.js'
import { startSnowflakeEndpoint, type SnowflakeEndpoint, type SnowflakeReply } from '../support/snowflake-endpoint.js'

const service = 'snow'
let endpoint: SnowflakeEndpoint | undefined
let client: ConnectorClient | undefined

// Every socket the sdk opens in these tests, by destination: it must never leave loopback
// (no OCSP/CRL responder, no telemetry host, no account URL on the internet).
const destinations: string[] = []
const originalConnect = net.Socket.prototype.connect
beforeAll(() => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0]
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | number | string
    destinations.push(typeof options === 'object' && options !== null ? (options.host ?? options.path ?? 'localhost') : String(args[1] ?? 'localhost'))
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args)
  } as typeof net.Socket.prototype.connect
})
afterAll(() => {
  net.Socket.prototype.connect = originalConnect
  expect(destinations.length).toBeGreaterThan(0)
  expect(destinations.filter((host) => host !== '127.0.0.1')).toEqual([])
})

afterEach(async () => {
  await client?.close()
  await endpoint?.close()
  client = endpoint = undefined
})

async function open(answer?: (sql: string) => SnowflakeReply | undefined, extra: Record<string, unknown> = {}): Promise<{ endpoint: SnowflakeEndpoint; client: ConnectorClient }> {
  endpoint = await startSnowflakeEndpoint(answer)
  const connection = snowflakeConnector.connectionSchema.parse({ account: 'revmeta_test', accessUrl: endpoint.url, username: 'loader', password: 's3cret-pw', warehouse: 'WH', role: 'SYSADMIN', maxRetries: 3, ...extra })
  client = await snowflakeConnector.createClient(connection, { service, dialect: snowflakeConnector.createDialect(connection) })
  return { endpoint, client }
}

const sql = (text: string): Statement => ({ kind: 'sql', database: 'SALES', sql: text })
const writes = (e: SnowflakeEndpoint): string[] => e.executed().filter((text) => !text.startsWith('ALTER SESSION'))

describe('snowflake client against the wire endpoint', () => {
  test('logs in with the password, sets up the session, then runs each unit in order', async () => {
    const { endpoint, client } = await open()
    const results = await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'a'`)], [sql(`COMMENT ON SCHEMA "SALES"."PUBLIC" IS 'b'`), sql(`GRANT OWNERSHIP ON SCHEMA "SALES"."PUBLIC" TO ROLE "OWNERS" COPY CURRENT GRANTS`)]])
    expect(results).toEqual([{ ok: true }, { ok: true }])
    expect(endpoint.logins).toEqual([{ user: 'loader', authenticator: 'SNOWFLAKE', hasPassword: true, hasToken: false }])
    expect(endpoint.executed()).toEqual([
      'ALTER SESSION SET LOCK_TIMEOUT = 5',
      'ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 60',
      `COMMENT ON DATABASE "SALES" IS 'a'`,
      `COMMENT ON SCHEMA "SALES"."PUBLIC" IS 'b'`,
      `GRANT OWNERSHIP ON SCHEMA "SALES"."PUBLIC" TO ROLE "OWNERS" COPY CURRENT GRANTS`,
    ])
    // Nothing but Snowflake's own REST paths on the loopback endpoint; close() ends the session.
    expect(new Set(endpoint.paths.filter((path) => !path.startsWith('/telemetry')))).toEqual(new Set(['/session/v1/login-request', '/queries/v1/query-request']))
    await client.close()
    expect(endpoint.closes).toBe(1)
  })

  test('several column comments of one table go as one ALTER TABLE; another table starts a new one', async () => {
    const { endpoint, client } = await open()
    const results = await client.execute('SALES', [
      [sql(`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "ID" COMMENT 'key'`)],
      [sql(`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "NOTE" UNSET COMMENT`)],
      [sql(`ALTER TABLE "SALES"."PUBLIC"."ITEMS" ALTER COLUMN "ID" COMMENT 'x, COLUMN "Y"'`)],
    ])
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }])
    expect(writes(endpoint)).toEqual([
      `ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "ID" COMMENT 'key', COLUMN "NOTE" UNSET COMMENT`,
      `ALTER TABLE "SALES"."PUBLIC"."ITEMS" ALTER COLUMN "ID" COMMENT 'x, COLUMN "Y"'`,
    ])
  })

  test('a merged ALTER that fails is rerun per column, so the failure is pinned on its own operation', async () => {
    const { endpoint, client } = await open((text) =>
      text.includes('"GONE"') ? { error: { code: '000904', message: "SQL compilation error: invalid identifier 'GONE'", sqlState: '42000' } } : undefined,
    )
    const results = await client.execute('SALES', [
      [sql(`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "ID" COMMENT 'key'`)],
      [sql(`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "GONE" COMMENT 'lost'`)],
      [sql(`COMMENT ON TABLE "SALES"."PUBLIC"."ORDERS" IS 'after'`)],
    ])
    expect(results[0]).toEqual({ ok: true })
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'OBJECT_NOT_FOUND' } })
    expect(results[2]).toEqual({ ok: true })
    expect(writes(endpoint)).toEqual([`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "ID" COMMENT 'key'`, `COMMENT ON TABLE "SALES"."PUBLIC"."ORDERS" IS 'after'`])
  })

  test('a permanent SQL error is a coded failure of that unit alone, with Snowflake\'s words and no secret', async () => {
    const { client } = await open((text) => (text.includes('"NOPE"') ? { error: { code: '003001', message: 'Insufficient privileges to operate on schema NOPE (s3cret-pw)', sqlState: '42501' } } : undefined))
    const results = await client.execute('SALES', [[sql(`COMMENT ON SCHEMA "SALES"."NOPE" IS 'x'`)], [sql(`COMMENT ON SCHEMA "SALES"."OK" IS 'y'`)]])
    expect(results[1]).toEqual({ ok: true })
    const failed = results[0]
    if (failed?.ok !== false) throw new Error('the first unit should have failed')
    expect(failed.error.code).toBe('PRIVILEGE')
    expect(failed.error.retryable).toBe(false)
    expect(failed.error.message).toContain('Insufficient privileges')
    expect(failed.error.message).toContain('003001')
    expect(JSON.stringify(failed.error.toJSON())).not.toContain('s3cret-pw')
  })

  test('an expired session (390112) is renewed with the master token and the statement retried', async () => {
    const { endpoint, client } = await open()
    await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'first'`)]])
    endpoint.expireSession()
    const results = await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'second'`)]])
    expect(results).toEqual([{ ok: true }])
    expect(endpoint.renewals).toBe(1)
    expect(endpoint.logins).toHaveLength(1)
    const tries = endpoint.received.filter((statement) => statement.sql.endsWith(`'second'`))
    expect(tries.map((statement) => statement.outcome)).toEqual(['expired', 'ok'])
    expect(tries[0]?.token).not.toBe(tries[1]?.token)
  })

  test('a session that cannot be renewed fails that batch as retryable, and the next one logs in afresh', async () => {
    const { endpoint, client } = await open()
    await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'first'`)]])
    endpoint.expireLogin()
    const failed = await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'second'`)]])
    expect(failed).toMatchObject([{ ok: false, error: { code: 'CONNECTION_FAILED', retryable: true } }])
    const again = await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'second'`)]])
    expect(again).toEqual([{ ok: true }])
    expect(endpoint.logins).toHaveLength(2)
    expect(endpoint.executed().filter((text) => text.endsWith(`'second'`))).toHaveLength(1)
  })

  test('a transient 503 is retried by the sdk and the statement lands once', async () => {
    const { endpoint, client } = await open()
    await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'warm'`)]])
    endpoint.failNext(503, 1)
    const results = await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'retried'`)]])
    expect(results).toEqual([{ ok: true }])
    const tries = endpoint.received.filter((statement) => statement.sql.endsWith(`'retried'`))
    expect(tries.map((statement) => statement.outcome)).toEqual(['http-503', 'ok'])
  })

  test('read-back: one query per kind of object per database, tags batched, inherited tags marked', async () => {
    const rowsFor = (text: string): SnowflakeReply | undefined => {
      if (text.includes('INFORMATION_SCHEMA.DATABASES')) return { rows: [{ DATABASE_NAME: 'SALES', DATABASE_OWNER: 'SYSADMIN', COMMENT: 'db \\ note' }] }
      if (text.includes('INFORMATION_SCHEMA.SCHEMATA')) return { rows: [{ SCHEMA_NAME: 'PUBLIC', SCHEMA_OWNER: 'SYSADMIN', COMMENT: null }] }
      if (text.includes('INFORMATION_SCHEMA.TABLES'))
        return {
          rows: [
            { TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'ORDERS', TABLE_TYPE: 'BASE TABLE', TABLE_OWNER: 'LOADER', COMMENT: 'it\'s "orders"\nline 2' },
            { TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'V_ORDERS', TABLE_TYPE: 'VIEW', TABLE_OWNER: 'LOADER', COMMENT: null },
            { TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'MV', TABLE_TYPE: 'MATERIALIZED VIEW', TABLE_OWNER: 'LOADER', COMMENT: 'mv' },
          ],
        }
      if (text.includes('INFORMATION_SCHEMA.COLUMNS'))
        return {
          rows: [
            { TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'ORDERS', COLUMN_NAME: 'EMAIL', COMMENT: '✉️ mail' },
            { TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'V_ORDERS', COLUMN_NAME: 'EMAIL', COMMENT: null },
          ],
        }
      if (text === 'SHOW TAGS IN DATABASE "SALES"') return { rows: [{ name: 'TIER', database_name: 'SALES', schema_name: 'PUBLIC', allowed_values: '["gold","silver"]' }] }
      if (text.includes('"V_ORDERS"')) return { rows: [] }
      if (text.includes(`'database'))`))
        return { rows: [{ TAG_DATABASE: 'GOV', TAG_SCHEMA: 'TAGS', TAG_NAME: 'DOMAIN', TAG_VALUE: 'sales', LEVEL: 'SCHEMA', OBJECT_DATABASE: 'SALES', OBJECT_SCHEMA: null, OBJECT_NAME: 'PUBLIC', DOMAIN: 'SCHEMA', COLUMN_NAME: null }] }
      if (text.includes('TAG_REFERENCES'))
        return {
          columns: ['TAG_DATABASE', 'TAG_SCHEMA', 'TAG_NAME', 'TAG_VALUE', 'LEVEL', 'OBJECT_DATABASE', 'OBJECT_SCHEMA', 'OBJECT_NAME', 'DOMAIN', 'COLUMN_NAME'],
          rows: [
            { TAG_DATABASE: 'SALES', TAG_SCHEMA: 'PUBLIC', TAG_NAME: 'PII', TAG_VALUE: 'email', LEVEL: 'COLUMN', OBJECT_DATABASE: 'SALES', OBJECT_SCHEMA: 'PUBLIC', OBJECT_NAME: 'ORDERS', DOMAIN: 'COLUMN', COLUMN_NAME: 'EMAIL' },
            { TAG_DATABASE: 'SALES', TAG_SCHEMA: 'PUBLIC', TAG_NAME: 'TIER', TAG_VALUE: 'gold', LEVEL: 'TABLE', OBJECT_DATABASE: 'SALES', OBJECT_SCHEMA: 'PUBLIC', OBJECT_NAME: 'ORDERS', DOMAIN: 'TABLE', COLUMN_NAME: null },
            // Inherited from the table: marked, so it neither counts as the column's own nor clashes.
            { TAG_DATABASE: 'SALES', TAG_SCHEMA: 'PUBLIC', TAG_NAME: 'TIER', TAG_VALUE: 'gold', LEVEL: 'TABLE', OBJECT_DATABASE: 'SALES', OBJECT_SCHEMA: 'PUBLIC', OBJECT_NAME: 'ORDERS', DOMAIN: 'COLUMN', COLUMN_NAME: 'EMAIL' },
          ],
        }
      return undefined
    }
    const { endpoint, client } = await open(rowsFor, { tagBatchSize: 1 })
    const base = { service, database: 'SALES', schema: 'PUBLIC' }
    const snapshot = await client.readBack([
      { level: 'database', service, database: 'SALES' },
      { ...base, level: 'column', table: 'ORDERS', column: 'EMAIL' },
      { ...base, level: 'column', table: 'V_ORDERS', column: 'EMAIL' },
    ])
    // SHOW TAGS IN DATABASE: every object sees the tags of its own schema, with their allowed values.
    const tagDefinitions = new Map([['TIER', [{ home: ['SALES', 'PUBLIC'], allowedValues: ['gold', 'silver'] }]]])
    expect(snapshot.get('snow.SALES')).toEqual({ objectType: 'database', description: 'db \\ note', owner: 'SYSADMIN', tags: [], tagDefinitions })
    expect(snapshot.get('snow.SALES.PUBLIC')).toEqual({ objectType: 'schema', description: null, owner: 'SYSADMIN', tags: [{ key: 'DOMAIN', value: 'sales' }], tagDefinitions })
    expect(snapshot.get('snow.SALES.PUBLIC.ORDERS')).toEqual({ objectType: 'table', description: 'it\'s "orders"\nline 2', owner: 'LOADER', tags: [{ key: 'TIER', value: 'gold' }], tagDefinitions })
    expect(snapshot.get('snow.SALES.PUBLIC.MV')?.objectType).toBe('materialized_view')
    expect(snapshot.get(assetFqn({ ...base, level: 'column', table: 'ORDERS', column: 'EMAIL' }))).toEqual({ objectType: 'column', description: '✉️ mail', definition: 'table', tags: [{ key: 'PII', value: 'email' }, { key: 'TIER', value: 'gold', inherited: true }], tagDefinitions })
    // Its tags were read and there are none: an empty list, not "unknown".
    expect(snapshot.get('snow.SALES.PUBLIC.V_ORDERS.EMAIL')).toEqual({ objectType: 'column', description: null, definition: 'view', tags: [], tagDefinitions })
    // Not asked for, so its tags were not read.
    expect(snapshot.get('snow.SALES.PUBLIC.MV')?.tags).toBeUndefined()
    const selects = endpoint.executed().filter((text) => text.startsWith('SELECT'))
    expect(selects.slice(0, 4)).toEqual([
      `SELECT DATABASE_NAME, DATABASE_OWNER, COMMENT FROM "SALES".INFORMATION_SCHEMA.DATABASES WHERE DATABASE_NAME = 'SALES'`,
      `SELECT SCHEMA_NAME, SCHEMA_OWNER, COMMENT FROM "SALES".INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME IN ('PUBLIC')`,
      `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_OWNER, COMMENT FROM "SALES".INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA IN ('PUBLIC')`,
      `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COMMENT FROM "SALES".INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA IN ('PUBLIC') ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    ])
    // The database and its schemas in one query, then two tables asked for, one per tag query
    // (tagBatchSize 1); the materialized view was not asked for.
    const tagQueries = selects.slice(4)
    expect(tagQueries).toHaveLength(3)
    expect(tagQueries[0]).toBe(
      [
        `SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE, LEVEL, OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME, DOMAIN, COLUMN_NAME FROM TABLE("SALES".INFORMATION_SCHEMA.TAG_REFERENCES('"SALES"', 'database'))`,
        `SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE, LEVEL, OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME, DOMAIN, COLUMN_NAME FROM TABLE("SALES".INFORMATION_SCHEMA.TAG_REFERENCES('"SALES"."PUBLIC"', 'schema'))`,
      ].join('\nUNION ALL\n'),
    )
    expect(tagQueries[1]).toContain(`TAG_REFERENCES_ALL_COLUMNS('"SALES"."PUBLIC"."ORDERS"', 'table')`)
    expect(tagQueries[2]).toContain(`TAG_REFERENCES_ALL_COLUMNS('"SALES"."PUBLIC"."V_ORDERS"', 'table')`)
    // Tag definitions: one SHOW for the whole database, never one per object or per tag.
    expect(endpoint.executed().filter((text) => text.startsWith('SHOW'))).toEqual(['SHOW TAGS IN DATABASE "SALES"'])
  })

  test('with tagReadBack account_usage, one ACCOUNT_USAGE.TAG_REFERENCES query per database replaces the per-table ones', async () => {
    const { endpoint, client } = await open(
      (text) => {
        if (text.includes('INFORMATION_SCHEMA.DATABASES')) return { rows: [{ DATABASE_NAME: 'SALES', DATABASE_OWNER: 'SYSADMIN', COMMENT: null }] }
        if (text.includes('INFORMATION_SCHEMA.TABLES')) return { rows: [{ TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'ORDERS', TABLE_TYPE: 'BASE TABLE', TABLE_OWNER: 'LOADER', COMMENT: null }] }
        if (text.includes('INFORMATION_SCHEMA.COLUMNS')) return { rows: [{ TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'ORDERS', COLUMN_NAME: 'EMAIL', COMMENT: null }] }
        if (text.includes('ACCOUNT_USAGE.TAG_REFERENCES'))
          return { rows: [{ TAG_DATABASE: 'GOV', TAG_SCHEMA: 'TAGS', TAG_NAME: 'PII', TAG_VALUE: 'email', LEVEL: 'COLUMN', OBJECT_DATABASE: 'SALES', OBJECT_SCHEMA: 'PUBLIC', OBJECT_NAME: 'ORDERS', DOMAIN: 'COLUMN', COLUMN_NAME: 'EMAIL' }] }
        return undefined
      },
      { tagReadBack: 'account_usage' },
    )
    const snapshot = await client.readBack([{ level: 'column', service, database: 'SALES', schema: 'PUBLIC', table: 'ORDERS', column: 'EMAIL' }])
    expect(snapshot.get('snow.SALES.PUBLIC.ORDERS.EMAIL')?.tags).toEqual([{ key: 'PII', value: 'email' }])
    const tagQueries = endpoint.executed().filter((text) => text.includes('TAG_REFERENCES'))
    expect(tagQueries).toEqual([
      `SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE, DOMAIN AS LEVEL, OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME, DOMAIN, COLUMN_NAME FROM SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES WHERE OBJECT_DATABASE = 'SALES' AND OBJECT_DELETED IS NULL`,
    ])
  })

  test('lists databases (SHOW TERSE DATABASES, Snowflake\'s own left out) and the schemas of one', async () => {
    const { client } = await open((text) => {
      if (text === 'SHOW TERSE DATABASES') return { rows: [{ created_on: '2026-01-01', name: 'SALES', kind: 'STANDARD' }, { created_on: '2026-01-01', name: 'SNOWFLAKE', kind: 'APPLICATION' }] }
      if (text.includes('"SALES".INFORMATION_SCHEMA.SCHEMATA')) return { rows: [{ SCHEMA_NAME: 'PUBLIC' }, { SCHEMA_NAME: 'raw data' }] }
      return undefined
    })
    expect(await client.listDatabases?.()).toEqual(['SALES'])
    expect(await client.listSchemas?.('SALES')).toEqual(['PUBLIC', 'raw data'])
  })

  test('a database Snowflake does not know is absent from the snapshot, not an error', async () => {
    const { client } = await open((text) => (text.includes('"GHOST"') ? { error: { code: '002003', message: "Database 'GHOST' does not exist or not authorized.", sqlState: '02000' } } : undefined))
    const snapshot = await client.readBack([{ level: 'schema', service, database: 'GHOST', schema: 'PUBLIC' }])
    expect(snapshot.size).toBe(0)
  })

  test('an endpoint that is not there fails the units as a coded connection failure', async () => {
    endpoint = await startSnowflakeEndpoint()
    const url = endpoint.url
    await endpoint.close()
    endpoint = undefined
    const connection = snowflakeConnector.connectionSchema.parse({ account: 'revmeta_test', accessUrl: url, username: 'loader', password: 's3cret-pw', maxRetries: 0 })
    client = await snowflakeConnector.createClient(connection, { service, dialect: snowflakeConnector.createDialect(connection) })
    const results = await client.execute('SALES', [[sql(`COMMENT ON DATABASE "SALES" IS 'a'`)], [sql(`COMMENT ON DATABASE "SALES" IS 'b'`)]])
    for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } })
    expect(JSON.stringify(results.map((result) => (result.ok ? null : result.error.toJSON())))).not.toContain('s3cret-pw')
  })
})
