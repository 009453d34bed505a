import { beforeEach, describe, expect, it, vi } from 'vitest'
import { oracleConnector } from '../../src/connectors/oracle/index.js'
import { oracleConnectionSchema } from '../../src/connectors/oracle/oracle-connection.js'
import { oracleReadBackSql } from '../../src/connectors/oracle/oracle-read-back.js'

/**
 * The client's own logic over a recording stand-in of `oracledb` (no server runs here): the
 * session setup, the version read from the session, the read-back queries and their binds, one
 * call per DDL. The real driver is run in oracle-driver.test.ts up to a refused connection.
 */
const calls: { sql: string; binds: unknown }[] = []
const opened: Record<string, unknown>[] = []
let version = '23.4.0.24.5'
let rowsFor: (sql: string) => Record<string, unknown>[] = () => []

vi.mock('oracledb', () => {
  const api = {
    OUT_FORMAT_OBJECT: 4002,
    getConnection: async (attributes: Record<string, unknown>) => {
      opened.push(attributes)
      return {
        oracleServerVersionString: version,
        callTimeout: 0,
        execute: async (sql: string, binds: unknown) => {
          calls.push({ sql, binds })
          if (sql.includes('"MISSING"')) throw Object.assign(new Error('ORA-00942: table or view does not exist'), { code: 'ORA-00942', errorNum: 942 })
          return { rows: rowsFor(sql) }
        },
        close: async () => undefined,
      }
    },
  }
  return { ...api, default: api }
})

const connection = oracleConnectionSchema.parse({ host: 'db', user: 'u', password: 'pw', serviceName: 'FREEPDB1' })
const context = () => ({ service: 'ora', dialect: oracleConnector.createDialect(connection) })

beforeEach(() => {
  calls.length = 0
  opened.length = 0
  version = '23.4.0.24.5'
  rowsFor = () => []
})

describe('oracle client', () => {
  it('reports the session version, after the DDL lock timeout is set', async () => {
    const client = await oracleConnector.createClient(connection, context())
    expect(await client.sessionFacts!()).toEqual({ version: '23.4.0.24.5' })
    expect(calls.map((c) => c.sql)).toEqual(['ALTER SESSION SET DDL_LOCK_TIMEOUT = 5'])
    expect(opened[0]).toMatchObject({ user: 'u', connectString: 'db:1521/FREEPDB1' })
    await client.close()
  })

  it('reads one schema with four bound queries on 23ai, three (no annotations) on 19.3', async () => {
    rowsFor = (sql) => (sql === oracleReadBackSql.tables ? [{ TABLE_NAME: 'T', TABLE_TYPE: 'TABLE', COMMENTS: 'c' }] : sql === oracleReadBackSql.annotations ? [{ OBJECT_NAME: 'T', COLUMN_NAME: null, DOMAIN_NAME: null, ANNOTATION_NAME: 'PII', ANNOTATION_VALUE: 'S' }] : [])
    // The catalog shows T as t (lowered as SQLAlchemy does); the schema needs quotes and keeps its case.
    const asset = { level: 'table' as const, service: 'ora', database: 'FREEPDB1', schema: "s'x", table: 't' }
    const client = await oracleConnector.createClient(connection, context())
    const snapshot = await client.readBack([asset])
    expect(calls.slice(1)).toEqual([oracleReadBackSql.tables, oracleReadBackSql.columns, oracleReadBackSql.mviews, oracleReadBackSql.annotations].map((sql) => ({ sql, binds: { owner: "s'x" } })))
    expect(snapshot.get("ora.FREEPDB1.s'x.t")).toEqual({ objectType: 'table', description: 'c', tags: [{ key: 'PII', value: 'S' }] })
    await client.close()

    version = '19.3.0.0.0'
    calls.length = 0
    const old = await oracleConnector.createClient(connection, context())
    expect((await old.readBack([asset])).get("ora.FREEPDB1.s'x.t")).toEqual({ objectType: 'table', description: 'c' })
    expect(calls.map((c) => c.sql)).not.toContain(oracleReadBackSql.annotations)
    await old.close()
  })

  it('runs each statement on its own; an error stays with its unit, coded', async () => {
    const dialect = oracleConnector.createDialect(connection)
    const at = (table: string) => ({ asset: { level: 'table' as const, service: 'ora', database: 'FREEPDB1', schema: 'S', table }, objectType: 'table' })
    const client = await oracleConnector.createClient(connection, { service: 'ora', dialect })
    const results = await client.execute('FREEPDB1', [dialect.description.render(at('A'), 'x'), dialect.description.render(at('MISSING'), 'y'), dialect.description.render(at('B'), null)])
    expect(results.map((r) => r.ok)).toEqual([true, false, true])
    expect(results[1]).toMatchObject({ error: { code: 'OBJECT_NOT_FOUND' } })
    expect(calls.slice(1).map((c) => c.sql)).toEqual([`COMMENT ON TABLE "S"."A" IS 'x'`, `COMMENT ON TABLE "S"."MISSING" IS 'y'`, `COMMENT ON TABLE "S"."B" IS ''`])
    await client.close()
  })
})
