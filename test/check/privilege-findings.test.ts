import { describe, expect, it } from 'vitest'
import { clickhousePrivilegeFindings, parseGrantLines } from '../../src/connectors/clickhouse/clickhouse-privileges.js'
import { ClickhouseDialect } from '../../src/connectors/clickhouse/clickhouse-dialect.js'
import { granteeOf, mysqlPrivilegeFindings } from '../../src/connectors/mysql/mysql-privileges.js'
import { MysqlDialect } from '../../src/connectors/mysql/mysql-dialect.js'
import type { PrivilegeNeed } from '../../src/model/privilege.js'

// The pure rows → findings steps, with what a demanding user's server would answer.
const hierarchy = [
  { privilege: 'ALTER COMMENT COLUMN', parent_group: 'ALTER COLUMN' },
  { privilege: 'ALTER COLUMN', parent_group: 'ALTER TABLE' },
  { privilege: 'ALTER MODIFY COMMENT', parent_group: 'ALTER TABLE' },
  { privilege: 'ALTER MODIFY DATABASE COMMENT', parent_group: 'ALTER DATABASE' },
  { privilege: 'ALTER TABLE', parent_group: 'ALTER' },
  { privilege: 'ALTER DATABASE', parent_group: 'ALTER' },
  { privilege: 'ALTER', parent_group: 'ALL' },
  { privilege: 'ALL', parent_group: null },
]
const needs: PrivilegeNeed[] = [
  { kind: 'description', level: 'schema' },
  { kind: 'description', level: 'table' },
  { kind: 'description', level: 'column' },
]
const objects = [
  { level: 'schema' as const, schema_name: 'sales', table_name: '' },
  { level: 'table' as const, schema_name: 'sales', table_name: 'orders' },
  { level: 'table' as const, schema_name: 'sales', table_name: 'odd`name' },
]
const ch = new ClickhouseDialect()
const chFindings = (grants: string[]) => clickhousePrivilegeFindings(needs, { principal: 'writer', version: '24.8' }, hierarchy, grants, objects, (n) => ch.quoteIdentifier(n)).findings

describe('ClickHouse privilege findings', () => {
  it('parses SHOW GRANTS: lists with column limits, quoted names, role grants left out', () => {
    expect(parseGrantLines(['GRANT SELECT(a, b), ALTER TABLE ON `sa``les`.`t` TO writer', 'GRANT reader TO writer', 'REVOKE ALTER MODIFY COMMENT ON sales.* FROM writer'])).toEqual([
      { revoke: false, privileges: ['ALTER TABLE'], database: 'sa`les', table: 't' },
      { revoke: true, privileges: ['ALTER MODIFY COMMENT'], database: 'sales', table: null },
    ])
  })

  it('a group above the privilege counts (ALTER on the database covers every comment in it)', () => {
    expect(chFindings(['GRANT ALTER ON sales.* TO writer']).every((f) => f.held)).toBe(true)
  })

  it('what is missing gets its own GRANT, quoted; a partial revoke takes a privilege back', () => {
    const findings = chFindings(['GRANT ALTER ON *.* TO writer', 'REVOKE ALTER MODIFY COMMENT ON sales.* FROM writer'])
    expect(findings.filter((f) => !f.held).map((f) => f.grant)).toEqual([
      'GRANT ALTER MODIFY COMMENT ON `sales`.`orders` TO `writer`;',
      'GRANT ALTER MODIFY COMMENT ON `sales`.`odd\\`name` TO `writer`;',
    ])
    expect(findings.filter((f) => f.held).map((f) => f.level)).toEqual(['schema', 'column'])
  })

  it('a column-limited grant does not pass for the whole table, and no grant at all misses everything', () => {
    expect(chFindings(['GRANT ALTER COMMENT COLUMN(id) ON sales.orders TO writer']).filter((f) => f.held && f.level !== 'schema')).toEqual([])
    expect(chFindings([]).filter((f) => f.held)).toEqual([])
  })
})

describe('MySQL privilege findings', () => {
  const dialect = new MysqlDialect()
  const quote = { identifier: (n: string) => dialect.quoteIdentifier(n), literal: (v: string) => dialect.quoteLiteral(v) }
  const rows = [
    { level: 'schema' as const, schema_name: 'shop_eu', table_name: null },
    { level: 'table' as const, schema_name: 'shop_eu', table_name: 'orders' },
    { level: 'table' as const, schema_name: 'shopXeu', table_name: 'orders' },
  ]
  const run = (grants: { scope: 'global' | 'schema' | 'table'; schema_name: string | null; table_name: string | null; grantee?: string }[], principal = "o'brien@%") =>
    mysqlPrivilegeFindings(
      [{ kind: 'description', level: 'table' }],
      { principal, version: '10.11' },
      rows,
      grants.map((g) => ({ grantee: granteeOf(principal), ...g })),
      quote,
    ).findings

  it('a database grant is a LIKE pattern: an escaped _ matches only itself', () => {
    const findings = run([{ scope: 'schema', schema_name: 'shop\\_eu', table_name: null }])
    expect(findings.filter((f) => !f.held).map((f) => f.object)).toEqual(['shopXeu.orders'])
    expect(run([{ scope: 'schema', schema_name: 'shop_eu', table_name: null }]).every((f) => f.held)).toBe(true)
  })

  it("another user's grants do not count, and the grantee is quoted in the GRANT", () => {
    const findings = run([{ scope: 'global', schema_name: null, table_name: null, grantee: "'root'@'localhost'" }])
    expect(findings.filter((f) => !f.held).map((f) => f.grant)).toEqual([
      "GRANT ALTER ON `shop_eu`.`orders` TO 'o''brien'@'%';",
      "GRANT ALTER ON `shopXeu`.`orders` TO 'o''brien'@'%';",
    ])
  })
})
