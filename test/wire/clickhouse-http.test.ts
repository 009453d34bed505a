import { displayOf } from '../../src/model/statement.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ClickhouseDialect, columnHosts } from '../../src/connectors/clickhouse/clickhouse-dialect.js'
import { columnsSql, databasesSql, tablesSql } from '../../src/connectors/clickhouse/clickhouse-read-back.js'
import { clickhouseConnector } from '../../src/connectors/clickhouse/index.js'
import type { ConnectorClient, Statement, UnitResult } from '../../src/connectors/connector.js'
import { clickhouseHostile } from '../support/clickhouse-cases.js'
import { startClickhouseHttpEndpoint, type CapturedRequest, type ClickhouseHttpEndpoint, type Reply } from '../support/clickhouse-http-endpoint.js'
import { codes } from '../support/results.js'
import { targetBuilders } from '../support/targets.js'

const service = 'ch'
const password = 's3cr3t-pa$$'
const { schema, rel, col } = targetBuilders({ service, database: 'default' })

let endpoint: ClickhouseHttpEndpoint
let answer: (request: CapturedRequest) => Reply = () => ({ ok: true })
let dir: string
const clients: ConnectorClient[] = []

async function open(extra: Record<string, unknown> = {}): Promise<{ client: ConnectorClient; dialect: ClickhouseDialect }> {
  const connection = clickhouseConnector.connectionSchema.parse({ url: endpoint.url, username: 'revmeta', password, database: 'analytics', lockTimeoutMs: 4500, ...extra })
  const dialect = clickhouseConnector.createDialect(connection) as ClickhouseDialect
  const client = await clickhouseConnector.createClient(connection, { service, dialect })
  clients.push(client)
  return { client, dialect }
}

const failure = (result: UnitResult | undefined) => (result === undefined || result.ok ? undefined : result.error)
const serverError = (code: number, type: string, message: string, status = 500): Reply => ({ error: { code, type, message, status } })

beforeAll(async () => {
  endpoint = await startClickhouseHttpEndpoint((request) => answer(request))
  dir = await mkdtemp(path.join(tmpdir(), 'revmeta-ch-wire-'))
})

