import { describe, expect, it } from 'vitest'
import type { ObjectTarget, ObjectType, Statement } from '../../src/connectors/connector.js'
import { capabilitiesOf } from '../../src/connectors/connector.js'
import { OracleDialect } from '../../src/connectors/oracle/oracle-dialect.js'
import { oracleNames } from '../../src/connectors/oracle/oracle-names.js'
import { oracleHasAnnotations } from '../../src/connectors/oracle/oracle-version.js'
import { fitLength } from '../../src/descriptions/fit-length.js'
import type { AssetRef } from '../../src/model/asset.js'
import { displayOf } from '../../src/model/statement.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { codeOf } from '../support/results.js'
import { decodeOracleLiteral, interpretOracle } from '../support/oracle-decoder.js'

const dialect = new OracleDialect({ version: '23.4.0.24.5' })
const base = { service: 'ora', database: 'FREEPDB1' }
const at = (asset: Omit<AssetRef, 'service' | 'database'>, objectType: ObjectType, definition?: string): ObjectTarget => ({ asset: { ...base, ...asset } as AssetRef, objectType, ...(definition !== undefined ? { definition } : {}) })
const relation = (type: ObjectType) => at({ level: 'table', schema: 'SALES', table: 'ORDERS' }, type)
const column = (of?: string) => at({ level: 'column', schema: 'SALES', table: 'ORDERS', column: 'EMAIL' }, 'column', of)
const texts = (statements: Statement[]) => statements.map(displayOf)

describe('oracle descriptions: COMMENT ON tables, views, materialized views and columns', () => {
  it('one statement per object type, names quoted exactly as the catalog has them', () => {
    expect(texts(dialect.description!.render(relation('table'), 'Orders'))).toEqual([`COMMENT ON TABLE "SALES"."ORDERS" IS 'Orders'`])
    expect(texts(dialect.description!.render(relation('view'), 'V'))).toEqual([`COMMENT ON TABLE "SALES"."ORDERS" IS 'V'`])
    expect(texts(dialect.description!.render(relation('materialized_view'), 'MV'))).toEqual([`COMMENT ON MATERIALIZED VIEW "SALES"."ORDERS" IS 'MV'`])
    expect(texts(dialect.description!.render(column(), 'E-mail'))).toEqual([`COMMENT ON COLUMN "SALES"."ORDERS"."EMAIL" IS 'E-mail'`])
    // OpenMetadata shows ORDERS as orders (SQLAlchemy lowers it): folded back; Orders was created quoted and stays.
    expect(texts(dialect.description!.render(at({ level: 'column', schema: 'sales', table: 'Orders', column: 'e_mail$2' }, 'column'), 'x'))).toEqual([`COMMENT ON COLUMN "SALES"."Orders"."E_MAIL$2" IS 'x'`])
    const preserving = new OracleDialect({ preserveIdentifierCase: true })
    expect(texts(preserving.description!.render(at({ level: 'table', schema: 'sales', table: 'orders' }, 'table'), 'x'))).toEqual([`COMMENT ON TABLE "sales"."orders" IS 'x'`])
  })

  it("removal is IS '' (the empty string is NULL in Oracle), for null and ''", () => {
    for (const value of [null, '']) expect(texts(dialect.description!.render(column(), value))).toEqual([`COMMENT ON COLUMN "SALES"."ORDERS"."EMAIL" IS ''`])
    expect(capabilitiesOf(dialect).emptyDescriptionIsNull).toBe(true)
  })

  it('database and schema levels, and owners, are unsupported with reasons', () => {
    const caps = capabilitiesOf(dialect)
    expect(caps.descriptionLevels).toEqual(['table', 'column'])
    expect(caps.ownerLevels).toEqual([])
    expect(dialect.unsupportedReasons.description).toMatch(/no COMMENT ON SCHEMA/)
    expect(dialect.unsupportedReasons.owners).toMatch(/owner is the schema/)
    expect(codeOf(() => dialect.description!.render(at({ level: 'schema', schema: 'S' }, 'schema'), 'x'))).toBe('UNSUPPORTED')
  })
})

describe('oracle names: the catalog\'s case to Oracle\'s and back, as SQLAlchemy (OpenMetadata\'s ingestion) does', () => {
  const names = oracleNames(false)
  it.each([
    ['orders', 'ORDERS'],
    ['order_items$2', 'ORDER_ITEMS$2'],
    ['_x', '_X'],
    ['Orders', 'Orders'],
    ['my table', 'my table'],
    ['2fast', '2fast'],
    ['$x', '$x'],
    ['comment', 'comment'],
    ['table', 'table'],
    ['ünïcode', 'ünïcode'],
    ["it's", "it's"],
  ])('%s ↔ %s', (catalog, oracle) => {
    expect(names.toOracle(catalog)).toBe(oracle)
    expect(names.toCatalog(oracle)).toBe(catalog)
  })
  it('reserved words stored in upper case (only ever created quoted) stay upper case in the catalog', () => {
    expect(names.toCatalog('COMMENT')).toBe('COMMENT')
    expect(names.toOracle('COMMENT')).toBe('COMMENT')
  })
  it('preserveIdentifierCase keeps every name as it is, both ways', () => {
    expect(oracleNames(true).toOracle('orders')).toBe('orders')
    expect(oracleNames(true).toCatalog('ORDERS')).toBe('ORDERS')
  })
})

