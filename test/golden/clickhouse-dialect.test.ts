import { describe, expect, it } from 'vitest'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel } from '../../src/config/load-config.js'
import { clickhouseConnectionSchema } from '../../src/connectors/clickhouse/clickhouse-connection.js'
import { ClickhouseDialect, columnHosts } from '../../src/connectors/clickhouse/clickhouse-dialect.js'
import { httpCommandSettings, renderSettings } from '../../src/connectors/clickhouse/clickhouse-settings.js'
import { clickhouseConnector } from '../../src/connectors/clickhouse/index.js'
import type { ObjectType } from '../../src/connectors/connector.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import type { Operation } from '../../src/model/operation.js'
import { clickhouseHostile, controlCharacters, decodeClickhouseQuoted } from '../support/clickhouse-cases.js'
import { codeOf, sqlOf } from '../support/results.js'
import { salesTargets } from '../support/targets.js'

const dialect = new ClickhouseDialect()
const clustered = new ClickhouseDialect({ onCluster: 'prod' })

// OpenMetadata's catalog database for ClickHouse is `default` (its databaseName option); `sales` is a ClickHouse database.
const { asset, target, database, schema, relation, column } = salesTargets({ service: 'ch', database: 'default' })

/** The literal at the end of a rendered statement. */
const trailingLiteral = (sql: string): string => sql.slice(sql.indexOf(" '") + 1)

