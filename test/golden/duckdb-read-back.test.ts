import { describe, expect, it } from 'vitest'
import type { ObjectState } from '../../src/connectors/connector.js'
import { duckdbConnectionSchema } from '../../src/connectors/duckdb/duckdb-connection.js'
import { classifyDuckdbError, isLockConflict } from '../../src/connectors/duckdb/duckdb-errors.js'
import { addDuckdbRows, type DuckdbRow } from '../../src/connectors/duckdb/duckdb-read-back.js'

describe('DuckDB read-back mapping', () => {
  it('keys tables, views and columns by FQN with the service and the catalog', () => {
    const rows: DuckdbRow[] = [
      { level: 'table', schema_name: 'main', table_name: 'Orders', column_name: null, object_type: 'table', comment: 'T' },
      { level: 'table', schema_name: 'main', table_name: 'v', column_name: null, object_type: 'view', comment: null },
      { level: 'column', schema_name: 'My.Schema', table_name: 'a b', column_name: 'c.d', object_type: null, comment: '' },
      // Names holding a double quote have FQNs (escaped as OpenMetadata escapes them): kept.
      { level: 'table', schema_name: 'main', table_name: 'say "hi"', column_name: null, object_type: 'table', comment: 'x' },
      { level: 'column', schema_name: 'main', table_name: 'Orders', column_name: '"q"', object_type: null, comment: 'x' },
    ]
    const into = new Map<string, ObjectState>()
    addDuckdbRows(into, 'lake', 'shop', rows)
    expect([...into]).toEqual([
      ['lake.shop.main.Orders', { objectType: 'table', description: 'T' }],
      ['lake.shop.main.v', { objectType: 'view', description: null }],
      ['lake.shop."My.Schema".a b."c.d"', { objectType: 'column', description: '' }],
      ['lake.shop.main.say \\"hi\\"', { objectType: 'table', description: 'x' }],
      ['lake.shop.main.Orders.\\"q\\"', { objectType: 'column', description: 'x' }],
    ])
  })
})

describe('DuckDB error classification', () => {
  const code = (message: string, phase: 'open' | 'query' = 'query') => {
    const error = classifyDuckdbError(new Error(message), { phase, path: '/x/shop.duckdb', database: 'shop' })
    return [error.code, error.retryable, error.message.includes(message)]
  }

  it('maps DuckDB error types to codes and keeps the message', () => {
    expect(code('Catalog Error: Table with name nope does not exist!\nDid you mean "x"?')).toEqual(['OBJECT_NOT_FOUND', false, true])
    expect(code('Binder Error: Table "t" does not have a column with name "nope"')).toEqual(['OBJECT_NOT_FOUND', false, true])
    expect(code('IO Error: Could not set lock on file "/x/shop.duckdb": Conflicting lock is held in /usr/bin/node (PID 1)', 'open')).toEqual(['CONNECTION_FAILED', true, true])
    expect(code('IO Error: Cannot open file "/x/shop.duckdb": No such file or directory', 'open')).toEqual(['CONNECTION_FAILED', false, true])
    expect(code('Connection Error: Can\'t open a connection to same database file with a different configuration than existing connections', 'open')).toEqual([
      'CONNECTION_FAILED',
      false,
      true,
    ])
    expect(code('Invalid Input Error: Cannot execute statement of type "ALTER" on database "shop" which is attached in read-only mode!')).toEqual(['PRIVILEGE', false, true])
    expect(code('TransactionContext Error: Catalog write-write conflict on alter with "t"')).toEqual(['SQL_FAILED', true, true])
    expect(code('Not implemented Error: Adding comments to schemas is not implemented')).toEqual(['UNSUPPORTED', false, true])
    expect(code('Parser Error: syntax error at or near "x"')).toEqual(['SQL_FAILED', false, true])
    expect(code('Failed to query: connection disconnected')).toEqual(['CONNECTION_FAILED', true, true])
    expect(isLockConflict(new Error('IO Error: Could not set lock on file "a"'))).toBe(true)
    expect(isLockConflict(new Error('Catalog Error: x'))).toBe(false)
  })
})

describe('DuckDB connection schema', () => {
  it('defaults to memory and rejects unknown keys and read-only memory', () => {
    expect(duckdbConnectionSchema.parse({})).toEqual({ path: ':memory:', readOnly: false, lockTimeoutMs: 5000, batchSize: 200 })
    expect(duckdbConnectionSchema.parse({ path: 'a.duckdb', readOnly: 'true', threads: '2' })).toMatchObject({ readOnly: true, threads: 2 })
    expect(duckdbConnectionSchema.safeParse({ host: 'x' }).success).toBe(false)
    expect(duckdbConnectionSchema.safeParse({ readOnly: true }).success).toBe(false)
    expect(duckdbConnectionSchema.safeParse({ threads: 0 }).success).toBe(false)
  })
})
