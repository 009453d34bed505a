import { describe, expect, it } from 'vitest'
import type { ObjectState, ObjectTarget, TagDefinition } from '../../src/connectors/connector.js'
import { SnowflakeDialect } from '../../src/connectors/snowflake/snowflake-dialect.js'
import { snowflakeSnapshot, snowflakeTagDefinitionQuery, snowflakeTagDefinitions } from '../../src/connectors/snowflake/snowflake-read-back.js'
import { renderSnowflakeTags } from '../../src/connectors/snowflake/snowflake-tags.js'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import type { AssetRef } from '../../src/model/asset.js'
import { codeOf, sqlOf } from '../support/results.js'

/** Allowed tag values and the schema of a database's tags, from SHOW TAGS rows: pure steps. */
const dialect = new SnowflakeDialect()
const defs = (...list: [name: string, database: string, schema: string, allowed?: string[]][]): Map<string, TagDefinition[]> =>
  snowflakeTagDefinitions(list.map(([name, database, schema, allowed]) => ({ name, database_name: database, schema_name: schema, allowed_values: allowed === undefined ? null : JSON.stringify(allowed) })))
const at = (asset: Omit<AssetRef, 'service' | 'database'>, tagDefinitions?: Map<string, TagDefinition[]>): ObjectTarget => ({
  asset: { service: 'snow', database: 'SALES', ...asset } as AssetRef,
  objectType: asset.level === 'column' ? 'column' : asset.level === 'table' ? 'table' : asset.level,
  ...(tagDefinitions !== undefined ? { tagDefinitions } : {}),
})
const database = (d?: Map<string, TagDefinition[]>) => at({ level: 'database' }, d)
const table = (d?: Map<string, TagDefinition[]>) => at({ level: 'table', schema: 'PUBLIC', table: 'ORDERS' }, d)
const thrown = (fn: () => unknown): RevmetaError => {
  try {
    fn()
  } catch (error) {
    if (error instanceof RevmetaError) return error
    throw error
  }
  throw new Error('did not throw')
}

describe('SHOW TAGS: the query and its rows', () => {
  it('one SHOW per tag schema, or per database when tags live in the assets\' own schemas, names quoted', () => {
    expect(snowflakeTagDefinitionQuery(dialect, { database: 'GOV', schema: 'TAGS' })).toBe('SHOW TAGS IN SCHEMA "GOV"."TAGS"')
    expect(snowflakeTagDefinitionQuery(dialect, { database: 'Sales "EU".x' })).toBe('SHOW TAGS IN DATABASE "Sales ""EU"".x"')
  })

  it('reads allowed_values as Snowflake prints it; NULL, empty or unreadable text is no restriction', () => {
    const rows = [
      { name: 'TIER', database_name: 'SALES', schema_name: 'PUBLIC', allowed_values: '["gold","it\'s \\"quoted\\"","ünï 🦄",""]' },
      { name: 'TIER', database_name: 'SALES', schema_name: 'GOV', allowed_values: null },
      { name: 'FREE', database_name: 'SALES', schema_name: 'PUBLIC', allowed_values: '' },
      { name: 'ODD', database_name: 'SALES', schema_name: 'PUBLIC', allowed_values: '[1, 2' },
      { name: 'NUMS', database_name: 'SALES', schema_name: 'PUBLIC', allowed_values: '[1,2]' },
      { name: null, database_name: 'SALES', schema_name: 'PUBLIC', allowed_values: '["x"]' },
    ]
    const read = snowflakeTagDefinitions(rows)
    expect([...read.keys()]).toEqual(['TIER', 'FREE', 'ODD', 'NUMS'])
    expect(read.get('TIER')).toEqual([
      { home: ['SALES', 'PUBLIC'], allowedValues: ['gold', 'it\'s "quoted"', 'ünï 🦄', ''] },
      { home: ['SALES', 'GOV'] },
    ])
    for (const name of ['FREE', 'ODD', 'NUMS']) expect(read.get(name)).toEqual([{ home: ['SALES', 'PUBLIC'] }])
  })
})

