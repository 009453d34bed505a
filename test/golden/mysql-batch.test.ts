import { describe, expect, it } from 'vitest'
import type { Statement } from '../../src/connectors/connector.js'
import { executeMysqlBatches, markedScript, unitMarker, type ScriptOutcome } from '../../src/connectors/mysql/mysql-batch.js'
import { classifyMysqlError } from '../../src/connectors/mysql/mysql-errors.js'
import { codes } from '../support/results.js'

const sql = (text: string, database = 'shop'): Statement => ({ kind: 'sql', database, sql: text })

/**
 * A stand-in for the server: runs a script statement by statement, as MySQL does with
 * multiStatements, stopping at the first statement whose text says FAIL or LOST.
 */
function fakeServer() {
  const ran: string[] = []
  const scripts: string[] = []
  const runScript = async (script: string): Promise<ScriptOutcome> => {
    scripts.push(script)
    const done = new Set<number>()
    for (const statement of script.split('\n;').map((s) => s.trim()).filter((s) => s !== '')) {
      const marker = new RegExp(`^SELECT (\\d+) AS ${unitMarker}$`).exec(statement)
      if (marker) {
        done.add(Number(marker[1]))
        continue
      }
      if (statement.includes('FAIL')) return { done, error: Object.assign(new Error(`Table 'shop.${statement}' doesn't exist`), { errno: 1146, code: 'ER_NO_SUCH_TABLE', sqlState: '42S02' }) }
      if (statement.includes('LOST')) return { done, error: Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }) }
      ran.push(statement)
    }
    return { done }
  }
  return { ran, scripts, runScript }
}

const classify = (error: unknown) => classifyMysqlError(error, { engine: 'mysql', phase: 'query', database: 'shop', host: '127.0.0.1', port: 3306 })

describe('executeMysqlBatches', () => {
  it('closes every unit with a numbered marker, each statement on its own line', () => {
    expect(markedScript([[sql('A')], [sql('B -- note'), sql('C')]])).toBe(`A\n;\nSELECT 0 AS ${unitMarker}\n;\nB -- note\n;\nC\n;\nSELECT 1 AS ${unitMarker}\n;`)
  })

  it('runs everything in one round trip when nothing fails', async () => {
    const server = fakeServer()
    const results = await executeMysqlBatches([[sql('A')], [sql('B')], [], [sql('C')]], { database: 'shop', batchSize: 200, runScript: server.runScript, classify })
    expect(codes(results)).toEqual(['ok', 'ok', 'ok', 'ok'])
    expect(server.scripts).toHaveLength(1)
    expect(server.ran).toEqual(['A', 'B', 'C'])
  })

  it('pins a failure on its unit, never re-runs what committed, and sends the rest again', async () => {
    const server = fakeServer()
    const units = [[sql('A')], [sql('FAIL1')], [sql('B')], [sql('C'), sql('FAIL2')], [sql('D')]]
    const results = await executeMysqlBatches(units, { database: 'shop', batchSize: 200, runScript: server.runScript, classify })
    expect(codes(results)).toEqual(['ok', 'OBJECT_NOT_FOUND', 'ok', 'OBJECT_NOT_FOUND', 'ok'])
    // Each statement ran once; C committed although its unit failed (DDL is not transactional).
    expect(server.ran).toEqual(['A', 'B', 'C', 'D'])
    expect(server.scripts).toHaveLength(3)
    const failed = results[1]!
    expect(failed.ok ? undefined : failed.error.message).toContain('FAIL1')
  })

  it('splits by statement count without splitting a unit', async () => {
    const server = fakeServer()
    const units = [[sql('A'), sql('B')], [sql('C')], [sql('D'), sql('E'), sql('F')], [sql('G')]]
    const results = await executeMysqlBatches(units, { database: 'shop', batchSize: 2, runScript: server.runScript, classify })
    expect(codes(results)).toEqual(['ok', 'ok', 'ok', 'ok'])
    expect(server.scripts.map((script) => script.split('\n;').filter((s) => /^\s*[A-G]$/.test(s)).length)).toEqual([2, 1, 3, 1])
  })

  it('stops after a lost connection: the rest fail as retryable without being sent', async () => {
    const server = fakeServer()
    const units = [[sql('A')], [sql('LOST')], [sql('B')], [sql('C')]]
    const results = await executeMysqlBatches(units, { database: 'shop', batchSize: 1, runScript: server.runScript, classify })
    expect(codes(results)).toEqual(['ok', 'CONNECTION_FAILED', 'CONNECTION_FAILED', 'CONNECTION_FAILED'])
    expect(results.every((result) => result.ok || result.error.retryable)).toBe(true)
    expect(server.ran).toEqual(['A'])
    expect(server.scripts).toHaveLength(2)
  })

  it('refuses a statement for another database without sending it', async () => {
    const server = fakeServer()
    const results = await executeMysqlBatches([[sql('A')], [sql('B', 'other')]], { database: 'shop', batchSize: 200, runScript: server.runScript, classify })
    expect(codes(results)).toEqual(['ok', 'INTERNAL'])
    expect(server.ran).toEqual(['A'])
  })

  it('fails units whose marker never came back although the script ended cleanly', async () => {
    const results = await executeMysqlBatches([[sql('A')], [sql('B')]], { database: 'shop', batchSize: 200, runScript: async () => ({ done: new Set([0]) }), classify })
    expect(codes(results)).toEqual(['ok', 'SQL_FAILED'])
  })
})

