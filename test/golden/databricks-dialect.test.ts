import { describe, expect, it } from 'vitest'
import { capabilitiesOf, type ObjectTarget, type ObjectType } from '../../src/connectors/connector.js'
import { databricksConnectionSchema } from '../../src/connectors/databricks/databricks-connection.js'
import { DatabricksDialect, escapeDatabricksString } from '../../src/connectors/databricks/databricks-dialect.js'
import type { AssetRef } from '../../src/model/asset.js'
import { decodeLiteral, tokenize } from '../support/databricks-sql.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { codeOf, sqlOf } from '../support/results.js'

const dialect = new DatabricksDialect()
const at = (asset: Omit<AssetRef, 'service' | 'database'>, objectType: ObjectType, definition?: string): ObjectTarget => ({
  asset: { service: 'dbx', database: 'main', ...asset } as AssetRef,
  objectType,
  ...(definition !== undefined ? { definition } : {}),
})
const catalog = at({ level: 'database' }, 'database')
const schema = at({ level: 'schema', schema: 'sales' }, 'schema')
const relation = (type: ObjectType, table = 'orders') => at({ level: 'table', schema: 'sales', table }, type)
const column = (relationType?: string, name = 'email') => at({ level: 'column', schema: 'sales', table: 'orders', column: name }, 'column', relationType)

const hostile: Record<string, string> = {
  ...hostileBase,
  unicode: mixedUnicode,
  // Escapes Databricks decodes, and the two it keeps: the value must survive all of them.
  escapes: 'tab\\t nul\\0 ctrl-z\\Z percent\\% under\\_ \\u0041 \\x',
  doubledQuote: "it''s",
  backtick: 'a `tick` and ``two``',
  controls: 'bell\u0007 backspace\b formfeed\f ctrl-z\u001a',
}

