import { describe, expect, it } from 'vitest'
import { capabilitiesOf, type ObjectTarget, type ObjectType, type Statement } from '../../src/connectors/connector.js'
import { planSnowflakeBatches } from '../../src/connectors/snowflake/snowflake-batch.js'
import { snowflakeConnectionSchema } from '../../src/connectors/snowflake/snowflake-connection.js'
import { SnowflakeDialect } from '../../src/connectors/snowflake/snowflake-dialect.js'
import { renderSnowflakeTags } from '../../src/connectors/snowflake/snowflake-tags.js'
import type { AssetRef } from '../../src/model/asset.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'

const dialect = new SnowflakeDialect()
const base = { service: 'snow', database: 'SALES' }
const at = (asset: Omit<AssetRef, 'service' | 'database'> & { database?: string }, objectType: ObjectType, definition?: string): ObjectTarget => ({
  asset: { ...base, ...asset } as AssetRef,
  objectType,
  ...(definition !== undefined ? { definition } : {}),
})
const database = at({ level: 'database' }, 'database')
const schema = at({ level: 'schema', schema: 'PUBLIC' }, 'schema')
const relation = (type: ObjectType): ObjectTarget => at({ level: 'table', schema: 'PUBLIC', table: 'ORDERS' }, type)
const column = (relationType?: string): ObjectTarget => at({ level: 'column', schema: 'PUBLIC', table: 'ORDERS', column: 'EMAIL' }, 'column', relationType)
const sqlOf = (statements: readonly Statement[]): (string | undefined)[] => statements.map((statement) => (statement.kind === 'sql' ? statement.sql : undefined))
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

/**
 * Reads a single-quoted Snowflake literal as Snowflake does (documented escapes; an unknown
 * `\x` drops the backslash; `''` is a quote): the golden cases must decode to the exact input.
 */
function decodeSnowflakeLiteral(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true)
  const body = literal.slice(1, -1)
  const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '0': '\0' }
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? ''
    if (char === '\\') {
      const next = body[++i] ?? ''
      out += named[next] ?? next
    } else if (char === "'") {
      // An unescaped quote inside the body would end the literal: the escaping is wrong.
      expect(body[++i]).toBe("'")
      out += "'"
    } else out += char
  }
  return out
}