describe('ClickhouseDialect statements', () => {
  it('comments a ClickHouse database (the catalog schema), tables, views and columns', () => {
    expect(dialect.renderDescription(schema, 'Sales')).toEqual([{ kind: 'sql', database: 'default', sql: "ALTER DATABASE `sales` MODIFY COMMENT 'Sales'" }])
    for (const type of ['table', 'view', 'materialized_view'] as ObjectType[]) {
      expect(dialect.renderDescription(relation(type), 'd')).toEqual([{ kind: 'sql', database: 'default', sql: "ALTER TABLE `sales`.`orders` MODIFY COMMENT 'd'" }])
    }
    expect(dialect.renderDescription(column, 'Key')).toEqual([{ kind: 'sql', database: 'default', sql: "ALTER TABLE `sales`.`orders` COMMENT COLUMN `id` 'Key'" }])
  })

  it('removes a description with the empty comment, for null and for the empty string', () => {
    expect(sqlOf(dialect.renderDescription(schema, null))).toEqual(["ALTER DATABASE `sales` MODIFY COMMENT ''"])
    expect(sqlOf(dialect.renderDescription(relation('table'), ''))).toEqual(["ALTER TABLE `sales`.`orders` MODIFY COMMENT ''"])
    expect(sqlOf(dialect.renderDescription(column, null))).toEqual(["ALTER TABLE `sales`.`orders` COMMENT COLUMN `id` ''"])
  })

  it('adds ON CLUSTER to every ALTER when configured', () => {
    expect(sqlOf(clustered.renderDescription(schema, 's'))).toEqual(["ALTER DATABASE `sales` ON CLUSTER `prod` MODIFY COMMENT 's'"])
    expect(sqlOf(clustered.renderDescription(relation('table'), 't'))).toEqual(["ALTER TABLE `sales`.`orders` ON CLUSTER `prod` MODIFY COMMENT 't'"])
    expect(sqlOf(clustered.renderDescription(column, 'c'))).toEqual(["ALTER TABLE `sales`.`orders` ON CLUSTER `prod` COMMENT COLUMN `id` 'c'"])
    const odd = new ClickhouseDialect({ onCluster: 'my `cluster`' })
    expect(sqlOf(odd.renderDescription(schema, 's'))).toEqual(["ALTER DATABASE `sales` ON CLUSTER `my \\`cluster\\`` MODIFY COMMENT 's'"])
    expect(codeOf(() => new ClickhouseDialect({ onCluster: '' }))).toBe('VALUE_INVALID')
  })

  it('takes onCluster from the connection', () => {
    const connection = clickhouseConnectionSchema.parse({ onCluster: 'c1' })
    expect(sqlOf(clickhouseConnector.createDialect(connection).renderDescription(schema, 'x'))).toEqual(["ALTER DATABASE `sales` ON CLUSTER `c1` MODIFY COMMENT 'x'"])
    const embedded = clickhouseConnectionSchema.parse({ mode: 'embedded' })
    expect(sqlOf(clickhouseConnector.createDialect(embedded).renderDescription(schema, 'x'))).toEqual(["ALTER DATABASE `sales` MODIFY COMMENT 'x'"])
  })

  it('refuses what ClickHouse cannot hold with UNSUPPORTED', () => {
    // The catalog database is a label of OpenMetadata's, not a ClickHouse object.
    expect(codeOf(() => dialect.renderDescription(database, 'x'))).toBe('UNSUPPORTED')
    expect(codeOf(() => dialect.renderOwner(relation('table'), 'alice'))).toBe('UNSUPPORTED')
    expect(codeOf(() => dialect.renderOwner(schema, 'alice'))).toBe('UNSUPPORTED')
    // ClickHouse accepts COMMENT COLUMN on a materialized view with an inner table but keeps nothing.
    expect(codeOf(() => dialect.renderDescription({ ...column, definition: columnHosts.innerMaterializedView }, 'x'))).toBe('UNSUPPORTED')
    expect(codeOf(() => dialect.renderDescription({ ...column, definition: columnHosts.dictionary }, 'x'))).toBe('UNSUPPORTED')
    // A materialized view writing TO another table keeps its column comments; views too.
    expect(sqlOf(dialect.renderDescription({ ...column, definition: 'MaterializedView' }, 'x'))).toEqual(["ALTER TABLE `sales`.`orders` COMMENT COLUMN `id` 'x'"])
    expect(sqlOf(dialect.renderDescription({ ...column, definition: 'View' }, 'x'))).toEqual(["ALTER TABLE `sales`.`orders` COMMENT COLUMN `id` 'x'"])
  })

  it('refuses a target whose object type does not fit its level', () => {
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'table', schema: 's', table: 't' }), 'column'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'table', schema: 's', table: 't' }), 'foreign_table'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'schema', schema: 's' }), 'table'), 'x'))).toBe('INTERNAL')
    expect(codeOf(() => dialect.renderDescription(target(asset({ level: 'table', schema: 's' }), 'table'), 'x'))).toBe('INTERNAL')
  })

  it('bounds lock waits in whole seconds, rounded up', () => {
    expect(dialect.sessionSetup({ lockTimeoutMs: 5000 })).toEqual(['SET lock_acquire_timeout = 5'])
    expect(dialect.sessionSetup({ lockTimeoutMs: 1 })).toEqual(['SET lock_acquire_timeout = 1'])
    expect(dialect.sessionSetup({ lockTimeoutMs: 0 })).toEqual(['SET lock_acquire_timeout = 0'])
    expect(codeOf(() => dialect.sessionSetup({ lockTimeoutMs: 1.5 }))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.sessionSetup({ lockTimeoutMs: -1 }))).toBe('VALUE_INVALID')
  })

  it('renders settings as SET statements, refusing anything that is not a setting name', () => {
    expect(renderSettings({ lock_acquire_timeout: 3, max_query_size: 10 })).toEqual(['SET lock_acquire_timeout = 3', 'SET max_query_size = 10'])
    expect(codeOf(() => renderSettings({ 'x = 1; DROP': 1 }))).toBe('INTERNAL')
    expect(codeOf(() => renderSettings({ x: 1.5 }))).toBe('INTERNAL')
  })

  it('buffers HTTP statements, and ends ON CLUSTER waits before the request times out', () => {
    expect(httpCommandSettings({ requestTimeoutMs: 30_000 })).toEqual({ wait_end_of_query: 1 })
    expect(httpCommandSettings({ onCluster: 'c', requestTimeoutMs: 30_000 })).toEqual({ wait_end_of_query: 1, distributed_ddl_task_timeout: 29 })
    expect(httpCommandSettings({ onCluster: 'c', requestTimeoutMs: 500 })).toEqual({ wait_end_of_query: 1, distributed_ddl_task_timeout: 1 })
  })

  it('declares its capabilities', () => {
    expect(dialect.name).toBe('clickhouse')
    expect(dialect.capabilities).toEqual({
      descriptionLevels: ['schema', 'table', 'column'],
      ownerLevels: [],
      tagLevels: [],
      ownerCardinality: 'one',
      maxDescriptionLength: {},
      emptyDescriptionIsNull: true,
      readBack: true,
    })
  })

  it('reports owners and tags as unsupported before anything is rendered', () => {
    const channel: ResolvedChannel = { ...channelSchema.parse({ name: 'c' }), services: ['ch'], compiled: {} }
    const owners = ownerMappingSchema.parse({})
    const base = { id: 'x', channel: 'c', service: 'ch', asset: relation('table').asset, origins: [] }
    const ops: Operation[] = [
      { ...base, kind: 'owners', add: [{ type: 'user', name: 'a' }], remove: [] },
      { ...base, kind: 'tags', add: [{ tagFQN: 'PII.Sensitive', source: 'Classification' }], remove: [] },
      { ...base, asset: database.asset, kind: 'description', description: 'x' },
    ]
    for (const op of ops) expect(prepareOperation(op, dialect, owners, channel, undefined)).toMatchObject({ outcome: 'unsupported', statements: [], error: { code: 'UNSUPPORTED' } })
  })
})