describe('allowed values honoured before anything is rendered', () => {
  const tier = defs(['TIER', 'SALES', 'PUBLIC', ['gold', 'silver', '']])

  it('an allowed value renders; exact match only (case, spaces and unicode count)', () => {
    expect(sqlOf(renderSnowflakeTags(dialect, table(tier), { add: [{ key: 'TIER', value: 'gold' }], remove: [] }))).toEqual([`ALTER TABLE "SALES"."PUBLIC"."ORDERS" SET TAG "SALES"."PUBLIC"."TIER" = 'gold'`])
    expect(renderSnowflakeTags(dialect, table(tier), { add: [{ key: 'TIER', value: '' }], remove: [] })).toHaveLength(1)
    for (const value of ['Gold', 'gold ', 'göld', "gold'; DROP TABLE x; --"]) {
      expect(codeOf(() => renderSnowflakeTags(dialect, table(tier), { add: [{ key: 'TIER', value }], remove: [] }))).toBe('TAG_VALUE_NOT_ALLOWED')
    }
  })

  it('one value not allowed refuses the whole operation, naming the tag, the value and what is allowed', () => {
    const error = thrown(() => renderSnowflakeTags(dialect, table(tier), { add: [{ key: 'PII', value: 'any' }, { key: 'TIER', value: 'bronze' }], remove: ['OLD'] }))
    expect(error.code).toBe('TAG_VALUE_NOT_ALLOWED')
    expect(error.message).toBe('Tag SALES.PUBLIC.TIER does not allow the value "bronze" (allowed: "gold", "silver", "")')
  })

  it('a long allowed list is cut in the message, with its size', () => {
    const many = defs(['TIER', 'SALES', 'PUBLIC', Array.from({ length: 300 }, (_, i) => `v${i}`)])
    const error = thrown(() => renderSnowflakeTags(dialect, table(many), { add: [{ key: 'TIER', value: 'nope' }], remove: [] }))
    expect(error.message).toMatch(/"v19", … \(300 in all\)\)$/)
    expect(renderSnowflakeTags(dialect, table(many), { add: [{ key: 'TIER', value: 'v299' }], remove: [] })).toHaveLength(1)
  })

  it('only the definition at the tag\'s own home counts: a same-named tag elsewhere restricts nothing', () => {
    const elsewhere = defs(['TIER', 'GOV', 'TAGS', ['gold']])
    expect(renderSnowflakeTags(dialect, table(elsewhere), { add: [{ key: 'TIER', value: 'bronze' }], remove: [] })).toHaveLength(1)
    const options = { tagSchema: { database: 'GOV', schema: 'TAGS' } }
    expect(codeOf(() => renderSnowflakeTags(dialect, table(elsewhere), { add: [{ key: 'TIER', value: 'bronze' }], remove: [] }, options))).toBe('TAG_VALUE_NOT_ALLOWED')
  })

  it('a tag not read back (not created yet, or offline) has no restriction; removing is never checked', () => {
    expect(renderSnowflakeTags(dialect, table(tier), { add: [{ key: 'NEW', value: 'x' }], remove: [] }, { createTags: true })).toHaveLength(2)
    expect(renderSnowflakeTags(dialect, table(), { add: [{ key: 'TIER', value: 'bronze' }], remove: [] })).toHaveLength(1)
    expect(sqlOf(renderSnowflakeTags(dialect, table(tier), { add: [], remove: ['TIER'] }))).toEqual([`ALTER TABLE "SALES"."PUBLIC"."ORDERS" UNSET TAG "SALES"."PUBLIC"."TIER"`])
  })
})

