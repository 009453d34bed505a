import { describe, expect, it } from 'vitest'
import type { ObjectType } from '../../src/connectors/connector.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import { codeOf, sqlOf } from '../support/results.js'
import { salesTargets } from '../support/targets.js'

const dialect = new PostgresDialect()

const { asset, target, database, schema, relation, column } = salesTargets({ service: 'svc', database: 'shop' })

/**
 * PostgreSQL's lexer for a single-quoted literal, written from the documentation, so the golden
 * text is also proven to decode to the original under both standard_conforming_strings settings.
 */
function decodeLiteral(literal: string, standardConformingStrings: boolean): string {
  const escape = literal.startsWith("E'") || !standardConformingStrings
  const body = literal.slice(literal.startsWith("E'") ? 2 : 1, -1)
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (ch === "'") {
      if (body[i + 1] !== "'") throw new Error(`lone quote at ${i}`)
      out += "'"
      i++
    } else if (ch === '\\' && escape) {
      const next = body[i + 1]
      // The dialect never emits any other escape sequence.
      if (next !== '\\' && next !== "'") throw new Error(`unexpected escape at ${i}`)
      out += next
      i++
    } else out += ch
  }
  return out
}

describe('PostgresDialect statements', () => {
  it('comments every level and object type with the right keyword', () => {
    expect(dialect.renderDescription(database, 'Orders DB')).toEqual([{ kind: 'sql', database: 'shop', sql: `COMMENT ON DATABASE "shop" IS 'Orders DB'` }])
    expect(sqlOf(dialect.renderDescription(schema, 'Sales'))).toEqual([`COMMENT ON SCHEMA "sales" IS 'Sales'`])
    const expected: Record<string, string> = {
      table: `COMMENT ON TABLE "sales"."orders" IS 'd'`,
      partitioned_table: `COMMENT ON TABLE "sales"."orders" IS 'd'`,
      view: `COMMENT ON VIEW "sales"."orders" IS 'd'`,
      materialized_view: `COMMENT ON MATERIALIZED VIEW "sales"."orders" IS 'd'`,
      foreign_table: `COMMENT ON FOREIGN TABLE "sales"."orders" IS 'd'`,
    }
    for (const [type, sql] of Object.entries(expected)) {
      expect(dialect.renderDescription(relation(type as ObjectType), 'd')).toEqual([{ kind: 'sql', database: 'shop', sql }])
    }
    expect(sqlOf(dialect.renderDescription(column, 'Key'))).toEqual([`COMMENT ON COLUMN "sales"."orders"."id" IS 'Key'`])
  })

  it('removes a description with NULL, for null and for the empty string', () => {
    expect(sqlOf(dialect.renderDescription(column, null))).toEqual([`COMMENT ON COLUMN "sales"."orders"."id" IS NULL`])
    expect(sqlOf(dialect.renderDescription(database, ''))).toEqual([`COMMENT ON DATABASE "shop" IS NULL`])
  })

  it('changes owners per object type and refuses column owners', () => {
    expect(dialect.renderOwner(database, 'alice')).toEqual([{ kind: 'sql', database: 'shop', sql: `ALTER DATABASE "shop" OWNER TO "alice"` }])
    expect(sqlOf(dialect.renderOwner(schema, 'alice'))).toEqual([`ALTER SCHEMA "sales" OWNER TO "alice"`])
    expect(sqlOf(dialect.renderOwner(relation('table'), 'Data Team'))).toEqual([`ALTER TABLE "sales"."orders" OWNER TO "Data Team"`])
    expect(sqlOf(dialect.renderOwner(relation('partitioned_table'), 'a'))).toEqual([`ALTER TABLE "sales"."orders" OWNER TO "a"`])
    expect(sqlOf(dialect.renderOwner(relation('view'), 'a'))).toEqual([`ALTER VIEW "sales"."orders" OWNER TO "a"`])
    expect(sqlOf(dialect.renderOwner(relation('materialized_view'), 'a'))).toEqual([`ALTER MATERIALIZED VIEW "sales"."orders" OWNER TO "a"`])
    expect(sqlOf(dialect.renderOwner(relation('foreign_table'), 'a'))).toEqual([`ALTER FOREIGN TABLE "sales"."orders" OWNER TO "a"`])
    expect(sqlOf(dialect.renderOwner(relation('table'), `O'Brien "ob"`))).toEqual([`ALTER TABLE "sales"."orders" OWNER TO "O'Brien ""ob"""`])
    expect(codeOf(() => dialect.renderOwner(column, 'a'))).toBe('UNSUPPORTED')
  })

  it('refuses a target whose object type does not fit its level', () => {
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'table', schema: 's', table: 't' }), 'column'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'schema', schema: 's' }), 'table'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'table', schema: 's' }), 'table'), 'x'))).toBe('INTERNAL')
  })

  it('sets the lock timeout per session', () => {
    expect(dialect.sessionSetup({ lockTimeoutMs: 5000 })).toEqual(['SET lock_timeout = 5000'])
    expect(dialect.sessionSetup({ lockTimeoutMs: 0 })).toEqual(['SET lock_timeout = 0'])
    expect(codeOf(() => dialect.sessionSetup({ lockTimeoutMs: 1.5 }))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.sessionSetup({ lockTimeoutMs: -1 }))).toBe('VALUE_INVALID')
  })

  it('declares its capabilities', () => {
    expect(dialect.name).toBe('postgres')
    expect(dialect.capabilities).toEqual({
      descriptionLevels: ['database', 'schema', 'table', 'column'],
      ownerLevels: ['database', 'schema', 'table'],
      tagLevels: [],
      ownerCardinality: 'one',
      maxDescriptionLength: {},
      emptyDescriptionIsNull: true,
      readBack: true,
    })
  })
})