describe('ClickhouseDialect literals', () => {
  const cases: [string, string, string][] = [
    ['single quotes', `it's 'quoted'`, String.raw`'it\'s \'quoted\''`],
    ['backslash', 'C:\\temp\\new', String.raw`'C:\\temp\\new'`],
    ['backslash before quote', `\\'`, String.raw`'\\\''`],
    ['trailing backslash', 'end\\', String.raw`'end\\'`],
    ['double quotes and backticks stay', 'say "hi" `x`', `'say "hi" \`x\`'`],
    ['dollar quotes', '$$ body $$ and $tag$x$tag$ $1', `'$$ body $$ and $tag$x$tag$ $1'`],
    ['newlines, CR and tab', 'a\nb\r\nc\rd\te', String.raw`'a\nb\r\nc\rd\te'`],
    ['NUL', 'a\0b', String.raw`'a\0b'`],
    ['other control characters', '\x01\x1b[0m\x7f', String.raw`'\x01\x1B[0m\x7F'`],
    ['placeholders', '{x:String} ?', `'{x:String} ?'`],
    ['emoji and ZWJ', '🦄 👩‍👩‍👧 ✓', `'🦄 👩‍👩‍👧 ✓'`],
    ['right-to-left', 'שלום עולם مرحبا', `'שלום עולם مرحبا'`],
    ['combining marks', 'e\u0301 a\u030a Z\u0351\u0360', `'e\u0301 a\u030a Z\u0351\u0360'`],
    ['SQL injection attempt', `'; DROP TABLE x; --`, String.raw`'\'; DROP TABLE x; --'`],
    ['comment markers', '/* -- */ #', `'/* -- */ #'`],
    ['empty', '', `''`],
  ]
  for (const [name, value, expected] of cases) {
    it(`quotes ${name}`, () => {
      const literal = dialect.quoteLiteral(value)
      expect(literal).toBe(expected)
      expect(decodeClickhouseQuoted(literal)).toBe(value)
    })
  }

  it('escapes every control character and keeps statements on one line', () => {
    const literal = dialect.quoteLiteral(controlCharacters)
    expect(literal).toBe(
      String.raw`'\0\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0B\x0C\r\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F'`,
    )
    expect(decodeClickhouseQuoted(literal)).toBe(controlCharacters)
  })

  it('round-trips every hostile value through the lexer rules', () => {
    for (const [name, value] of Object.entries(clickhouseHostile)) {
      const sql = sqlOf(dialect.renderDescription(column, value))[0]!
      expect(sql.startsWith("ALTER TABLE `sales`.`orders` COMMENT COLUMN `id` '"), name).toBe(true)
      expect(sql, name).not.toMatch(/[\x00-\x1f\x7f]/)
      expect(decodeClickhouseQuoted(trailingLiteral(sql)), name).toBe(value)
    }
  })

  it('quotes 100 kB of text exactly', () => {
    const value = `${"x'y\\z".repeat(20_000)}🦄`
    const literal = dialect.quoteLiteral(value)
    expect(literal).toBe(`'${"x\\'y\\\\z".repeat(20_000)}🦄'`)
    expect(decodeClickhouseQuoted(literal)).toBe(value)
    expect(sqlOf(dialect.renderDescription(relation('table'), value))).toEqual([`ALTER TABLE \`sales\`.\`orders\` MODIFY COMMENT ${literal}`])
  })

  it('refuses unpaired surrogates', () => {
    expect(codeOf(() => dialect.quoteLiteral('a\uD83Eb'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteLiteral('\uDD84'))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.renderDescription(column, 'a\uD83E'))).toBe('VALUE_INVALID')
  })
})

