import { describe, expect, it } from 'vitest'
import { schemaListSql, schemaListSqlExcluding } from '../../src/connectors/postgres/postgres-read-back.js'
import { RedshiftDialect } from '../../src/connectors/redshift/redshift-dialect.js'
import { redshiftSchemaListSql } from '../../src/connectors/redshift/redshift-read-back.js'
import { codeOf, sqlOf } from '../support/results.js'
import { salesTargets } from '../support/targets.js'

const dialect = new RedshiftDialect()

const { database, schema, relation, column } = salesTargets({ service: 'rs', database: 'dev' })

/** Redshift's (PostgreSQL 8.0's) lexer: backslash always escapes inside '...'. */
function decodeLiteral(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true)
  const body = literal.slice(1, -1)
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (ch === "'" || ch === '\\') {
      const next = body[i + 1]!
      if (next !== ch) throw new Error(`unexpected escape at ${i}`) // the dialect only emits '' and \\
      out += next
      i++
    } else out += ch
  }
  return out
}

describe('RedshiftDialect statements', () => {
  it('comments every level; materialized views as views', () => {
    expect(dialect.renderDescription(database, 'Dev')).toEqual([{ kind: 'sql', database: 'dev', sql: `COMMENT ON DATABASE "dev" IS 'Dev'` }])
    expect(sqlOf(dialect.renderDescription(schema, 'S'))).toEqual([`COMMENT ON SCHEMA "sales" IS 'S'`])
    expect(sqlOf(dialect.renderDescription(relation('table'), 'd'))).toEqual([`COMMENT ON TABLE "sales"."orders" IS 'd'`])
    expect(sqlOf(dialect.renderDescription(relation('partitioned_table'), 'd'))).toEqual([`COMMENT ON TABLE "sales"."orders" IS 'd'`])
    expect(sqlOf(dialect.renderDescription(relation('view'), 'd'))).toEqual([`COMMENT ON VIEW "sales"."orders" IS 'd'`])
    expect(sqlOf(dialect.renderDescription(relation('materialized_view'), 'd'))).toEqual([`COMMENT ON VIEW "sales"."orders" IS 'd'`])
    expect(sqlOf(dialect.renderDescription(column, 'k'))).toEqual([`COMMENT ON COLUMN "sales"."orders"."id" IS 'k'`])
    expect(sqlOf(dialect.renderDescription(column, null))).toEqual([`COMMENT ON COLUMN "sales"."orders"."id" IS NULL`])
    expect(codeOf(() => dialect.renderDescription(relation('foreign_table'), 'd'))).toBe('UNSUPPORTED')
  })

  it('changes owners with ALTER TABLE for views and materialized views', () => {
    expect(sqlOf(dialect.renderOwner(database, 'alice'))).toEqual([`ALTER DATABASE "dev" OWNER TO "alice"`])
    expect(sqlOf(dialect.renderOwner(schema, 'alice'))).toEqual([`ALTER SCHEMA "sales" OWNER TO "alice"`])
    expect(sqlOf(dialect.renderOwner(relation('table'), 'alice'))).toEqual([`ALTER TABLE "sales"."orders" OWNER TO "alice"`])
    expect(sqlOf(dialect.renderOwner(relation('view'), 'alice'))).toEqual([`ALTER TABLE "sales"."orders" OWNER TO "alice"`])
    expect(sqlOf(dialect.renderOwner(relation('materialized_view'), 'alice'))).toEqual([`ALTER TABLE "sales"."orders" OWNER TO "alice"`])
    expect(codeOf(() => dialect.renderOwner(relation('foreign_table'), 'alice'))).toBe('UNSUPPORTED')
    expect(codeOf(() => dialect.renderOwner(column, 'alice'))).toBe('UNSUPPORTED')
  })

  it('bounds waits with statement_timeout (Redshift has no lock_timeout)', () => {
    expect(dialect.sessionSetup({ lockTimeoutMs: 5000 })).toEqual(['SET statement_timeout = 5000'])
  })

  it('keeps PostgreSQL capabilities under its own name', () => {
    expect(dialect.name).toBe('redshift')
    expect(dialect.capabilities.tagLevels).toEqual([])
    expect(dialect.capabilities.ownerLevels).toEqual(['database', 'schema', 'table'])
  })
})

describe('RedshiftDialect literals', () => {
  const cases: [string, string, string][] = [
    ['single quotes', `it's`, `'it''s'`],
    ['backslash', 'a\\b', `'a\\\\b'`],
    ['backslash before quote', `\\'`, `'\\\\'''`],
    ['trailing backslash', 'end\\', `'end\\\\'`],
    ['backslash-n text (not a newline)', '\\n', `'\\\\n'`],
    ['dollar quotes', '$$ x $$ $tag$y$tag$', `'$$ x $$ $tag$y$tag$'`],
    ['newlines, CR and tab', 'a\nb\r\nc\td', `'a\nb\r\nc\td'`],
    ['emoji, RTL and combining marks', '🦄 שלום e\u0301', `'🦄 שלום e\u0301'`],
  ]
  for (const [name, value, expected] of cases) {
    it(`quotes ${name}`, () => {
      const literal = dialect.quoteLiteral(value)
      expect(literal).toBe(expected)
      expect(decodeLiteral(literal)).toBe(value)
    })
  }

  it('quotes 100 kB of text exactly', () => {
    const value = "a'b\\c".repeat(20_000)
    const literal = dialect.quoteLiteral(value)
    expect(literal).toBe(`'${"a''b\\\\c".repeat(20_000)}'`)
    expect(decodeLiteral(literal)).toBe(value)
  })

  it('refuses NUL', () => {
    expect(codeOf(() => dialect.quoteLiteral('\u0000'))).toBe('VALUE_INVALID')
  })
})

describe('RedshiftDialect identifiers', () => {
  it('quotes like PostgreSQL', () => {
    expect(dialect.quoteIdentifier('Tab"le.x y')).toBe('"Tab""le.x y"')
  })

  it('allows up to 127 bytes', () => {
    expect(dialect.quoteIdentifier('a'.repeat(64))).toBe(`"${'a'.repeat(64)}"`)
    expect(dialect.quoteIdentifier('a'.repeat(127))).toBe(`"${'a'.repeat(127)}"`)
    expect(codeOf(() => dialect.quoteIdentifier('a'.repeat(128)))).toBe('NAME_TOO_LONG')
    expect(codeOf(() => dialect.quoteIdentifier('é'.repeat(64)))).toBe('NAME_TOO_LONG') // 128 bytes
  })
})

describe('Redshift schema listing', () => {
  it("leaves out PostgreSQL's system schemas and Redshift's own, with no backslash for the session to read", () => {
    expect(schemaListSql).toBe(`SELECT n.nspname::text AS schema_name
  FROM pg_catalog.pg_namespace n
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_[0-9]+$'
 ORDER BY n.nspname`)
    expect(redshiftSchemaListSql).toContain(
      "NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pg_internal', 'pg_automv', 'pg_auto_copy', 'pg_mv', 'pg_s3', 'catalog_history')",
    )
    expect(redshiftSchemaListSql).not.toContain('\\')
    expect(codeOf(() => schemaListSqlExcluding(["x') OR ('1"]))).toBe('INTERNAL')
  })
})