beforeEach(() => {
  endpoint.requests.length = 0
  answer = () => ({ ok: true })
})

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()))
  await endpoint?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('ClickHouse over HTTP with the official client (wire)', () => {
  it('sends one statement per request, in order, with the database, settings and user in the query string and headers', async () => {
    const { client, dialect } = await open()
    const units: Statement[][] = [dialect.renderDescription(schema('sales'), 'Sales'), dialect.renderDescription(rel('orders'), 'Orders'), [], dialect.renderDescription(col('orders', 'id'), 'Key')]
    expect(codes(await client.execute('default', units))).toEqual(['ok', 'ok', 'ok', 'ok'])

    expect(endpoint.requests.map((r) => r.body)).toEqual([
      "ALTER DATABASE `sales` MODIFY COMMENT 'Sales'",
      "ALTER TABLE `sales`.`orders` MODIFY COMMENT 'Orders'",
      "ALTER TABLE `sales`.`orders` COMMENT COLUMN `id` 'Key'",
    ])
    for (const request of endpoint.requests) {
      expect(request.method).toBe('POST')
      expect(request.path).toBe('/')
      expect([...request.params.keys()].sort()).toEqual(['database', 'lock_acquire_timeout', 'query_id', 'wait_end_of_query'])
      expect(request.params.get('wait_end_of_query')).toBe('1')
      expect(request.params.get('database')).toBe('analytics')
      // 4500 ms waits at least as long: 5 s.
      expect(request.params.get('lock_acquire_timeout')).toBe('5')
      const auth = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8')
      expect(auth).toBe(`revmeta:${password}`)
      expect(request.headers['user-agent']).toMatch(/^revmeta clickhouse-js\//)
    }
  })

  it('adds ON CLUSTER when configured', async () => {
    const { client, dialect } = await open({ onCluster: 'prod' })
    await client.execute('default', [dialect.renderDescription(rel('orders'), 'x')])
    expect(endpoint.requests.map((r) => r.body)).toEqual(["ALTER TABLE `sales`.`orders` ON CLUSTER `prod` MODIFY COMMENT 'x'"])
    // The server gives up on slow hosts just before the 30 s request timeout would.
    expect(endpoint.requests[0]?.params.get('distributed_ddl_task_timeout')).toBe('29')
    expect(endpoint.requests[0]?.params.get('wait_end_of_query')).toBe('1')
  })

  it('sends hostile values byte for byte as the dialect rendered them', async () => {
    const { client, dialect } = await open()
    const units = Object.keys(clickhouseHostile).map((key) => dialect.renderDescription(col('hostile', key), clickhouseHostile[key]!))
    expect(codes(await client.execute('default', units))).toEqual(units.map(() => 'ok'))
    expect(endpoint.requests.map((r) => r.body)).toEqual(units.map((unit) => displayOf(unit[0]!)))
    expect(endpoint.requests.every((r) => !/[\x00-\x1f]/.test(r.body))).toBe(true)
  })

  it('reads back through system tables with one bound Array(String) parameter per query', async () => {
    const { client } = await open()
    answer = (request) => {
      if (request.body.startsWith(databasesSql)) return { rows: [{ name: 'sales', comment: 'Sales' }, { name: "we'ird\\db", comment: '' }] }
      if (request.body.startsWith(tablesSql)) {
        return {
          rows: [
            { database: 'sales', name: 'orders', engine: 'MergeTree', uuid: 'u1', comment: 'Orders' },
            { database: 'sales', name: 'orders_v', engine: 'View', uuid: 'u2', comment: '' },
            { database: 'sales', name: 'orders_mv', engine: 'MaterializedView', uuid: 'u3', comment: 'MV' },
            { database: 'sales', name: '.inner_id.u3', engine: 'MergeTree', uuid: 'u4', comment: '' },
            { database: 'sales', name: 'dict', engine: 'Dictionary', uuid: 'u5', comment: '' },
          ],
        }
      }
      if (request.body.startsWith(columnsSql)) {
        return {
          rows: [
            { database: 'sales', table: 'orders', name: 'id', comment: 'Key' },
            { database: 'sales', table: 'orders_mv', name: 'id', comment: '' },
            { database: 'sales', table: 'dict', name: 'id', comment: '' },
          ],
        }
      }
      return serverError(62, 'SYNTAX_ERROR', 'unexpected query', 400)
    }
    const weird = targetBuilders({ service, database: 'default' }).schema("we'ird\\db").asset
    const snapshot = await client.readBack([weird, rel('orders').asset, col('orders', 'id').asset, col('orders_mv', 'id').asset])

    expect(endpoint.requests.map((r) => r.body)).toEqual([databasesSql, tablesSql, columnsSql].map((sql) => `${sql} \nFORMAT JSONEachRow`))
    for (const request of endpoint.requests) {
      expect(request.params.get('param_dbs')).toBe("['we\\'ird\\\\db','sales']")
      expect([...request.params.keys()].sort()).toEqual(['database', 'lock_acquire_timeout', 'param_dbs', 'query_id'])
      expect(request.params.get('database')).toBe('analytics')
    }
    expect(Object.fromEntries(snapshot)).toEqual({
      'ch.default': { objectType: 'database', description: null },
      'ch.default.sales': { objectType: 'schema', description: 'Sales' },
      "ch.default.we'ird\\db": { objectType: 'schema', description: null },
      'ch.default.sales.orders': { objectType: 'table', description: 'Orders' },
      'ch.default.sales.orders_v': { objectType: 'view', description: null },
      'ch.default.sales.orders_mv': { objectType: 'materialized_view', description: 'MV' },
      'ch.default.sales.".inner_id.u3"': { objectType: 'table', description: null },
      'ch.default.sales.dict': { objectType: 'table', description: null },
      'ch.default.sales.orders.id': { objectType: 'column', description: 'Key', definition: 'MergeTree' },
      'ch.default.sales.orders_mv.id': { objectType: 'column', description: null, definition: columnHosts.innerMaterializedView },
      'ch.default.sales.dict.id': { objectType: 'column', description: null, definition: columnHosts.dictionary },
    })
  })

  it('asks only the system tables the assets need', async () => {
    const { client } = await open()
    answer = () => ({ rows: [] })
    // A schema asked for is read whole (its tables and columns), as every engine does: ingestion relies on it.
    await client.readBack([schema('sales').asset])
    expect(endpoint.requests.map((r) => /FROM (\S+)/.exec(r.body)?.[1])).toEqual(['system.databases', 'system.tables', 'system.columns'])
    endpoint.requests.length = 0
    await client.readBack([targetBuilders({ service, database: 'default' }).database().asset])
    expect(endpoint.requests).toEqual([])
  })
})

describe('ClickHouse HTTP errors (wire)', () => {
  const cases: [string, Reply, string, boolean][] = [
    ['missing table', serverError(60, 'UNKNOWN_TABLE', 'Table sales.missing does not exist', 404), 'OBJECT_NOT_FOUND', false],
    ['missing database', serverError(81, 'UNKNOWN_DATABASE', 'Database nowhere does not exist', 404), 'OBJECT_NOT_FOUND', false],
    ['missing column', serverError(16, 'NO_SUCH_COLUMN_IN_TABLE', 'There is no column nope in table', 404), 'OBJECT_NOT_FOUND', false],
    ['access denied', serverError(497, 'ACCESS_DENIED', 'revmeta: Not enough privileges. To execute this query, it is necessary to have the grant ALTER MODIFY COMMENT ON sales.orders', 403), 'PRIVILEGE', false],
    ['readonly user', serverError(164, 'READONLY', 'revmeta: Cannot execute query in readonly mode', 403), 'PRIVILEGE', false],
    ['timeout', serverError(159, 'TIMEOUT_EXCEEDED', 'Watching task /clickhouse/task_queue/ddl/query-0000000001 is executing longer than distributed_ddl_task_timeout'), 'LOCK_TIMEOUT', true],
    ['lock wait', serverError(473, 'DEADLOCK_AVOIDED', 'Locking attempt on "sales.orders" has timed out! (5000 ms) Possible deadlock avoided. Client should retry'), 'LOCK_TIMEOUT', true],
    ['engine cannot comment', serverError(48, 'NOT_IMPLEMENTED', "Alter of type 'COMMENT_COLUMN' is not supported by storage Dictionary"), 'UNSUPPORTED', false],
    ['too long', serverError(229, 'QUERY_IS_TOO_LARGE', 'The resulting metadata of table sales.orders (300000 bytes) would exceed max_query_size (262144)'), 'VALUE_TOO_LONG', false],
    ['too long, older servers', serverError(62, 'SYNTAX_ERROR', 'Syntax error: failed at position 262145: Max query size exceeded', 400), 'VALUE_TOO_LONG', false],
    ['syntax', serverError(62, 'SYNTAX_ERROR', 'Syntax error: failed at position 1', 400), 'SQL_FAILED', false],
  ]
  for (const [name, reply, code, retryable] of cases) {
    it(`classifies ${name} as ${code}, and the other units still run`, async () => {
      const { client, dialect } = await open()
      answer = (request) => (request.body.includes('`bad`') ? reply : { ok: true })
      const units = [dialect.renderDescription(rel('orders'), 'a'), dialect.renderDescription(rel('bad'), 'b'), dialect.renderDescription(rel('orders'), 'c')]
      const results = await client.execute('default', units)
      expect(codes(results)).toEqual(['ok', code, 'ok'])
      expect(failure(results[1])?.retryable).toBe(retryable)
      expect(failure(results[1])?.details).toMatchObject({ engine: 'clickhouse', mode: 'http', serverCode: (reply as { error: { code: number } }).error.code })
      expect(endpoint.requests).toHaveLength(3)
    })
  }

  it('never shows the password, even when the server echoes it', async () => {
    const { client, dialect } = await open()
    answer = () => serverError(516, 'AUTHENTICATION_FAILED', `revmeta: Authentication failed: password ${password} is incorrect`, 403)
    const results = await client.execute('default', [dialect.renderDescription(rel('orders'), 'a'), dialect.renderDescription(rel('orders'), 'b')])
    // Wrong credentials stay wrong: not retryable, and the second unit is not sent.
    expect(codes(results)).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED'])
    expect(failure(results[0])?.retryable).toBe(false)
    expect(endpoint.requests).toHaveLength(1)
    const text = JSON.stringify(results.map((r) => failure(r)?.toJSON()))
    expect(text).not.toContain(password)
    expect(text).toContain('password *** is incorrect')
  })

  it('reports a busy server as retryable and does not send the rest', async () => {
    const { client, dialect } = await open()
    answer = () => serverError(202, 'TOO_MANY_SIMULTANEOUS_QUERIES', 'Too many simultaneous queries. Maximum: 100')
    const results = await client.execute('default', [dialect.renderDescription(rel('a'), 'x'), dialect.renderDescription(rel('b'), 'y')])
    expect(codes(results)).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED'])
    expect(results.map((r) => failure(r)?.retryable)).toEqual([true, true])
    expect(failure(results[1])?.message).toMatch(/^Not attempted/)
    expect(endpoint.requests).toHaveLength(1)
  })

  it('turns a request timeout into a retryable connection failure', async () => {
    const { client, dialect } = await open({ requestTimeoutMs: 300 })
    answer = (request) => (request.body.includes('`slow`') ? { hang: true } : { ok: true })
    const results = await client.execute('default', [dialect.renderDescription(rel('slow'), 'x')])
    expect(codes(results)).toEqual(['CONNECTION_FAILED'])
    expect(failure(results[0])?.retryable).toBe(true)
  })

  it('fails a refused connection as retryable, without the password, and without trying the rest', async () => {
    const port = await freePort()
    const connection = clickhouseConnector.connectionSchema.parse({ url: `http://127.0.0.1:${port}`, username: 'revmeta', password })
    const dialect = clickhouseConnector.createDialect(connection)
    const client = await clickhouseConnector.createClient(connection, { service, dialect })
    clients.push(client)
    const results = await client.execute('default', [dialect.renderDescription(rel('a'), 'x'), dialect.renderDescription(rel('b'), 'y')])
    expect(codes(results)).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED'])
    expect(failure(results[0])).toMatchObject({ retryable: true, details: { errno: 'ECONNREFUSED' } })
    expect(failure(results[0])?.message).toMatch(/^Cannot reach ClickHouse \(http:\/\/127\.0\.0\.1:\d+\/\)/)
    expect(JSON.stringify(results.map((r) => failure(r)?.toJSON()))).not.toContain(password)
    await expect(client.readBack([rel('a').asset])).rejects.toMatchObject({ code: 'CONNECTION_FAILED' })
  })

  it('classifies a failing read-back', async () => {
    const { client } = await open()
    answer = () => serverError(497, 'ACCESS_DENIED', 'revmeta: Not enough privileges. To execute this query, it is necessary to have the grant SELECT(name, comment) ON system.databases', 403)
    await expect(client.readBack([schema('sales').asset])).rejects.toMatchObject({ code: 'PRIVILEGE' })
  })

  it('reads the password from passwordFile, without its trailing newline', async () => {
    const file = path.join(dir, 'password')
    await writeFile(file, 'from-file\n')
    const { client, dialect } = await open({ password: undefined, passwordFile: file })
    await client.execute('default', [dialect.renderDescription(rel('orders'), 'x')])
    expect(Buffer.from((endpoint.requests[0]?.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8')).toBe('revmeta:from-file')
    await expect(open({ password: undefined, passwordFile: path.join(dir, 'missing') })).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
  })
})

/** A port nothing listens on: bound once by us, then released. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
