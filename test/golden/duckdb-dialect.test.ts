import { describe, expect, it } from 'vitest'
import type { ObjectType } from '../../src/connectors/connector.js'
import { duckdbConnector } from '../../src/connectors/duckdb/index.js'
import { DuckdbDialect } from '../../src/connectors/duckdb/duckdb-dialect.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { codeOf, sqlOf } from '../support/results.js'
import { salesTargets } from '../support/targets.js'

const dialect = new DuckdbDialect()

const { asset, target, database, schema, relation, column } = salesTargets({ service: 'svc', database: 'shop' })

/**
 * DuckDB's lexer for a standard single-quoted literal: `''` is a quote and nothing else is an
 * escape, so the golden text is also proven to decode to the original.
 */
function decodeLiteral(literal: string): string {
  if (!literal.startsWith("'") || !literal.endsWith("'")) throw new Error(`not a standard literal: ${literal.slice(0, 20)}`)
  const body = literal.slice(1, -1)
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (ch === "'") {
      if (body[i + 1] !== "'") throw new Error(`lone quote at ${i}`)
      i++
    }
    out += ch
  }
  return out
}

describe('DuckdbDialect statements', () => {
  it('comments tables, views and columns, fully qualified with the catalog', () => {
    expect(dialect.renderDescription(relation('table'), 'Orders')).toEqual([{ kind: 'sql', database: 'shop', sql: `COMMENT ON TABLE "shop"."sales"."orders" IS 'Orders'` }])
    expect(dialect.renderDescription(relation('view'), 'V')).toEqual([{ kind: 'sql', database: 'shop', sql: `COMMENT ON VIEW "shop"."sales"."orders" IS 'V'` }])
    expect(dialect.renderDescription(column, 'Key')).toEqual([{ kind: 'sql', database: 'shop', sql: `COMMENT ON COLUMN "shop"."sales"."orders"."id" IS 'Key'` }])
  })

  it('removes with NULL and keeps the empty string, which DuckDB stores as such', () => {
    expect(sqlOf(dialect.renderDescription(column, null))).toEqual([`COMMENT ON COLUMN "shop"."sales"."orders"."id" IS NULL`])
    expect(sqlOf(dialect.renderDescription(relation('table'), ''))).toEqual([`COMMENT ON TABLE "shop"."sales"."orders" IS ''`])
  })

  it('refuses database and schema comments, owners, and object types DuckDB does not have', () => {
    expect(codeOf(() => dialect.renderDescription(database, 'x'))).toBe('UNSUPPORTED')
    expect(codeOf(() => dialect.renderDescription(schema, 'x'))).toBe('UNSUPPORTED')
    for (const t of [database, schema, relation('table'), relation('view'), column]) expect(codeOf(() => dialect.renderOwner(t, 'alice'))).toBe('UNSUPPORTED')
    for (const type of ['materialized_view', 'foreign_table', 'partitioned_table', 'column'] as ObjectType[]) {
      expect(codeOf(() => dialect.renderDescription(relation(type), 'x')), type).toBe('INTERNAL')
    }
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'column', schema: 's', table: 't', column: 'c' }), 'table'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'table', schema: 's' }), 'table'), 'x'))).toBe('INTERNAL')
  })

  it('needs no session setup: DuckDB has no lock wait to bound', () => {
    expect(dialect.sessionSetup({ lockTimeoutMs: 5000 })).toEqual([])
  })

  it('declares its capabilities (verified live on the installed DuckDB)', () => {
    expect(dialect.name).toBe('duckdb')
    expect(duckdbConnector.createDialect(duckdbConnector.connectionSchema.parse({})).capabilities).toEqual({
      descriptionLevels: ['table', 'column'],
      ownerLevels: [],
      tagLevels: [],
      ownerCardinality: 'one',
      maxDescriptionLength: {},
      emptyDescriptionIsNull: false,
      readBack: true,
    })
  })
})