describe('oracle literals decode back exactly', () => {
  const cases: Record<string, string> = {
    ...hostileBase,
    unicode: mixedUnicode,
    qDelimiters: "q'[x]' q'{y}' Q'<z>' ]' }'",
    nprefix: "N'x' n''",
    ampersand: 'R&D &name &&1 SET DEFINE OFF',
    backslashNewline: 'a \\\nb',
  }
  it.each(Object.entries(cases))('%s', (_, value) => {
    expect(decodeOracleLiteral(dialect.quoteLiteral(value))).toBe(value)
    const fitting = fitLength(value, 4_000, 'bytes', 'truncate').text
    const [text] = texts(dialect.description!.render(column(), fitting))
    const effect = interpretOracle(text!)
    expect(effect).toMatchObject({ op: 'comment', keyword: 'COLUMN', name: ['SALES', 'ORDERS', 'EMAIL'], value: fitting })
  })

  it("a value with a quote is written q'[...]' so the literal is no longer than the value; '' doubling when no delimiter fits", () => {
    expect(dialect.quoteLiteral("it's")).toBe("q'[it's]'")
    expect(dialect.quoteLiteral("a]' b")).toBe("q'{a]' b}'")
    expect(dialect.quoteLiteral('no quote')).toBe("'no quote'")
    const every = "]' }' >' )' !' #' |' ~'"
    expect(dialect.quoteLiteral(every)).toBe(`'${every.replaceAll("'", "''")}'`)
    expect(decodeOracleLiteral(dialect.quoteLiteral(every))).toBe(every)
    // 4,000 bytes of quotes: doubled they would be an 8,002-character literal (ORA-01704).
    const quotes = "'".repeat(4_000)
    expect(dialect.quoteLiteral(quotes)).toHaveLength(4_005)
    expect(decodeOracleLiteral(dialect.quoteLiteral(quotes))).toBe(quotes)
  })

  it('& is left alone (drivers never substitute it; SQL*Plus users SET DEFINE OFF)', () => {
    expect(dialect.quoteLiteral('R&D')).toBe(`'R&D'`)
  })

  it("the decoder reads q'...' forms as Oracle does, so hand-written statements compare too", () => {
    expect(decodeOracleLiteral("q'[it's]'")).toBe("it's")
    expect(decodeOracleLiteral("q'{a}b}'")).toBe('a}b')
    expect(decodeOracleLiteral("Q'!x'y!'")).toBe("x'y")
    expect(decodeOracleLiteral("nq'<ü>'")).toBe('ü')
    expect(decodeOracleLiteral("'it''s'")).toBe("it's")
  })

  it('refuses NUL, lone surrogates and names holding a double quote (VALUE_INVALID); names past 128 bytes (NAME_TOO_LONG)', () => {
    expect(codeOf(() => dialect.quoteLiteral('a\0b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteLiteral('\uDC00'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteIdentifier('a"b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteIdentifier('é'.repeat(64)))).toBeUndefined()
    expect(codeOf(() => dialect.quoteIdentifier(`${'é'.repeat(64)}x`))).toBe('NAME_TOO_LONG')
  })
})

describe('oracle 4,000-byte comments: bytes, not characters, and truncation never splits a character', () => {
  it('the limit is UTF-8 bytes at table and column level', () => {
    expect(capabilitiesOf(dialect).maxDescriptionLength).toEqual({ table: { max: 4_000, unit: 'bytes' }, column: { max: 4_000, unit: 'bytes' } })
  })

  it.each([
    ['2-byte é', 'é'],
    ['3-byte 語', '語'],
    ['4-byte 🦄', '🦄'],
    ['ZWJ family', '👩‍👩‍👧'],
  ])('%s at the boundary', (_, unit) => {
    const fitted = fitLength(unit.repeat(5_000), 4_000, 'bytes', 'truncate')
    const bytes = Buffer.byteLength(fitted.text, 'utf8')
    expect(bytes).toBeLessThanOrEqual(4_000)
    expect(bytes).toBeGreaterThan(4_000 - Buffer.byteLength(unit, 'utf8') - 3 - 1)
    expect(fitted.text.endsWith(`${unit}…`)).toBe(true)
    const [text] = texts(dialect.description!.render(relation('table'), fitted.text))
    expect(interpretOracle(text!)).toMatchObject({ value: fitted.text })
    expect(fitLength('a'.repeat(4_000), 4_000, 'bytes', 'fail').truncated).toBe(false)
    expect(codeOf(() => fitLength('é'.repeat(2_001), 4_000, 'bytes', 'fail'))).toBe('VALUE_TOO_LONG')
  })
})

describe('oracle tags: schema annotations on 23ai and 19.28+', () => {
  it('the version decides', () => {
    expect([undefined, '19.3.0.0.0', '19.27.0.0.0', '21.3.0.0.0', 'x'].map((v) => oracleHasAnnotations(v))).toEqual([false, false, false, false, false])
    expect(['19.28.0.0.0', '19.30', '23.4.0.24.5', '26.1'].map((v) => oracleHasAnnotations(v))).toEqual([true, true, true, true])
    const old = new OracleDialect({ version: '19.3.0.0.0' })
    expect(capabilitiesOf(old).tagLevels).toEqual([])
    expect(old.unsupportedReasons.tags).toMatch(/23ai or 19\.28\+; this server is 19\.3\.0\.0\.0/)
    expect(new OracleDialect().unsupportedReasons.tags).toMatch(/offline: set connection.version/)
    expect(capabilitiesOf(dialect).tagLevels).toEqual(['table', 'column'])
    expect(capabilitiesOf(dialect).maxTagValueLength).toEqual({ max: 4_000, unit: 'bytes' })
  })

  it('add is DROP IF EXISTS then ADD (an upsert on every version); remove is DROP IF EXISTS', () => {
    const tags = dialect.tags!
    expect(texts(tags.render(relation('table'), { add: [{ key: 'PII', value: "it's & more" }], remove: [{ key: 'Tier', value: 'Gold' }] }))).toEqual([
      `ALTER TABLE "SALES"."ORDERS" ANNOTATIONS (DROP IF EXISTS "Tier")`,
      `ALTER TABLE "SALES"."ORDERS" ANNOTATIONS (DROP IF EXISTS "PII")`,
      `ALTER TABLE "SALES"."ORDERS" ANNOTATIONS (ADD "PII" q'[it's & more]')`,
    ])
    expect(texts(tags.render(relation('view'), { add: [{ key: 'PII', value: 'x' }], remove: [] }))[1]).toBe(`ALTER VIEW "SALES"."ORDERS" ANNOTATIONS (ADD "PII" 'x')`)
    expect(texts(tags.render(relation('materialized_view'), { add: [], remove: [{ key: 'PII', value: 'x' }] }))).toEqual([`ALTER MATERIALIZED VIEW "SALES"."ORDERS" ANNOTATIONS (DROP IF EXISTS "PII")`])
    const onColumn = texts(tags.render(column(), { add: [{ key: 'PII.Sub', value: 'Sensitive' }], remove: [] }))
    expect(onColumn).toEqual([`ALTER TABLE "SALES"."ORDERS" MODIFY ("EMAIL" ANNOTATIONS (DROP IF EXISTS "PII.Sub"))`, `ALTER TABLE "SALES"."ORDERS" MODIFY ("EMAIL" ANNOTATIONS (ADD "PII.Sub" 'Sensitive'))`])
    expect(interpretOracle(onColumn[1]!)).toEqual({ op: 'annotate', keyword: 'TABLE', name: ['SALES', 'ORDERS'], column: 'EMAIL', action: 'add', key: 'PII.Sub', value: 'Sensitive' })
  })

  it('hostile tag values decode back exactly; a column of a view, a quote in a key, a long key are refused', () => {
    for (const value of Object.values(hostileBase).map((v) => fitLength(v, 4_000, 'bytes', 'truncate').text)) {
      const [, add] = texts(dialect.tags!.render(relation('table'), { add: [{ key: 'K', value }], remove: [] }))
      expect(interpretOracle(add!)).toMatchObject({ action: 'add', key: 'K', value })
    }
    expect(codeOf(() => dialect.tags!.render(column('view'), { add: [{ key: 'K', value: 'v' }], remove: [] }))).toBe('UNSUPPORTED')
    expect(codeOf(() => dialect.tags!.render(relation('table'), { add: [{ key: 'a"b', value: 'v' }], remove: [] }))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.tags!.render(relation('table'), { add: [{ key: 'k'.repeat(1_025), value: 'v' }], remove: [] }))).toBe('NAME_TOO_LONG')
  })

  it('the session setup bounds DDL lock waits in whole seconds', () => {
    expect(dialect.sessionSetup({ lockTimeoutMs: 5_000 })).toEqual(['ALTER SESSION SET DDL_LOCK_TIMEOUT = 5'])
    expect(dialect.sessionSetup({ lockTimeoutMs: 1 })).toEqual(['ALTER SESSION SET DDL_LOCK_TIMEOUT = 1'])
  })
})