describe('DatabricksDialect descriptions', () => {
  it('comments catalogs, schemas, tables, views and columns with backtick-quoted names', () => {
    expect(dialect.renderDescription(catalog, 'Main')).toEqual([{ kind: 'sql', database: 'main', sql: "COMMENT ON CATALOG `main` IS 'Main'" }])
    expect(sqlOf(dialect.renderDescription(schema, 's'))).toEqual(["COMMENT ON SCHEMA `main`.`sales` IS 's'"])
    expect(sqlOf(dialect.renderDescription(relation('table'), 't'))).toEqual(["COMMENT ON TABLE `main`.`sales`.`orders` IS 't'"])
    expect(sqlOf(dialect.renderDescription(relation('view'), 'v'))).toEqual(["COMMENT ON TABLE `main`.`sales`.`orders` IS 'v'"])
    expect(sqlOf(dialect.renderDescription(column('table'), 'c'))).toEqual(["COMMENT ON COLUMN `main`.`sales`.`orders`.`email` IS 'c'"])
    expect(sqlOf(dialect.renderDescription(column('view'), 'c'))).toEqual(["COMMENT ON COLUMN `main`.`sales`.`orders`.`email` IS 'c'"])
  })

  it('removes a description with IS NULL, and stores an empty one as none', () => {
    expect(sqlOf(dialect.renderDescription(relation('table'), null))).toEqual(['COMMENT ON TABLE `main`.`sales`.`orders` IS NULL'])
    expect(sqlOf(dialect.renderDescription(column(), ''))).toEqual(['COMMENT ON COLUMN `main`.`sales`.`orders`.`email` IS NULL'])
    expect(capabilitiesOf(dialect).emptyDescriptionIsNull).toBe(true)
  })

  it('escapes quotes and backslashes with a backslash, never by doubling', () => {
    expect(dialect.quoteLiteral("it's")).toBe("'it\\'s'")
    expect(dialect.quoteLiteral('C:\\new')).toBe("'C:\\\\new'")
    expect(dialect.quoteLiteral('a\nb\r\tc')).toBe("'a\\nb\\r\\tc'")
    expect(escapeDatabricksString("''")).toBe("\\'\\'")
  })

  it('the doubled-quote trap: a doubled quote would chain into a different value, which the decoder catches', () => {
    expect(decodeLiteral("'it''s'")).toBe('its')
    expect(decodeLiteral(dialect.quoteLiteral("it's"))).toBe("it's")
  })

  it.each(Object.entries(hostile))('a hostile %s decodes back exactly under Databricks escape rules, at every level', (_, value) => {
    for (const target of [catalog, schema, relation('table'), relation('view'), column('table')]) {
      const [sql] = sqlOf(dialect.renderDescription(target, value))
      expect(decodeLiteral(sql!)).toBe(value)
      // Nothing but the one literal: the value never leaks into the statement's structure.
      expect(tokenize(sql!).filter((t) => t.kind === 'string')).toHaveLength(1)
    }
  })

  it('refuses NUL and lone surrogates (VALUE_INVALID) before rendering anything', () => {
    expect(codeOf(() => dialect.renderDescription(relation('table'), 'a\u0000b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.renderDescription(relation('table'), 'half \uD800'))).toBe('VALUE_INVALID')
  })

  it('quotes hostile identifiers with doubled backticks, which decode back to the name', () => {
    const odd = "t.o'dd `tab` \\ name"
    const [sql] = sqlOf(dialect.renderDescription(relation('table', odd), 'x'))
    expect(sql).toBe("COMMENT ON TABLE `main`.`sales`.`t.o'dd ``tab`` \\ name` IS 'x'")
    expect(tokenize(sql!).filter((t) => t.kind === 'ident').map((t) => t.text)).toEqual(['main', 'sales', odd])
    expect(codeOf(() => dialect.quoteIdentifier('x'.repeat(256)))).toBe('NAME_TOO_LONG')
    expect(codeOf(() => dialect.quoteIdentifier(''))).toBe('VALUE_INVALID')
  })

  it('reports object types without a comment form unsupported', () => {
    expect(codeOf(() => dialect.renderDescription(relation('sequence'), 'x'))).toBe('UNSUPPORTED')
  })
})

describe('DatabricksDialect tags', () => {
  const render = (target: ObjectTarget, add: [string, string][], remove: string[] = []) =>
    sqlOf(dialect.tags.render(target, { add: add.map(([key, value]) => ({ key, value })), remove: remove.map((key) => ({ key, value: '' })) }))

  it('sets and unsets tags at every level with string-literal keys and values', () => {
    expect(render(catalog, [['PII', 'Sensitive']])).toEqual(["ALTER CATALOG `main` SET TAGS ('PII' = 'Sensitive')"])
    expect(render(schema, [['a', '1'], ['b', '2']], ['old'])).toEqual(["ALTER SCHEMA `main`.`sales` SET TAGS ('a' = '1', 'b' = '2')", "ALTER SCHEMA `main`.`sales` UNSET TAGS ('old')"])
    expect(render(relation('table'), [['Tier', 'Gold']])).toEqual(["ALTER TABLE `main`.`sales`.`orders` SET TAGS ('Tier' = 'Gold')"])
    expect(render(relation('view'), [], ['Tier'])).toEqual(["ALTER VIEW `main`.`sales`.`orders` UNSET TAGS ('Tier')"])
    expect(render(relation('materialized_view'), [['k', 'v']])).toEqual(["ALTER MATERIALIZED VIEW `main`.`sales`.`orders` SET TAGS ('k' = 'v')"])
    expect(render(column('table'), [['PII', 'email']])).toEqual(["ALTER TABLE `main`.`sales`.`orders` ALTER COLUMN `email` SET TAGS ('PII' = 'email')"])
    expect(render(column('view'), [], ['PII'])).toEqual(["ALTER VIEW `main`.`sales`.`orders` ALTER COLUMN `email` UNSET TAGS ('PII')"])
  })

  it('a key both removed and added is only set; the last value of a key wins', () => {
    expect(render(relation('table'), [['Tier', 'Gold'], ['Tier', 'Silver']], ['Tier'])).toEqual(["ALTER TABLE `main`.`sales`.`orders` SET TAGS ('Tier' = 'Silver')"])
  })

  it.each(Object.entries(hostile))('a hostile tag value (%s, cut to the value limit) decodes back exactly', (_, value) => {
    const cut = [...value].slice(0, 1000).join('')
    const [sql] = render(relation('table'), [['note', cut]])
    const strings = tokenize(sql!).filter((t) => t.kind === 'string').map((t) => t.text)
    expect(strings).toEqual(['note', cut])
  })

  it('refuses keys with the characters Databricks forbids, and over-long keys and values, naming the tag', () => {
    for (const key of ['a.b', 'a,b', 'a-b', 'a=b', 'a/b', 'a:b', '']) expect(codeOf(() => render(relation('table'), [[key, 'v']])), key).toBe('VALUE_INVALID')
    expect(codeOf(() => render(relation('table'), [], ['Cost-Center']))).toBe('VALUE_INVALID')
    expect(codeOf(() => render(relation('table'), [['k'.repeat(256), 'v']]))).toBe('VALUE_TOO_LONG')
    expect(codeOf(() => render(relation('table'), [['k', 'v'.repeat(1001)]]))).toBe('VALUE_TOO_LONG')
    // 1,000 characters, counted as code points: emoji count once.
    expect(render(relation('table'), [['k', '🦄'.repeat(1000)]])).toHaveLength(1)
    expect(capabilitiesOf(dialect).maxTagValueLength).toEqual({ max: 1000, unit: 'characters' })
  })
})

describe('DatabricksDialect tags, identifier form (tagSyntax: identifier)', () => {
  const newer = new DatabricksDialect({ tagSyntax: 'identifier' })
  const render = (target: ObjectTarget, add: [string, string][], remove: string[] = []) =>
    sqlOf(newer.tags.render(target, { add: add.map(([key, value]) => ({ key, value })), remove: remove.map((key) => ({ key, value: '' })) }))

  it('one SET TAG ON / UNSET TAG ON per tag, keys and values backtick-quoted, removals first', () => {
    expect(render(catalog, [['PII', 'Sensitive']], ['old'])).toEqual(['UNSET TAG ON CATALOG `main` `old`', 'SET TAG ON CATALOG `main` `PII` = `Sensitive`'])
    expect(render(schema, [['k', '']])).toEqual(['SET TAG ON SCHEMA `main`.`sales` `k`'])
    expect(render(relation('table'), [['a', '1'], ['b', '2']])).toEqual(['SET TAG ON TABLE `main`.`sales`.`orders` `a` = `1`', 'SET TAG ON TABLE `main`.`sales`.`orders` `b` = `2`'])
    expect(render(relation('view'), [['a', '1']])).toEqual(['SET TAG ON VIEW `main`.`sales`.`orders` `a` = `1`'])
    expect(render(relation('materialized_view'), [['a', '1']])).toEqual(['SET TAG ON TABLE `main`.`sales`.`orders` `a` = `1`'])
    expect(render(column('view'), [['PII', 'email']])).toEqual(['SET TAG ON COLUMN `main`.`sales`.`orders`.`email` `PII` = `email`'])
  })

  it.each(Object.entries(hostile))('a hostile tag value (%s) decodes back exactly as an identifier', (_, value) => {
    const cut = [...value].slice(0, 1000).join('')
    const [sql] = render(relation('table'), [['note', cut]])
    expect(tokenize(sql!).filter((t) => t.kind === 'ident').map((t) => t.text)).toEqual(['main', 'sales', 'orders', 'note', cut])
  })

  it('checks keys as the literal form does', () => {
    expect(codeOf(() => render(relation('table'), [['a-b', 'v']]))).toBe('VALUE_INVALID')
    expect(codeOf(() => render(relation('table'), [['k', 'v'.repeat(1001)]]))).toBe('VALUE_TOO_LONG')
    expect(codeOf(() => render(relation('table'), [['k', 'a\u0000b']]))).toBe('VALUE_INVALID')
  })
})

describe('DatabricksDialect owners', () => {
  it('transfers ownership of catalogs, schemas, tables and views to a backtick-quoted principal', () => {
    expect(sqlOf(dialect.owners.render(catalog, 'marta@example.com'))).toEqual(['ALTER CATALOG `main` OWNER TO `marta@example.com`'])
    expect(sqlOf(dialect.owners.render(schema, 'data-platform'))).toEqual(['ALTER SCHEMA `main`.`sales` OWNER TO `data-platform`'])
    expect(sqlOf(dialect.owners.render(relation('table'), '6f1c-app-id'))).toEqual(['ALTER TABLE `main`.`sales`.`orders` OWNER TO `6f1c-app-id`'])
    expect(sqlOf(dialect.owners.render(relation('view'), 'grp `x`'))).toEqual(['ALTER VIEW `main`.`sales`.`orders` OWNER TO `grp ``x```'])
  })

  it('has no column owners, and a fallback principal only when configured', () => {
    expect(codeOf(() => dialect.owners.render(column(), 'x'))).toBe('UNSUPPORTED')
    expect(capabilitiesOf(dialect).ownerLevels).toEqual(['database', 'schema', 'table'])
    expect(dialect.owners.fallbackPrincipal).toBeUndefined()
    expect(new DatabricksDialect({ ownerFallback: 'admins' }).owners.fallbackPrincipal).toBe('admins')
  })
})

describe('databricks connection', () => {
  const base = { host: 'https://dbc-1.cloud.databricks.com/', warehouseId: 'wh' }
  it('takes exactly one way to authenticate', () => {
    expect(databricksConnectionSchema.safeParse({ ...base, token: 't' }).success).toBe(true)
    expect(databricksConnectionSchema.safeParse({ ...base, clientId: 'id', clientSecret: 's' }).success).toBe(true)
    expect(databricksConnectionSchema.safeParse(base).success).toBe(false)
    expect(databricksConnectionSchema.safeParse({ ...base, token: 't', clientId: 'id', clientSecret: 's' }).success).toBe(false)
    expect(databricksConnectionSchema.safeParse({ ...base, clientId: 'id' }).success).toBe(false)
    expect(databricksConnectionSchema.safeParse({ ...base, token: 't', tokenFile: 'f' }).success).toBe(false)
  })
  it('trims the host, rejects unknown keys and a wait_timeout the API refuses', () => {
    expect(databricksConnectionSchema.parse({ ...base, token: 't' }).host).toBe('https://dbc-1.cloud.databricks.com')
    expect(databricksConnectionSchema.safeParse({ ...base, token: 't', hots: 'x' }).success).toBe(false)
    expect(databricksConnectionSchema.safeParse({ ...base, token: 't', waitTimeoutSeconds: 3 }).success).toBe(false)
    expect(databricksConnectionSchema.safeParse({ ...base, token: 't', host: 'ftp://x' }).success).toBe(false)
  })
  it('readBack: none (a hive_metastore without information_schema) makes a dialect that claims no read-back', async () => {
    const { databricksConnector } = await import('../../src/connectors/databricks/index.js')
    expect(capabilitiesOf(databricksConnector.createDialect(databricksConnectionSchema.parse({ ...base, token: 't', readBack: 'none' }))).readBack).toBe(false)
    expect(capabilitiesOf(databricksConnector.createDialect(databricksConnectionSchema.parse({ ...base, token: 't' }))).readBack).toBe(true)
  })
})