describe('SnowflakeDialect descriptions', () => {
  it('comments databases, schemas, tables, views and materialized views with fully quoted names', () => {
    expect(dialect.renderDescription(database, 'Sales')).toEqual([{ kind: 'sql', database: 'SALES', sql: `COMMENT ON DATABASE "SALES" IS 'Sales'` }])
    expect(sqlOf(dialect.renderDescription(schema, 's'))).toEqual([`COMMENT ON SCHEMA "SALES"."PUBLIC" IS 's'`])
    expect(sqlOf(dialect.renderDescription(relation('table'), 't'))).toEqual([`COMMENT ON TABLE "SALES"."PUBLIC"."ORDERS" IS 't'`])
    expect(sqlOf(dialect.renderDescription(relation('view'), 'v'))).toEqual([`COMMENT ON VIEW "SALES"."PUBLIC"."ORDERS" IS 'v'`])
    expect(sqlOf(dialect.renderDescription(relation('materialized_view'), 'm'))).toEqual([`COMMENT ON MATERIALIZED VIEW "SALES"."PUBLIC"."ORDERS" IS 'm'`])
  })

  it('removes a description with UNSET COMMENT, for null and for the empty string', () => {
    expect(sqlOf(dialect.renderDescription(database, null))).toEqual([`ALTER DATABASE "SALES" UNSET COMMENT`])
    expect(sqlOf(dialect.renderDescription(schema, ''))).toEqual([`ALTER SCHEMA "SALES"."PUBLIC" UNSET COMMENT`])
    expect(sqlOf(dialect.renderDescription(relation('view'), null))).toEqual([`ALTER VIEW "SALES"."PUBLIC"."ORDERS" UNSET COMMENT`])
    expect(sqlOf(dialect.renderDescription(column(), null))).toEqual([`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "EMAIL" UNSET COMMENT`])
  })

  it('comments columns through ALTER TABLE or ALTER VIEW, by the relation read back (a table when offline)', () => {
    expect(sqlOf(dialect.renderDescription(column(), 'mail'))).toEqual([`ALTER TABLE "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "EMAIL" COMMENT 'mail'`])
    expect(sqlOf(dialect.renderDescription(column('view'), 'mail'))).toEqual([`ALTER VIEW "SALES"."PUBLIC"."ORDERS" ALTER COLUMN "EMAIL" COMMENT 'mail'`])
    expect(sqlOf(dialect.renderDescription(column('materialized_view'), 'mail'))).toEqual([`COMMENT ON COLUMN "SALES"."PUBLIC"."ORDERS"."EMAIL" IS 'mail'`])
  })

  it('reports external tables unsupported instead of sending a statement Snowflake does not document', () => {
    expect(codeOf(() => dialect.renderDescription(relation('foreign_table'), 'x'))).toBe('UNSUPPORTED')
  })

  it('escapes with backslashes, never by doubling quotes only', () => {
    expect(dialect.quoteLiteral(`it's`)).toBe(`'it\\'s'`)
    expect(dialect.quoteLiteral('C:\\new\\dir')).toBe(`'C:\\\\new\\\\dir'`)
    expect(dialect.quoteLiteral('a\nb\r\tc')).toBe(`'a\\nb\\r\\tc'`)
    expect(dialect.quoteLiteral('$$ x $$ $1')).toBe(`'$$ x $$ $1'`)
    expect(dialect.quoteLiteral('🦄 שלום')).toBe(`'🦄 שלום'`)
  })

  it('every hostile value, unicode and 100 kB text decode back exactly', () => {
    const cases = { ...hostileBase, unicode: mixedUnicode, controls: '\b\f\u0001\u007f', backslashQuote: "\\'", trailingBackslash: 'end\\' }
    expect(hostileBase.big?.length).toBeGreaterThanOrEqual(100_000)
    for (const [name, value] of Object.entries(cases)) {
      const literal = dialect.quoteLiteral(value)
      expect(decodeSnowflakeLiteral(literal), name).toBe(value)
      expect(literal.includes('\n') || literal.includes('\r'), name).toBe(false)
    }
  })

  it('refuses NUL and lone surrogates with VALUE_INVALID', () => {
    expect(codeOf(() => dialect.quoteLiteral('a\0b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteLiteral('a\uD800b'))).toBe('VALUE_INVALID')
  })
})

describe('SnowflakeDialect identifiers', () => {
  it('quotes every name exactly as the catalog names it, so case and odd characters survive', () => {
    expect(dialect.quoteIdentifier('orders')).toBe('"orders"')
    expect(dialect.quoteIdentifier('my.table')).toBe('"my.table"')
    expect(dialect.quoteIdentifier('say "hi"')).toBe('"say ""hi"""')
    expect(dialect.quoteIdentifier('with space')).toBe('"with space"')
    const odd = at({ level: 'column', database: 'my.db', schema: 'a "b"', table: 't t', column: 'c.d' }, 'column')
    expect(sqlOf(dialect.renderDescription(odd, 'x'))).toEqual([`ALTER TABLE "my.db"."a ""b"""."t t" ALTER COLUMN "c.d" COMMENT 'x'`])
  })

  it('refuses empty names and names past 255 characters', () => {
    expect(codeOf(() => dialect.quoteIdentifier(''))).toBe('VALUE_INVALID')
    expect(dialect.quoteIdentifier('é'.repeat(255))).toHaveLength(257)
    expect(codeOf(() => dialect.quoteIdentifier('x'.repeat(256)))).toBe('NAME_TOO_LONG')
  })
})

describe('SnowflakeDialect owners and session', () => {
  it('transfers ownership to a role, keeping the current grants by default', () => {
    expect(sqlOf(dialect.renderOwner(database, 'ANALYSTS'))).toEqual([`GRANT OWNERSHIP ON DATABASE "SALES" TO ROLE "ANALYSTS" COPY CURRENT GRANTS`])
    expect(sqlOf(dialect.renderOwner(schema, 'ANALYSTS'))).toEqual([`GRANT OWNERSHIP ON SCHEMA "SALES"."PUBLIC" TO ROLE "ANALYSTS" COPY CURRENT GRANTS`])
    expect(sqlOf(dialect.renderOwner(relation('table'), 'Data "Eng"'))).toEqual([`GRANT OWNERSHIP ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "Data ""Eng""" COPY CURRENT GRANTS`])
    expect(sqlOf(dialect.renderOwner(relation('view'), 'R'))).toEqual([`GRANT OWNERSHIP ON VIEW "SALES"."PUBLIC"."ORDERS" TO ROLE "R" COPY CURRENT GRANTS`])
  })

  it('revokes the current grants when configured, and refuses column owners', () => {
    const revoking = new SnowflakeDialect({ ownershipGrants: 'revoke' })
    expect(sqlOf(revoking.renderOwner(relation('table'), 'R'))).toEqual([`GRANT OWNERSHIP ON TABLE "SALES"."PUBLIC"."ORDERS" TO ROLE "R" REVOKE CURRENT GRANTS`])
    expect(codeOf(() => dialect.renderOwner(column(), 'R'))).toBe('UNSUPPORTED')
  })

  it('sets lock and statement timeouts in whole seconds, rounded up', () => {
    expect(new SnowflakeDialect({ statementTimeoutMs: 60_500 }).sessionSetup({ lockTimeoutMs: 1_200 })).toEqual(['ALTER SESSION SET LOCK_TIMEOUT = 2', 'ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 61'])
    expect(dialect.sessionSetup({ lockTimeoutMs: 0 })).toEqual(['ALTER SESSION SET LOCK_TIMEOUT = 0'])
  })
})

describe('Snowflake native tags', () => {
  it('sets and unsets fully qualified tags in the asset\'s own schema by default', () => {
    expect(sqlOf(renderSnowflakeTags(dialect, relation('table'), { add: [{ key: 'PII', value: 'email' }, { key: 'TIER', value: "it's" }], remove: ['OLD'] }))).toEqual([
      `ALTER TABLE "SALES"."PUBLIC"."ORDERS" SET TAG "SALES"."PUBLIC"."PII" = 'email', "SALES"."PUBLIC"."TIER" = 'it\\'s'`,
      `ALTER TABLE "SALES"."PUBLIC"."ORDERS" UNSET TAG "SALES"."PUBLIC"."OLD"`,
    ])
    expect(sqlOf(renderSnowflakeTags(dialect, column('view'), { add: [{ key: 'PII', value: 'x' }], remove: [{ key: 'GONE', value: 'y' }] }))).toEqual([
      `ALTER VIEW "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" SET TAG "SALES"."PUBLIC"."PII" = 'x'`,
      `ALTER VIEW "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" UNSET TAG "SALES"."PUBLIC"."GONE"`,
    ])
  })

  it('uses the configured tag schema, creates tags first when asked, and only sets a tag both removed and added', () => {
    const options = { tagSchema: { database: 'GOV', schema: 'TAGS' }, createTags: true }
    expect(sqlOf(renderSnowflakeTags(dialect, database, { add: [{ key: 'COST', value: 'fin' }], remove: ['COST'] }, options))).toEqual([
      `CREATE TAG IF NOT EXISTS "GOV"."TAGS"."COST"`,
      `ALTER DATABASE "SALES" SET TAG "GOV"."TAGS"."COST" = 'fin'`,
    ])
    expect(sqlOf(renderSnowflakeTags(dialect, schema, { add: [], remove: ['A', 'B'] }, options))).toEqual([`ALTER SCHEMA "SALES"."PUBLIC" UNSET TAG "GOV"."TAGS"."A", "GOV"."TAGS"."B"`])
  })

  it('the dialect declares a tags renderer at every level, values of at most 256 characters, rendering through renderSnowflakeTags', () => {
    const caps = capabilitiesOf(dialect)
    expect(caps.tagLevels).toEqual(['database', 'schema', 'table', 'column'])
    expect(caps.maxTagValueLength).toEqual({ max: 256, unit: 'characters' })
    expect(caps.descriptionLevels).toEqual(['database', 'schema', 'table', 'column'])
    expect(caps.ownerLevels).toEqual(['database', 'schema', 'table'])
    expect(caps.emptyDescriptionIsNull).toBe(true)
    expect(dialect.tags.render(column(), { add: [{ key: 'PII', value: 'a\\b' }], remove: [{ key: 'OLD', value: 'x' }] })).toEqual([
      { kind: 'sql', database: 'SALES', sql: `ALTER TABLE "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" SET TAG "SALES"."PUBLIC"."PII" = 'a\\\\b'` },
      { kind: 'sql', database: 'SALES', sql: `ALTER TABLE "SALES"."PUBLIC"."ORDERS" MODIFY COLUMN "EMAIL" UNSET TAG "SALES"."PUBLIC"."OLD"` },
    ])
    const configured = new SnowflakeDialect({ tags: { tagSchema: { database: 'GOV', schema: 'TAGS' }, createTags: true } })
    expect(sqlOf(configured.tags.render(database, { add: [{ key: 'COST', value: 'fin' }], remove: [] }))).toEqual([`CREATE TAG IF NOT EXISTS "GOV"."TAGS"."COST"`, `ALTER DATABASE "SALES" SET TAG "GOV"."TAGS"."COST" = 'fin'`])
    expect(codeOf(() => dialect.tags.render(database, { add: [{ key: 'COST', value: 'fin' }], remove: [] }))).toBe('TAG_SCHEMA_UNKNOWN')
  })

  it('refuses values past 256 characters, and database tags with no tag schema and nothing read back', () => {
    expect(renderSnowflakeTags(dialect, schema, { add: [{ key: 'K', value: '🦄'.repeat(256) }], remove: [] })).toHaveLength(1)
    expect(codeOf(() => renderSnowflakeTags(dialect, schema, { add: [{ key: 'K', value: 'x'.repeat(257) }], remove: [] }))).toBe('VALUE_TOO_LONG')
    expect(codeOf(() => renderSnowflakeTags(dialect, database, { add: [{ key: 'K', value: 'a' }], remove: [] }))).toBe('TAG_SCHEMA_UNKNOWN')
  })
})

describe('Snowflake column batching and connection schema', () => {
  it('merges only one-statement column comments of the same relation', () => {
    const unit = (sql: string) => [{ kind: 'sql' as const, database: 'SALES', sql }]
    const batches = planSnowflakeBatches(
      [
        unit(`ALTER TABLE "S"."P"."T" ALTER COLUMN "A" COMMENT 'x'`),
        unit(`ALTER TABLE "S"."P"."T" ALTER COLUMN "B" COMMENT 'it\\'s, COLUMN "C" COMMENT ''`),
        unit(`COMMENT ON TABLE "S"."P"."T" IS 'y'`),
        unit(`ALTER TABLE "S"."P"."T" ALTER COLUMN "D" UNSET COMMENT`),
      ],
      100,
    )
    expect(batches.map((batch) => [batch.units, batch.merged, sqlOf(batch.statements)])).toEqual([
      [[0, 1], true, [`ALTER TABLE "S"."P"."T" ALTER COLUMN "A" COMMENT 'x', COLUMN "B" COMMENT 'it\\'s, COLUMN "C" COMMENT ''`]],
      [[2], false, [`COMMENT ON TABLE "S"."P"."T" IS 'y'`]],
      [[3], false, [`ALTER TABLE "S"."P"."T" ALTER COLUMN "D" UNSET COMMENT`]],
    ])
  })

  it('needs exactly one way to authenticate, and defaults to COPY CURRENT GRANTS', () => {
    const base = { account: 'org-acct', username: 'u' }
    expect(snowflakeConnectionSchema.parse({ ...base, password: 'p' }).ownershipGrants).toBe('copy')
    expect(snowflakeConnectionSchema.safeParse({ ...base, privateKeyPath: '/k.p8', privateKeyPassphraseFile: '/p' }).success).toBe(true)
    expect(snowflakeConnectionSchema.safeParse({ ...base, tokenFile: '/t' }).success).toBe(true)
    expect(snowflakeConnectionSchema.safeParse(base).success).toBe(false)
    expect(snowflakeConnectionSchema.safeParse({ ...base, password: 'p', token: 't' }).success).toBe(false)
    expect(snowflakeConnectionSchema.safeParse({ ...base, password: 'p', passwordFile: '/p' }).success).toBe(false)
    expect(snowflakeConnectionSchema.safeParse({ ...base, password: 'p', accessUrl: 'ftp://x' }).success).toBe(false)
  })
})