describe('ClickhouseDialect identifiers', () => {
  it('always backtick-quotes, escaping backticks and backslashes with a backslash', () => {
    expect(dialect.quoteIdentifier('orders')).toBe('`orders`')
    expect(dialect.quoteIdentifier('Mixed Case')).toBe('`Mixed Case`')
    expect(dialect.quoteIdentifier('a.b')).toBe('`a.b`')
    expect(dialect.quoteIdentifier('a`b')).toBe('`a\\`b`')
    expect(dialect.quoteIdentifier('back\\slash')).toBe('`back\\\\slash`')
    expect(dialect.quoteIdentifier('\\`')).toBe('`\\\\\\``')
    expect(dialect.quoteIdentifier(`it's "x"`)).toBe(`\`it's "x"\``)
    expect(dialect.quoteIdentifier('nl\nx\0')).toBe('`nl\\nx\\0`')
    expect(dialect.quoteIdentifier('select')).toBe('`select`')
    expect(dialect.quoteIdentifier('naïve 🦄')).toBe('`naïve 🦄`')
    for (const name of ['a`b', 'back\\slash', '\\`', 'nl\nx\0', 'a.b c']) expect(decodeClickhouseQuoted(dialect.quoteIdentifier(name))).toBe(name)
  })

  it('renders hostile names in every position', () => {
    const hostile = target(asset({ level: 'column', database: 'my "db"', schema: 'my.db`x', table: 'Tab\\le', column: 'col umn' }), 'column')
    expect(dialect.renderDescription(hostile, 'x')).toEqual([{ kind: 'sql', database: 'my "db"', sql: "ALTER TABLE `my.db\\`x`.`Tab\\\\le` COMMENT COLUMN `col umn` 'x'" }])
    const db = target(asset({ level: 'schema', schema: 'we`ird \\ db' }), 'schema')
    expect(sqlOf(clustered.renderDescription(db, 'x'))).toEqual(["ALTER DATABASE `we\\`ird \\\\ db` ON CLUSTER `prod` MODIFY COMMENT 'x'"])
  })

  it('refuses empty names and unpaired surrogates, and has no length limit of its own', () => {
    expect(codeOf(() => dialect.quoteIdentifier(''))).toBe('VALUE_INVALID')
    expect(codeOf(() => dialect.quoteIdentifier('a\uD800'))).toBe('VALUE_INVALID')
    expect(dialect.quoteIdentifier('a'.repeat(300))).toBe(`\`${'a'.repeat(300)}\``)
  })
})

describe('ClickHouse connection schema', () => {
  it('defaults to HTTP on the local server', () => {
    expect(clickhouseConnectionSchema.parse({})).toEqual({
      mode: 'http',
      url: 'http://127.0.0.1:8123',
      username: 'default',
      database: 'default',
      requestTimeoutMs: 30_000,
      lockTimeoutMs: 5_000,
    })
    expect(clickhouseConnectionSchema.parse({ mode: 'embedded' })).toEqual({ mode: 'embedded', lockTimeoutMs: 5_000 })
    expect(clickhouseConnectionSchema.parse({ requestTimeoutMs: '1000', lockTimeoutMs: '0' })).toMatchObject({ requestTimeoutMs: 1000, lockTimeoutMs: 0 })
  })

  it('rejects unknown keys, keys of the other mode, bad URLs and two passwords', () => {
    const bad = [{ host: 'x' }, { mode: 'embedded', url: 'http://x' }, { path: '/tmp/x' }, { url: 'ftp://x' }, { url: 'not a url' }, { password: 'a', passwordFile: 'f' }, { mode: 'native' }, { onCluster: '' }]
    for (const value of bad) expect(clickhouseConnectionSchema.safeParse(value).success, JSON.stringify(value)).toBe(false)
  })
})
