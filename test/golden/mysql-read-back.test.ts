import { describe, expect, it } from 'vitest'
import { MysqlDialect } from '../../src/connectors/mysql/mysql-dialect.js'
import { buildSnapshot, columnsSql, planReadBack, schemaListSql, schemataSql, showCreateTableSql, tableKey, tablesSql } from '../../src/connectors/mysql/mysql-read-back.js'
import { targetBuilders } from '../support/targets.js'

const { asset, rel, col } = targetBuilders({ service: 'svc', database: 'default' })

describe('MySQL read-back', () => {
  it('reads all schemas in bulk with placeholders, and SCHEMA_COMMENT only where it exists', () => {
    expect(tablesSql(2)).toBe(
      'SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, TABLE_TYPE AS table_type, TABLE_COMMENT AS table_comment FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?, ?)',
    )
    expect(columnsSql(1)).toContain('FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?)')
    expect(schemataSql(3, false)).toBe('SELECT SCHEMA_NAME AS schema_name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?, ?)')
    expect(schemataSql(1, true)).toContain('SCHEMA_COMMENT AS schema_comment')
    expect(showCreateTableSql(new MysqlDialect(), 'my`db', 't')).toBe('SHOW CREATE TABLE `my``db`.`t`')
  })

  it('lists the server databases without the system ones, in byte order', () => {
    expect(schemaListSql).toBe(
      "SELECT SCHEMA_NAME AS schema_name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY CAST(SCHEMA_NAME AS BINARY)",
    )
  })

  it('plans one pass over the schemas asked for, and definitions only for tables with a column asked for', () => {
    const plan = planReadBack([rel('orders').asset, col('orders', 'id').asset, col('lines', 'qty', 'other').asset, asset({ level: 'database' }), asset({ level: 'schema', schema: 'sales' })])
    expect(plan.schemas).toEqual(['sales', 'other'])
    expect([...plan.definitionTables]).toEqual([tableKey('sales', 'orders'), tableKey('other', 'lines')])
    expect([...(plan.catalogDatabases.get('sales') ?? [])]).toEqual(['default'])
  })

  it('maps rows to states keyed by FQN, with definitions on table columns only', () => {
    const plan = planReadBack([col('orders', 'id').asset, rel('orders_v').asset])
    const snapshot = buildSnapshot('svc', plan, {
      schemata: [{ schema_name: 'sales', schema_comment: 'Sales' }],
      tables: [
        { table_schema: 'sales', table_name: 'orders', table_type: 'BASE TABLE', table_comment: 'Orders' },
        { table_schema: 'sales', table_name: 'orders_v', table_type: 'VIEW', table_comment: 'VIEW' },
        { table_schema: 'sales', table_name: 'hist', table_type: 'SYSTEM VERSIONED', table_comment: '' },
        { table_schema: 'sales', table_name: 'seq', table_type: 'SEQUENCE', table_comment: '' },
        { table_schema: 'sales', table_name: 'we"ird', table_type: 'BASE TABLE', table_comment: '' },
      ],
      columns: [
        { table_schema: 'sales', table_name: 'orders', column_name: 'id', column_comment: '' },
        { table_schema: 'sales', table_name: 'orders', column_name: 'note', column_comment: 'A note' },
        { table_schema: 'sales', table_name: 'orders_v', column_name: 'id', column_comment: '' },
        { table_schema: 'sales', table_name: 'seq', column_name: 'next_not_cached_value', column_comment: '' },
      ],
      definitions: new Map([[tableKey('sales', 'orders'), new Map([['id', '`id` int NOT NULL']])]]),
    })
    expect(Object.fromEntries(snapshot)).toEqual({
      'svc.default.sales': { objectType: 'schema', description: 'Sales' },
      'svc.default.sales.orders': { objectType: 'table', description: 'Orders' },
      'svc.default.sales.orders_v': { objectType: 'view', description: null },
      'svc.default.sales.hist': { objectType: 'table', description: null },
      'svc.default.sales.orders.id': { objectType: 'column', description: null, definition: '`id` int NOT NULL' },
      'svc.default.sales.orders.note': { objectType: 'column', description: 'A note' },
      'svc.default.sales.orders_v.id': { objectType: 'column', description: null },
      'svc.default.sales.we\\"ird': { objectType: 'table', description: null },
    })
  })
})