describe('classifyMysqlError', () => {
  const error = (fields: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), fields)
  const cases: [string, Record<string, unknown>, string, boolean][] = [
    ['lock wait timeout', { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }, 'LOCK_TIMEOUT', true],
    ['deadlock', { errno: 1213, code: 'ER_LOCK_DEADLOCK' }, 'LOCK_TIMEOUT', true],
    ['no such table', { errno: 1146, code: 'ER_NO_SUCH_TABLE' }, 'OBJECT_NOT_FOUND', false],
    ['unknown database', { errno: 1049, code: 'ER_BAD_DB_ERROR' }, 'OBJECT_NOT_FOUND', false],
    ['unknown column', { errno: 1054, code: 'ER_BAD_FIELD_ERROR' }, 'OBJECT_NOT_FOUND', false],
    ['table access denied', { errno: 1142, code: 'ER_TABLEACCESS_DENIED_ERROR' }, 'PRIVILEGE', false],
    ['database access denied', { errno: 1044, code: 'ER_DBACCESS_DENIED_ERROR' }, 'PRIVILEGE', false],
    ['wrong password', { errno: 1045, code: 'ER_ACCESS_DENIED_ERROR', fatal: true }, 'CONNECTION_FAILED', false],
    ['connection refused', { errno: -111, code: 'ECONNREFUSED' }, 'CONNECTION_FAILED', true],
    ['connection reset', { code: 'ECONNRESET' }, 'CONNECTION_FAILED', true],
    ['connection lost', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'CONNECTION_FAILED', true],
    ['a view', { errno: 1347, code: 'ER_WRONG_OBJECT' }, 'UNSUPPORTED', false],
    ['comment too long', { errno: 1628, code: 'ER_TOO_LONG_TABLE_COMMENT' }, 'VALUE_TOO_LONG', false],
    ['syntax error', { errno: 1064, code: 'ER_PARSE_ERROR' }, 'SQL_FAILED', false],
  ]
  for (const [name, fields, code, retryable] of cases) {
    it(`classifies ${name}`, () => {
      const coded = classifyMysqlError(error(fields), { engine: 'mysql', phase: 'query', database: 'shop' })
      expect([coded.code, coded.retryable]).toEqual([code, retryable])
    })
  }

  it('keeps the server words and codes, and never a password', () => {
    const coded = classifyMysqlError(error({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000', sqlMessage: "Access denied for 'root' using s3cret" }), {
      engine: 'mysql',
      phase: 'connect',
      host: 'db',
      port: 3306,
      secrets: ['s3cret'],
    })
    expect(coded.message).toBe("Cannot connect to mysql (db:3306): Access denied for 'root' using *** [errno 1045, SQLSTATE 28000]")
    expect(coded.details).toMatchObject({ errno: 1045, sqlstate: '28000', driverCode: 'ER_ACCESS_DENIED_ERROR' })
    expect(JSON.stringify(coded.toJSON())).not.toContain('s3cret')
  })

  it('treats an unknown failure to connect as permanent', () => {
    expect(classifyMysqlError(new Error('self-signed certificate'), { engine: 'mysql', phase: 'connect' }).retryable).toBe(false)
  })
})
