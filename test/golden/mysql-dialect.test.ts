import { displayOf } from '../../src/model/statement.js'
import { describe, expect, it } from 'vitest'
import type { ObjectType } from '../../src/connectors/connector.js'
import { mysqlConnector } from '../../src/connectors/mysql/index.js'
import { MysqlDialect } from '../../src/connectors/mysql/mysql-dialect.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { codeOf, sqlOf } from '../support/results.js'
import { targetBuilders } from '../support/targets.js'

const plain = new MysqlDialect({ sqlMode: 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION' })
const nbe = new MysqlDialect({ sqlMode: 'STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES' })
const ansi = new MysqlDialect({ sqlMode: 'REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI' })
const mariadb = new MysqlDialect({ sqlMode: '', version: '10.11.19-MariaDB-0+deb12u1' })

// OpenMetadata names a MySQL table service.default.<mysql database>.<table>.
const { asset, target, database, schema, rel, col } = targetBuilders({ service: 'svc', database: 'default' })
const column = (definition?: string, name = 'id') => ({ ...col('orders', name), ...(definition !== undefined ? { definition } : {}) })

/** MySQL's lexer for a single-quoted literal, from the manual's table of escape sequences. */
function decodeLiteral(literal: string, backslashEscapes: boolean): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true)
  const body = literal.slice(1, -1)
  const escapes: Record<string, string> = { '0': '\0', n: '\n', r: '\r', Z: '\x1a', t: '\t', b: '\b' }
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (ch === "'") {
      if (body[i + 1] !== "'") throw new Error(`lone quote at ${i}`)
      out += "'"
      i++
    } else if (ch === '\\' && backslashEscapes) {
      const next = body[++i]
      if (next === undefined) throw new Error('dangling backslash')
      out += escapes[next] ?? (next === '%' || next === '_' ? `\\${next}` : next)
    } else out += ch
  }
  return out
}