describe('PostgresDialect literals', () => {
  const cases: [string, string, string][] = [
    ['single quotes', `it's 'quoted'`, `'it''s ''quoted'''`],
    ['backslash', 'C:\\temp\\new', `E'C:\\\\temp\\\\new'`],
    ['backslash before quote', `\\'`, `E'\\\\'''`],
    ['trailing backslash', 'end\\', `E'end\\\\'`],
    ['dollar quotes', '$$ body $$ and $tag$x$tag$ $1', `'$$ body $$ and $tag$x$tag$ $1'`],
    ['newlines, CR and tab', 'a\nb\r\nc\rd\te', `'a\nb\r\nc\rd\te'`],
    ['emoji and ZWJ', '🦄 👩‍👩‍👧 ✓', `'🦄 👩‍👩‍👧 ✓'`],
    ['right-to-left', 'שלום עולם مرحبا', `'שלום עולם مرحبا'`],
    ['combining marks', 'e\u0301 a\u030a Z\u0351\u0360', `'e\u0301 a\u030a Z\u0351\u0360'`],
    ['SQL injection attempt', `'; DROP TABLE x; --`, `'''; DROP TABLE x; --'`],
    ['comment markers', '/* -- */', `'/* -- */'`],
    ['empty', '', `''`],
  ]
  for (const [name, value, expected] of cases) {
    it(`quotes ${name}`, () => {
      const literal = dialect.quoteLiteral(value)
      expect(literal).toBe(expected)
      expect(decodeLiteral(literal, true)).toBe(value)
      expect(decodeLiteral(literal, false)).toBe(value)
    })
  }

  it('quotes 100 kB of text exactly', () => {
    const value = `${"x'y\\z".repeat(20_000)}🦄`
    const literal = dialect.quoteLiteral(value)
    expect(literal).toBe(`E'${"x''y\\\\z".repeat(20_000)}🦄'`)
    expect(decodeLiteral(literal, true)).toBe(value)
    expect(sqlOf(dialect.renderDescription(relation('table'), value))).toEqual([`COMMENT ON TABLE "sales"."orders" IS ${literal}`])
  })

  it('refuses NUL and unpaired surrogates', () => {
    expect(codeOf(() => dialect.quoteLiteral('a\u0000b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.renderDescription(column, 'a\u0000b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteLiteral('a\uD83Eb'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteLiteral('\uDD84'))).toBe('VALUE_INVALID')
  })
})

describe('PostgresDialect identifiers', () => {
  it('always double-quotes and doubles embedded quotes', () => {
    expect(dialect.quoteIdentifier('orders')).toBe('"orders"')
    expect(dialect.quoteIdentifier('Mixed Case')).toBe('"Mixed Case"')
    expect(dialect.quoteIdentifier('a.b')).toBe('"a.b"')
    expect(dialect.quoteIdentifier('say "hi"')).toBe('"say ""hi"""')
    expect(dialect.quoteIdentifier(`it's`)).toBe(`"it's"`)
    expect(dialect.quoteIdentifier('select')).toBe('"select"')
    expect(dialect.quoteIdentifier('naïve 🦄')).toBe('"naïve 🦄"')
  })

  it('renders hostile names in every position', () => {
    const hostile = target(asset({ level: 'column', database: 'my "db"', schema: 'my.schema', table: 'Tab"le', column: 'col umn' }), 'column')
    expect(dialect.renderDescription(hostile, 'x')).toEqual([{ kind: 'sql', database: 'my "db"', sql: `COMMENT ON COLUMN "my.schema"."Tab""le"."col umn" IS 'x'` }])
  })

  it('counts the 63-byte limit in UTF-8 bytes', () => {
    expect(dialect.quoteIdentifier('a'.repeat(63))).toBe(`"${'a'.repeat(63)}"`)
    expect(codeOf(() => dialect.quoteIdentifier('a'.repeat(64)))).toBe('NAME_TOO_LONG')
    expect(dialect.quoteIdentifier(`${'é'.repeat(31)}a`)).toBe(`"${'é'.repeat(31)}a"`) // 63 bytes
    expect(codeOf(() => dialect.quoteIdentifier('é'.repeat(32)))).toBe('NAME_TOO_LONG') // 32 characters, 64 bytes
    expect(codeOf(() => dialect.renderOwner(relation('table'), 'r'.repeat(64)))).toBe('NAME_TOO_LONG')
    // Quotes doubled in the text do not count: the limit is on the name itself.
    expect(dialect.quoteIdentifier('"'.repeat(63))).toBe(`"${'"'.repeat(126)}"`)
  })

  it('refuses empty names and NUL', () => {
    expect(codeOf(() => dialect.quoteIdentifier(''))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteIdentifier('a\u0000'))).toBe('VALUE_INVALID')
  })
})
