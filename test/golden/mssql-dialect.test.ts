import { describe, expect, it } from 'vitest'
import type { ObjectTarget, ObjectType, Statement } from '../../src/connectors/connector.js'
import { capabilitiesOf } from '../../src/connectors/connector.js'
import { mssqlScript } from '../../src/connectors/mssql/mssql-batch.js'
import { MssqlDialect } from '../../src/connectors/mssql/mssql-dialect.js'
import { fitLength } from '../../src/descriptions/fit-length.js'
import type { AssetRef } from '../../src/model/asset.js'
import { displayOf, type SqlStatement } from '../../src/model/statement.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { codeOf } from '../support/results.js'
import { decodeDeclare, decodeMssqlLiteral, interpretProperty } from '../support/mssql-decoder.js'

const dialect = new MssqlDialect()
const base = { service: 'sqlserver', database: 'Shop' }
const at = (asset: Omit<AssetRef, 'service' | 'database'>, objectType: ObjectType, definition?: string): ObjectTarget => ({ asset: { ...base, ...asset } as AssetRef, objectType, ...(definition !== undefined ? { definition } : {}) })
const database = at({ level: 'database' }, 'database')
const schema = at({ level: 'schema', schema: 'sales' }, 'schema')
const table = at({ level: 'table', schema: 'sales', table: 'orders' }, 'table')
const view = at({ level: 'table', schema: 'sales', table: 'v_orders' }, 'view')
const column = (relation?: string) => at({ level: 'column', schema: 'sales', table: 'orders', column: 'email' }, 'column', relation)
const only = (statements: Statement[]): SqlStatement => {
  expect(statements).toHaveLength(1)
  expect(statements[0]!.kind).toBe('sql')
  return statements[0] as SqlStatement
}

/** The display decodes to exactly the values bound, and the statement to the effect expected. */
function decoded(statement: SqlStatement) {
  const { params, sql } = decodeDeclare(displayOf(statement))
  expect(sql).toBe(statement.sql)
  expect(params).toEqual(statement.params)
  return interpretProperty(statement.sql, statement.params!)
}

const upsert = (levels: string) =>
  `IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(@rm_name, ${levels})) EXEC sys.sp_updateextendedproperty @name = @rm_name, @value = @rm_value`

describe('mssql descriptions: MS_Description upserts at every level, values and level names bound', () => {
  it('database: no level arguments, run in that database', () => {
    const s = only(dialect.description.render(database, 'The shop'))
    expect(s.database).toBe('Shop')
    expect(s.sql).toBe(
      "IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(@rm_name, NULL, NULL, NULL, NULL, NULL, NULL)) EXEC sys.sp_updateextendedproperty @name = @rm_name, @value = @rm_value ELSE EXEC sys.sp_addextendedproperty @name = @rm_name, @value = @rm_value",
    )
    expect(s.params).toEqual([
      { name: 'name', value: 'MS_Description', type: 'nvarchar(128)' },
      { name: 'value', value: 'The shop', type: 'nvarchar(4000)' },
    ])
    expect(displayOf(s)).toBe(`DECLARE @rm_name nvarchar(128) = N'MS_Description', @rm_value nvarchar(4000) = N'The shop'; ${s.sql}`)
    expect(decoded(s)).toEqual({ op: 'upsert', name: 'MS_Description', value: 'The shop', levels: [] })
  })

  it('schema, table, view and the columns of both carry their full level chain', () => {
    const s = only(dialect.description.render(schema, 'Sales'))
    expect(s.sql).toBe(`${upsert("N'SCHEMA', @rm_level0name, NULL, NULL, NULL, NULL")}, @level0type = N'SCHEMA', @level0name = @rm_level0name ELSE EXEC sys.sp_addextendedproperty @name = @rm_name, @value = @rm_value, @level0type = N'SCHEMA', @level0name = @rm_level0name`)
    expect(decoded(s).levels).toEqual([['SCHEMA', 'sales']])
    const t = only(dialect.description.render(table, 'Orders'))
    expect(t.sql).toBe(
      `${upsert("N'SCHEMA', @rm_level0name, N'TABLE', @rm_level1name, NULL, NULL")}, @level0type = N'SCHEMA', @level0name = @rm_level0name, @level1type = N'TABLE', @level1name = @rm_level1name ELSE EXEC sys.sp_addextendedproperty @name = @rm_name, @value = @rm_value, @level0type = N'SCHEMA', @level0name = @rm_level0name, @level1type = N'TABLE', @level1name = @rm_level1name`,
    )
    expect(decoded(t)).toEqual({ op: 'upsert', name: 'MS_Description', value: 'Orders', levels: [['SCHEMA', 'sales'], ['TABLE', 'orders']] })
    expect(decoded(only(dialect.description.render(view, 'V'))).levels).toEqual([['SCHEMA', 'sales'], ['VIEW', 'v_orders']])
    expect(decoded(only(dialect.description.render(column(), 'E-mail'))).levels).toEqual([['SCHEMA', 'sales'], ['TABLE', 'orders'], ['COLUMN', 'email']])
    expect(decoded(only(dialect.description.render(column('view'), 'E-mail'))).levels).toEqual([['SCHEMA', 'sales'], ['VIEW', 'orders'], ['COLUMN', 'email']])
  })

  it('removal (null or empty) drops the property only when it is there', () => {
    for (const value of [null, '']) {
      const s = only(dialect.description.render(table, value))
      expect(s.sql).toBe(
        "IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(@rm_name, N'SCHEMA', @rm_level0name, N'TABLE', @rm_level1name, NULL, NULL)) EXEC sys.sp_dropextendedproperty @name = @rm_name, @level0type = N'SCHEMA', @level0name = @rm_level0name, @level1type = N'TABLE', @level1name = @rm_level1name",
      )
      expect(decoded(s)).toEqual({ op: 'drop', name: 'MS_Description', levels: [['SCHEMA', 'sales'], ['TABLE', 'orders']] })
    }
    expect(capabilitiesOf(dialect).emptyDescriptionIsNull).toBe(true)
  })

  it('hostile names are level names as they are (no brackets), bound, and decode back exactly', () => {
    const odd = at({ level: 'column', schema: "s.o'dd ]sch[", table: "N'x' \\\n", column: "c'; DROP TABLE x; --" }, 'column')
    const effect = decoded(only(dialect.description.render(odd, 'x')))
    expect(effect.levels).toEqual([['SCHEMA', "s.o'dd ]sch["], ['TABLE', "N'x' \\\n"], ['COLUMN', "c'; DROP TABLE x; --"]])
  })
})