describe('MysqlDialect statements', () => {
  it('comments tables in the MySQL database named by the catalog schema', () => {
    expect(plain.renderDescription(rel('orders'), 'Orders')).toEqual([{ kind: 'sql', database: 'sales', sql: "ALTER TABLE `sales`.`orders` COMMENT = 'Orders'" }])
    expect(sqlOf(plain.renderDescription(rel('orders', 'partitioned_table'), 'P'))).toEqual(["ALTER TABLE `sales`.`orders` COMMENT = 'P'"])
    expect(sqlOf(plain.renderDescription(rel('orders'), null))).toEqual(["ALTER TABLE `sales`.`orders` COMMENT = ''"])
    expect(sqlOf(plain.renderDescription(rel('orders'), ''))).toEqual(["ALTER TABLE `sales`.`orders` COMMENT = ''"])
  })

  it('restates a column from its definition with only the comment changed', () => {
    const definition = "`id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'old'"
    expect(plain.renderDescription(column(definition), "it's new")).toEqual([
      { kind: 'sql', database: 'sales', sql: "ALTER TABLE `sales`.`orders` MODIFY COLUMN `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'it''s new'" },
    ])
    expect(sqlOf(plain.renderDescription(column('`id` int(11) NOT NULL'), null))).toEqual(["ALTER TABLE `sales`.`orders` MODIFY COLUMN `id` int(11) NOT NULL COMMENT ''"])
    expect(sqlOf(nbe.renderDescription(column('`id` int(11) NOT NULL'), 'a\\b'))).toEqual(["ALTER TABLE `sales`.`orders` MODIFY COLUMN `id` int(11) NOT NULL COMMENT 'a\\b'"])
    expect(sqlOf(plain.renderDescription(column('`id` int(11) NOT NULL'), 'a\\b'))).toEqual(["ALTER TABLE `sales`.`orders` MODIFY COLUMN `id` int(11) NOT NULL COMMENT 'a\\\\b'"])
    expect(sqlOf(ansi.renderDescription(column('"id" int(11) NOT NULL'), 'x'))).toEqual(["ALTER TABLE `sales`.`orders` MODIFY COLUMN \"id\" int(11) NOT NULL COMMENT 'x'"])
  })

  it('refuses a column without a definition (offline) with UNSUPPORTED, naming the reason', () => {
    expect(codeOf(() => plain.renderDescription(column(), 'x'))).toBe('UNSUPPORTED')
    expect(() => plain.renderDescription(column(), 'x')).toThrow(/SHOW CREATE TABLE/)
    expect(codeOf(() => plain.renderDescription(column('`other` int'), 'x'))).toBe('UNSUPPORTED')
  })

  it('refuses what MySQL cannot hold: views, the catalog database, schemas on MySQL, owners', () => {
    expect(codeOf(() => plain.renderDescription(rel('orders_v', 'view'), 'x'))).toBe('UNSUPPORTED')
    expect(codeOf(() => plain.renderDescription(database(), 'x'))).toBe('UNSUPPORTED')
    expect(codeOf(() => plain.renderDescription(schema('sales'), 'x'))).toBe('UNSUPPORTED')
    expect(codeOf(() => plain.renderOwner(rel('orders'), 'alice'))).toBe('UNSUPPORTED')
    expect(codeOf(() => plain.renderOwner(schema('sales'), 'alice'))).toBe('UNSUPPORTED')
  })

  it('comments databases on MariaDB 10.5 and later only', () => {
    expect(sqlOf(mariadb.renderDescription(schema('sales'), 'Sales'))).toEqual(["ALTER DATABASE `sales` COMMENT = 'Sales'"])
    expect(mariadb.renderDescription(schema('sales'), null)[0]).toMatchObject({ kind: 'sql', database: 'sales' })
    expect(new MysqlDialect({ version: '10.4.34-MariaDB' }).capabilities.descriptionLevels).toEqual(['table', 'column'])
    expect(new MysqlDialect({ version: '11.4.2-MariaDB' }).capabilities.descriptionLevels).toEqual(['schema', 'table', 'column'])
    expect(new MysqlDialect({ version: '8.4.3' }).capabilities.descriptionLevels).toEqual(['table', 'column'])
  })

  it('refuses a target whose object type does not fit its level', () => {
    expect(codeOf(() => plain.renderDescription(target(asset({ level: 'table', schema: 's', table: 't' }), 'column'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => plain.renderDescription(target(asset({ level: 'column', schema: 's', table: 't', column: 'c' }), 'table'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => plain.renderDescription(target(asset({ level: 'table', schema: 's' }), 'table'), 'x'))).toBe('INTERNAL')
    for (const type of ['materialized_view', 'foreign_table'] as ObjectType[]) expect(codeOf(() => plain.renderDescription(rel('t', type), 'x'))).toBe('INTERNAL')
  })

  it('bounds metadata lock waits in whole seconds, rounded up', () => {
    expect(plain.sessionSetup({ lockTimeoutMs: 5000 })).toEqual(['SET SESSION lock_wait_timeout = 5', 'SET SESSION sql_quote_show_create = 1'])
    expect(plain.sessionSetup({ lockTimeoutMs: 1 })[0]).toBe('SET SESSION lock_wait_timeout = 1')
    expect(plain.sessionSetup({ lockTimeoutMs: 1500 })[0]).toBe('SET SESSION lock_wait_timeout = 2')
    expect(plain.sessionSetup({ lockTimeoutMs: 0 })[0]).toBe('SET SESSION lock_wait_timeout = 31536000')
    expect(plain.sessionSetup({ lockTimeoutMs: 2_147_483_647 })[0]).toBe('SET SESSION lock_wait_timeout = 2147484')
    expect(codeOf(() => plain.sessionSetup({ lockTimeoutMs: -1 }))).toBe('VALUE_INVALID')
    expect(codeOf(() => plain.sessionSetup({ lockTimeoutMs: 0.5 }))).toBe('VALUE_INVALID')
  })

  it('declares its capabilities', () => {
    expect(plain.name).toBe('mysql')
    expect(plain.capabilities).toEqual({
      descriptionLevels: ['table', 'column'],
      ownerLevels: [],
      tagLevels: [],
      ownerCardinality: 'one',
      maxDescriptionLength: { table: { max: 2048, unit: 'characters' }, column: { max: 1024, unit: 'characters' } },
      emptyDescriptionIsNull: true,
      readBack: true,
    })
    expect(mariadb.capabilities.maxDescriptionLength.schema).toEqual({ max: 1024, unit: 'bytes' })
  })

  it('follows the session facts, or the configured sqlMode offline', () => {
    const connection = mysqlConnector.connectionSchema.parse({})
    expect(mysqlConnector.createDialect(connection).quoteLiteral('\\')).toBe("'\\\\'")
    expect(mysqlConnector.createDialect(connection, { sqlMode: 'NO_BACKSLASH_ESCAPES', version: '8.0.36' }).quoteLiteral('\\')).toBe("'\\'")
    const forced = mysqlConnector.connectionSchema.parse({ sqlMode: 'no_backslash_escapes, ansi_quotes' })
    expect(forced.sqlMode).toBe('NO_BACKSLASH_ESCAPES,ANSI_QUOTES')
    expect(mysqlConnector.createDialect(forced).quoteLiteral('\\')).toBe("'\\'")
    expect(mysqlConnector.createDialect(connection, { sqlMode: '', version: '10.6.1-MariaDB' }).capabilities.descriptionLevels).toContain('schema')
  })
})

describe('MysqlDialect literals', () => {
  // [name, value, with backslash escapes, under NO_BACKSLASH_ESCAPES]
  const cases: [string, string, string, string][] = [
    ['single quotes', `it's 'quoted'`, `'it''s ''quoted'''`, `'it''s ''quoted'''`],
    ['double quotes', 'say "hi"', `'say "hi"'`, `'say "hi"'`],
    ['backslash', 'C:\\temp\\new', `'C:\\\\temp\\\\new'`, `'C:\\temp\\new'`],
    ['backslash before quote', `\\'`, `'\\\\'''`, `'\\'''`],
    ['trailing backslash', 'end\\', `'end\\\\'`, `'end\\'`],
    ['escape look-alikes', '\\n \\0 \\Z \\% \\_', `'\\\\n \\\\0 \\\\Z \\\\% \\\\_'`, `'\\n \\0 \\Z \\% \\_'`],
    ['dollar quotes', '$$ body $$ $tag$x$tag$ $1', `'$$ body $$ $tag$x$tag$ $1'`, `'$$ body $$ $tag$x$tag$ $1'`],
    ['newlines and CR', 'a\nb\r\nc\rd', `'a\\nb\\r\\nc\\rd'`, `'a\nb\r\nc\rd'`],
    ['tab', 'a\tb', `'a\tb'`, `'a\tb'`],
    ['Ctrl-Z', 'a\x1ab', `'a\\Zb'`, `'a\x1ab'`],
    ['NUL', 'a\0b', `'a\\0b'`, `'a\0b'`],
    ['emoji (4 bytes)', '🦄 👩‍👩‍👧', `'🦄 👩‍👩‍👧'`, `'🦄 👩‍👩‍👧'`],
    ['right-to-left and combining', 'שלום مرحبا e\u0301', `'שלום مرحبا e\u0301'`, `'שלום مرحبا e\u0301'`],
    ['SQL injection attempt', `'; DROP TABLE x; --`, `'''; DROP TABLE x; --'`, `'''; DROP TABLE x; --'`],
    ['backtick and comment markers', '` /* -- # */', `'\` /* -- # */'`, `'\` /* -- # */'`],
    ['empty', '', `''`, `''`],
  ]
  for (const [name, value, escaped, doubled] of cases) {
    it(`quotes ${name} for both sql_modes`, () => {
      expect(plain.quoteLiteral(value)).toBe(escaped)
      expect(decodeLiteral(escaped, true)).toBe(value)
      expect(nbe.quoteLiteral(value)).toBe(doubled)
      expect(decodeLiteral(doubled, false)).toBe(value)
      // ANSI_QUOTES changes nothing about single-quoted literals.
      expect(ansi.quoteLiteral(value)).toBe(escaped)
    })
  }

  it('quotes 100 kB of text exactly in both modes', () => {
    const value = `${"x'y\\z\n".repeat(20_000)}🦄`
    expect(plain.quoteLiteral(value)).toBe(`'${"x''y\\\\z\\n".repeat(20_000)}🦄'`)
    expect(decodeLiteral(plain.quoteLiteral(value), true)).toBe(value)
    expect(decodeLiteral(nbe.quoteLiteral(value), false)).toBe(value)
    const bmp = "x'y\\z ".repeat(20_000)
    expect(sqlOf(plain.renderDescription(rel('orders'), bmp))).toEqual([`ALTER TABLE \`sales\`.\`orders\` COMMENT = '${"x''y\\\\z ".repeat(20_000)}'`])
  })

  it('writes every shared hostile string so it decodes back exactly', () => {
    for (const [name, value] of Object.entries({ ...hostileBase, mixedUnicode })) {
      expect(decodeLiteral(plain.quoteLiteral(value), true), name).toBe(value)
      expect(decodeLiteral(nbe.quoteLiteral(value), false), name).toBe(value)
    }
  })

  it('never emits a double-quoted string, whatever the mode', () => {
    for (const dialect of [plain, nbe, ansi]) {
      const [statement] = dialect.renderDescription(rel('or"ders'), 'say "hi"')
      expect(statement && displayOf(statement)).toBe(`ALTER TABLE \`sales\`.\`or"ders\` COMMENT = 'say "hi"'`)
    }
  })

  it('refuses in descriptions what comments cannot keep: NUL, 4-byte characters, lone surrogates', () => {
    expect(codeOf(() => plain.renderDescription(rel('orders'), 'a\0b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => nbe.renderDescription(column('`id` int'), 'a\0b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => plain.renderDescription(rel('orders'), 'unicorn 🦄'))).toBe('VALUE_INVALID')
    expect(() => plain.renderDescription(rel('orders'), 'unicorn 🦄')).toThrow(/U\+1F984.*utf8mb3/)
    expect(codeOf(() => plain.renderDescription(column('`id` int'), '𝔘'))).toBe('VALUE_INVALID')
    expect(codeOf(() => plain.quoteLiteral('a\uD83Eb'))).toBe('VALUE_INVALID')
    expect(codeOf(() => nbe.quoteLiteral('\uDD84'))).toBe('VALUE_INVALID')
    expect(sqlOf(plain.renderDescription(rel('orders'), 'BMP only: ✓ €'))).toEqual(["ALTER TABLE `sales`.`orders` COMMENT = 'BMP only: ✓ €'"])
  })
})

describe('MysqlDialect identifiers', () => {
  it('always backticks and doubles embedded backticks', () => {
    expect(plain.quoteIdentifier('orders')).toBe('`orders`')
    expect(plain.quoteIdentifier('Mixed Case')).toBe('`Mixed Case`')
    expect(plain.quoteIdentifier('a.b')).toBe('`a.b`')
    expect(plain.quoteIdentifier('we`ird``')).toBe('`we``ird`````')
    expect(plain.quoteIdentifier(`it's "x"`)).toBe(`\`it's "x"\``)
    expect(ansi.quoteIdentifier('select')).toBe('`select`')
    expect(plain.quoteIdentifier('naïve')).toBe('`naïve`')
  })

  it('counts 64 characters, not bytes, and refuses longer names', () => {
    expect(plain.quoteIdentifier('é'.repeat(64))).toBe(`\`${'é'.repeat(64)}\``)
    expect(codeOf(() => plain.quoteIdentifier('n'.repeat(65)))).toBe('NAME_TOO_LONG')
    expect(codeOf(() => plain.renderDescription(rel('n'.repeat(65)), 'x'))).toBe('NAME_TOO_LONG')
    expect(codeOf(() => plain.renderDescription(col('t', 'c'.repeat(65)), 'x'))).toBe('NAME_TOO_LONG')
    expect(codeOf(() => plain.quoteIdentifier(''))).toBe('VALUE_INVALID')
    expect(codeOf(() => plain.quoteIdentifier('a\0b'))).toBe('VALUE_INVALID')
  })

  it('renders hostile names in every position', () => {
    const hostile = target(asset({ level: 'column', schema: 'my`db', table: 'Tab.le "x"', column: 'col umn' }), 'column')
    expect(plain.renderDescription({ ...hostile, definition: '`col umn` int' }, 'x')).toEqual([
      { kind: 'sql', database: 'my`db', sql: "ALTER TABLE `my``db`.`Tab.le \"x\"` MODIFY COLUMN `col umn` int COMMENT 'x'" },
    ])
  })
})