describe('DuckdbDialect literals', () => {
  const cases: [string, string, string][] = [
    ['single quotes', `it's 'quoted'`, `'it''s ''quoted'''`],
    ['backslashes, kept as they are', 'C:\\temp\\new \\n \\', `'C:\\temp\\new \\n \\'`],
    ['backslash before quote', `\\'`, `'\\'''`],
    ['dollar quotes', '$$ body $$ and $tag$x$tag$ $1', `'$$ body $$ and $tag$x$tag$ $1'`],
    ['newlines, CR and tab', 'a\nb\r\nc\rd\te', `'a\nb\r\nc\rd\te'`],
    ['unicode', mixedUnicode, `'${mixedUnicode}'`],
    ['SQL injection attempt', `'; DROP TABLE x; --`, `'''; DROP TABLE x; --'`],
    ['comment markers', '/* -- */', `'/* -- */'`],
    ['empty', '', `''`],
  ]
  for (const [name, value, expected] of cases) {
    it(`quotes ${name}`, () => {
      const literal = dialect.quoteLiteral(value)
      expect(literal).toBe(expected)
      expect(decodeLiteral(literal)).toBe(value)
    })
  }

  it('decodes every shared hostile string back exactly', () => {
    for (const [name, value] of Object.entries(hostileBase)) expect(decodeLiteral(dialect.quoteLiteral(value)), name).toBe(value)
  })

  it('quotes 100 kB of text exactly', () => {
    const value = `${"x'y\\z".repeat(20_000)}🦄`
    const literal = dialect.quoteLiteral(value)
    expect(literal).toBe(`'${"x''y\\z".repeat(20_000)}🦄'`)
    expect(decodeLiteral(literal)).toBe(value)
    expect(sqlOf(dialect.renderDescription(relation('table'), value))).toEqual([`COMMENT ON TABLE "shop"."sales"."orders" IS ${literal}`])
  })

  it('refuses NUL and unpaired surrogates', () => {
    expect(codeOf(() => dialect.quoteLiteral('a\u0000b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.renderDescription(column, 'a\u0000b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteLiteral('a\uD83Eb'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteLiteral('\uDD84'))).toBe('VALUE_INVALID')
    expect(dialect.quoteLiteral('\uD83E\uDD84')).toBe(`'🦄'`)
  })
})

describe('DuckdbDialect identifiers', () => {
  it('always double-quotes, keeps case and doubles embedded quotes', () => {
    expect(dialect.quoteIdentifier('orders')).toBe('"orders"')
    expect(dialect.quoteIdentifier('Mixed Case')).toBe('"Mixed Case"')
    expect(dialect.quoteIdentifier('a.b')).toBe('"a.b"')
    expect(dialect.quoteIdentifier('say "hi"')).toBe('"say ""hi"""')
    expect(dialect.quoteIdentifier(`it's`)).toBe(`"it's"`)
    expect(dialect.quoteIdentifier('select')).toBe('"select"')
    expect(dialect.quoteIdentifier('back\\slash')).toBe('"back\\slash"')
    expect(dialect.quoteIdentifier('naïve 🦄')).toBe('"naïve 🦄"')
    expect(dialect.quoteIdentifier('a'.repeat(1000))).toBe(`"${'a'.repeat(1000)}"`)
  })

  it('renders hostile names in every position', () => {
    const hostile = target(asset({ level: 'column', database: 'My "DB"', schema: 'my.schema', table: 'Tab"le', column: 'col umn' }), 'column')
    expect(dialect.renderDescription(hostile, 'x')).toEqual([
      { kind: 'sql', database: 'My "DB"', sql: `COMMENT ON COLUMN "My ""DB"""."my.schema"."Tab""le"."col umn" IS 'x'` },
    ])
    const view = target(asset({ level: 'table', database: 'memory', schema: 'Main', table: 'a.b "c"' }), 'view')
    expect(sqlOf(dialect.renderDescription(view, `it's`))).toEqual([`COMMENT ON VIEW "memory"."Main"."a.b ""c""" IS 'it''s'`])
  })

  it('refuses empty names, NUL and unpaired surrogates', () => {
    expect(codeOf(() => dialect.quoteIdentifier(''))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteIdentifier('a\u0000'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteIdentifier('a\uD800'))).toBe('VALUE_INVALID')
  })
})