describe('mssql literals decode back exactly, the backslash-newline trap included', () => {
  const cases: Record<string, string> = {
    ...hostileBase,
    unicode: mixedUnicode,
    nprefix: "N'already' n'x' N''",
    continuationLf: 'end of line \\\nnext',
    continuationCrLf: 'end of line \\\r\nnext \\\\\r\n\\',
    onlyBackslashNewline: '\\\n',
    ampersand: 'R&D &amp; &name',
    emptyish: "''",
  }
  it.each(Object.entries(cases))('%s', (_, value) => {
    expect(decodeMssqlLiteral(dialect.quoteLiteral(value))).toBe(value)
    // Within the limit (the 100 kB case cut as the engine's truncation would cut it).
    const fitting = fitLength(value, 7_500, 'utf16-bytes', 'truncate').text
    expect(decoded(only(dialect.description.render(table, fitting))).value).toBe(fitting)
  })

  it('a backslash before a line break ends a literal: no literal ever holds one', () => {
    expect(dialect.quoteLiteral('a\\\nb')).toBe("(N'a\\' + N'\nb')")
    expect(dialect.quoteLiteral("it's")).toBe("N'it''s'")
    // The decoder models the trap: the naive literal really would lose both characters.
    expect(decodeMssqlLiteral("N'a\\\nb'")).toBe('ab')
  })

  it('refuses NUL and lone surrogates (VALUE_INVALID)', () => {
    expect(codeOf(() => dialect.quoteLiteral('a\0b'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.description.render(table, 'half \uD800'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteIdentifier('a\0'))).toBe('VALUE_INVALID')
  })
})

describe('mssql 7,500-byte value limit, counted as nvarchar (UTF-16) bytes', () => {
  it('the limit is declared in UTF-16 bytes at every level, and the dialect holds it itself', () => {
    expect(capabilitiesOf(dialect).maxDescriptionLength.column).toEqual({ max: 7_500, unit: 'utf16-bytes' })
    expect(decoded(only(dialect.description.render(table, 'é'.repeat(3_750)))).value).toHaveLength(3_750)
    expect(codeOf(() => dialect.description.render(table, 'é'.repeat(3_751)))).toBe('VALUE_TOO_LONG')
    // An emoji is two UTF-16 units: 1,875 of them are exactly 7,500 bytes.
    expect(codeOf(() => dialect.description.render(table, '🦄'.repeat(1_875)))).toBeUndefined()
    expect(codeOf(() => dialect.description.render(table, `${'🦄'.repeat(1_875)}x`))).toBe('VALUE_TOO_LONG')
  })

  it('truncation fits the limit without splitting a surrogate pair or a grapheme', () => {
    const fitted = fitLength(`a${'👩‍👩‍👧'.repeat(2_000)}`, 7_500, 'utf16-bytes', 'truncate')
    expect(fitted.text.length * 2).toBeLessThanOrEqual(7_500)
    expect(fitted.text.endsWith('👩‍👩‍👧…')).toBe(true)
    expect(codeOf(() => dialect.description.render(table, fitted.text))).toBeUndefined()
    expect(decoded(only(dialect.description.render(table, fitted.text))).value).toBe(fitted.text)
  })

  it('names are sysname: 128 UTF-16 units', () => {
    expect(codeOf(() => dialect.quoteIdentifier('x'.repeat(128)))).toBeUndefined()
    expect(codeOf(() => dialect.quoteIdentifier('x'.repeat(129)))).toBe('NAME_TOO_LONG')
    expect(dialect.quoteIdentifier('a]b')).toBe('[a]]b]')
  })
})

describe('mssql tags: extended properties named <prefix><classification>', () => {
  it('removes first (only while the old value is there, compared byte for byte), then upserts', () => {
    const statements = dialect.tags.render(table, { add: [{ key: 'PII', value: 'NonSensitive' }], remove: [{ key: 'PII', value: 'Sensitive' }] }) as SqlStatement[]
    expect(statements.map((s) => decoded(s))).toEqual([
      { op: 'drop', name: 'openmetadata.tag.PII', onlyIf: 'Sensitive', levels: [['SCHEMA', 'sales'], ['TABLE', 'orders']] },
      { op: 'upsert', name: 'openmetadata.tag.PII', value: 'NonSensitive', levels: [['SCHEMA', 'sales'], ['TABLE', 'orders']] },
    ])
    expect(statements[0]!.sql).toContain('WHERE CAST(value AS nvarchar(4000)) COLLATE Latin1_General_BIN2 = @rm_value COLLATE Latin1_General_BIN2')
  })

  it('at every level, under a configured prefix; a name past sysname is NAME_TOO_LONG', () => {
    const custom = new MssqlDialect({ tagPrefix: 'om:' })
    for (const target of [database, schema, table, view, column()]) {
      const [s] = custom.tags.render(target, { add: [{ key: "Tier'1", value: "Gold 'x'" }], remove: [] }) as SqlStatement[]
      expect(decoded(s!)).toMatchObject({ op: 'upsert', name: "om:Tier'1", value: "Gold 'x'" })
    }
    expect(codeOf(() => dialect.tags.render(table, { add: [{ key: 'k'.repeat(120), value: 'v' }], remove: [] }))).toBe('NAME_TOO_LONG')
    expect(capabilitiesOf(dialect).tagLevels).toEqual(['database', 'schema', 'table', 'column'])
  })
})

describe('mssql owners: ALTER AUTHORIZATION, announced as dropping permissions below the database', () => {
  it('database to a login, schema and table/view to a principal; columns have none', () => {
    expect(only(dialect.owners.render(database, 'svc_login')).sql).toBe('ALTER AUTHORIZATION ON DATABASE::[Shop] TO [svc_login]')
    expect(only(dialect.owners.render(schema, 'data]team')).sql).toBe('ALTER AUTHORIZATION ON SCHEMA::[sales] TO [data]]team]')
    expect(only(dialect.owners.render(view, 'analysts')).sql).toBe('ALTER AUTHORIZATION ON OBJECT::[sales].[v_orders] TO [analysts]')
    expect(only(dialect.owners.render(view, 'analysts')).params).toBeUndefined()
    expect(codeOf(() => dialect.owners.render(column(), 'x'))).toBe('UNSUPPORTED')
    expect(capabilitiesOf(dialect).ownerChangeDropsPermissions).toEqual(['schema', 'table'])
  })
})

describe('mssql batches: one request, all or nothing, each statement with its own placeholders', () => {
  it('renames placeholders per statement and wraps the batch in a transaction under TRY/CATCH', () => {
    const a = only(dialect.description.render(table, "it's"))
    const b = only(dialect.description.render(column(), null))
    const script = mssqlScript([a, b], ['SET LOCK_TIMEOUT 5000'])
    expect(script.text).toBe(
      [
        'SET LOCK_TIMEOUT 5000;',
        'SET XACT_ABORT ON;',
        'BEGIN TRY',
        'BEGIN TRANSACTION;',
        `${a.sql.replaceAll('@rm_', '@rm0_')};`,
        `${b.sql.replaceAll('@rm_', '@rm1_')};`,
        'COMMIT TRANSACTION;',
        'END TRY',
        'BEGIN CATCH',
        'IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;',
        'THROW;',
        'END CATCH',
      ].join('\n'),
    )
    expect(script.params.map((p) => [p.name, p.value])).toEqual([
      ['rm0_name', 'MS_Description'],
      ['rm0_value', "it's"],
      ['rm0_level0name', 'sales'],
      ['rm0_level1name', 'orders'],
      ['rm1_name', 'MS_Description'],
      ['rm1_level0name', 'sales'],
      ['rm1_level1name', 'orders'],
      ['rm1_level2name', 'email'],
    ])
    // No catalog text is in the batch itself: every placeholder it names is bound.
    const names = new Set(script.params.map((p) => `@${p.name}`))
    for (const used of script.text.match(/@rm\d+_\w+/g) ?? []) expect(names.has(used)).toBe(true)
  })

  it('the session setup maps lockTimeoutMs (0: wait for ever) and refuses nonsense', () => {
    expect(dialect.sessionSetup({ lockTimeoutMs: 0 })).toEqual(['SET LOCK_TIMEOUT -1'])
    expect(codeOf(() => dialect.sessionSetup({ lockTimeoutMs: -5 }))).toBe('VALUE_INVALID')
  })
})