describe('tags on a database', () => {
  it('tagSchema decides, when set', () => {
    const options = { tagSchema: { database: 'GOV', schema: 'TAGS' } }
    expect(sqlOf(renderSnowflakeTags(dialect, database(), { add: [{ key: 'COST', value: 'fin' }], remove: ['OLD'] }, options))).toEqual([
      `ALTER DATABASE "SALES" SET TAG "GOV"."TAGS"."COST" = 'fin'`,
      `ALTER DATABASE "SALES" UNSET TAG "GOV"."TAGS"."OLD"`,
    ])
  })

  it('without it, the one schema of the database holding a tag of that name, each tag on its own', () => {
    const read = defs(['COST', 'SALES', 'GOVERNANCE'], ['PII', 'SALES', 'Tags "x"', ['none', 'email']], ['COST', 'OTHER', 'TAGS'])
    expect(sqlOf(renderSnowflakeTags(dialect, database(read), { add: [{ key: 'COST', value: 'fin' }, { key: 'PII', value: 'email' }], remove: [] }))).toEqual([
      `ALTER DATABASE "SALES" SET TAG "SALES"."GOVERNANCE"."COST" = 'fin', "SALES"."Tags ""x"""."PII" = 'email'`,
    ])
    expect(codeOf(() => renderSnowflakeTags(dialect, database(read), { add: [{ key: 'PII', value: 'phone' }], remove: [] }))).toBe('TAG_VALUE_NOT_ALLOWED')
  })

  it('names with dots, quotes and spaces are matched as stored and quoted in the statement', () => {
    const odd = defs(['Tier "x".y', 'Sales.EU', 'Go"v ern', ['a\\b']])
    const target: ObjectTarget = { asset: { service: 'snow', database: 'Sales.EU', level: 'database' }, objectType: 'database', tagDefinitions: odd }
    expect(sqlOf(renderSnowflakeTags(dialect, target, { add: [{ key: 'Tier "x".y', value: 'a\\b' }], remove: [] }))).toEqual([
      `ALTER DATABASE "Sales.EU" SET TAG "Sales.EU"."Go""v ern"."Tier ""x"".y" = 'a\\\\b'`,
    ])
    expect(codeOf(() => renderSnowflakeTags(dialect, target, { add: [{ key: 'Tier "x".y', value: 'a\\\\b' }], remove: [] }))).toBe('TAG_VALUE_NOT_ALLOWED')
    // The same name in another database is not this database's tag.
    const elsewhere: ObjectTarget = { ...target, asset: { service: 'snow', database: 'Sales', level: 'database' } }
    expect(codeOf(() => renderSnowflakeTags(dialect, elsewhere, { add: [{ key: 'Tier "x".y', value: 'a' }], remove: [] }))).toBe('TAG_SCHEMA_UNKNOWN')
  })

  it('none, several, or nothing read back: TAG_SCHEMA_UNKNOWN with the reason', () => {
    const twice = defs(['COST', 'SALES', 'A'], ['COST', 'SALES', 'B'])
    expect(thrown(() => renderSnowflakeTags(dialect, database(twice), { add: [{ key: 'COST', value: 'x' }], remove: [] })).message).toMatch(/holds tags of that name in schemas "A", "B"$/)
    expect(thrown(() => renderSnowflakeTags(dialect, database(twice), { add: [], remove: ['GONE'] })).message).toMatch(/database "SALES" holds no tag of that name$/)
    expect(thrown(() => renderSnowflakeTags(dialect, database(), { add: [{ key: 'COST', value: 'x' }], remove: [] })).message).toMatch(/not read back \(an offline plan\)/)
  })
})

describe('read-back files the definitions on each object', () => {
  const rows = { databases: [{ DATABASE_NAME: 'SALES' }], schemas: [{ SCHEMA_NAME: 'PUBLIC' }, { SCHEMA_NAME: 'GOV' }], tables: [{ TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'ORDERS', TABLE_TYPE: 'BASE TABLE' }], columns: [{ TABLE_SCHEMA: 'PUBLIC', TABLE_NAME: 'ORDERS', COLUMN_NAME: 'ID' }], tags: [] }
  const byName = defs(['TIER', 'SALES', 'PUBLIC', ['gold']], ['COST', 'SALES', 'GOV'])
  const read = (ownSchemas: boolean): Map<string, ObjectState> => {
    const into = new Map<string, ObjectState>()
    snowflakeSnapshot(into, 'snow', 'SALES', { ...rows, tagDefinitions: { byName, ownSchemas } })
    return into
  }
  const names = (state: ObjectState | undefined) => [...(state?.tagDefinitions?.keys() ?? [])]

  it('tags in the assets\' own schemas: the database sees all of its tags, everything else its own schema\'s', () => {
    const snapshot = read(true)
    expect(names(snapshot.get('snow.SALES'))).toEqual(['TIER', 'COST'])
    expect(names(snapshot.get('snow.SALES.GOV'))).toEqual(['COST'])
    for (const fqn of ['snow.SALES.PUBLIC', 'snow.SALES.PUBLIC.ORDERS', 'snow.SALES.PUBLIC.ORDERS.ID']) expect(names(snapshot.get(fqn))).toEqual(['TIER'])
  })

  it('a tag schema: every object sees its tags', () => {
    const snapshot = read(false)
    for (const state of snapshot.values()) expect(names(state)).toEqual(['TIER', 'COST'])
  })
})
