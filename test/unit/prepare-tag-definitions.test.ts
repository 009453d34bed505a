import { describe, expect, it } from 'vitest'
import { channelSchema, ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ResolvedChannel } from '../../src/config/load-config.js'
import type { ObjectState, TagDefinition } from '../../src/connectors/connector.js'
import { MysqlDialect } from '../../src/connectors/mysql/mysql-dialect.js'
import { SnowflakeDialect } from '../../src/connectors/snowflake/snowflake-dialect.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import type { AssetRef } from '../../src/model/asset.js'
import { displayOf } from '../../src/model/statement.js'
import type { Operation } from '../../src/model/operation.js'

/** Tag definitions read back reach the renderer through prepareOperation; what it finds there decides the outcome. */
const dialect = new SnowflakeDialect()
const channel: ResolvedChannel = { ...channelSchema.parse({ name: 'c' }), services: ['s'], compiled: {} }
const owners = ownerMappingSchema.parse({})
const database: AssetRef = { level: 'database', service: 's', database: 'SALES' }
const table: AssetRef = { level: 'table', service: 's', database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' }
const tagsOp = (asset: AssetRef, tagFQN: string): Operation => ({ id: 'x', channel: 'c', service: 's', asset, origins: [], kind: 'tags', add: [{ tagFQN, source: 'Classification' }], remove: [] })
const definitions = (...list: [string, string, string, string[]?][]): Map<string, TagDefinition[]> => {
  const map = new Map<string, TagDefinition[]>()
  for (const [name, db, schema, allowed] of list) map.set(name, [...(map.get(name) ?? []), { home: [db, schema], ...(allowed ? { allowedValues: allowed } : {}) }])
  return map
}
const state = (objectType: string, tagDefinitions?: Map<string, TagDefinition[]>): ObjectState => ({ objectType, description: null, tags: [], ...(tagDefinitions ? { tagDefinitions } : {}) })

describe('prepareOperation with tag definitions read back', () => {
  it('a database tag is rendered in the one schema holding it', () => {
    const p = prepareOperation(tagsOp(database, 'COST.fin'), dialect, owners, channel, new Map([['s.SALES', state('database', definitions(['COST', 'SALES', 'GOV']))]]))
    expect(p.outcome).toBe('ready')
    expect(p.statements.map(displayOf)).toEqual([`ALTER DATABASE "SALES" SET TAG "SALES"."GOV"."COST" = 'fin'`])
  })

  it('no schema for it: unsupported with TAG_SCHEMA_UNKNOWN, nothing rendered (offline, none, several)', () => {
    const twice = definitions(['COST', 'SALES', 'A'], ['COST', 'SALES', 'B'])
    for (const snapshot of [undefined, new Map([['s.SALES', state('database', new Map())]]), new Map([['s.SALES', state('database', twice)]])]) {
      expect(prepareOperation(tagsOp(database, 'COST.fin'), dialect, owners, channel, snapshot)).toMatchObject({ outcome: 'unsupported', statements: [], error: { code: 'TAG_SCHEMA_UNKNOWN' } })
    }
  })

  it('a value not allowed fails the operation with TAG_VALUE_NOT_ALLOWED and no statement', () => {
    const snapshot = new Map([['s.SALES.PUBLIC.ORDERS', state('table', definitions(['PII', 'SALES', 'PUBLIC', ['email']]))]])
    expect(prepareOperation(tagsOp(table, 'PII.phone'), dialect, owners, channel, snapshot)).toMatchObject({ outcome: 'failed', statements: [], error: { code: 'TAG_VALUE_NOT_ALLOWED' } })
    expect(prepareOperation(tagsOp(table, 'PII.email'), dialect, owners, channel, snapshot).outcome).toBe('ready')
  })

  it('other refusals at render time stay failures (a MySQL column without its definition)', () => {
    const column: Operation = { id: 'x', channel: 'c', service: 's', asset: { level: 'column', service: 's', database: 'd', schema: 'd', table: 't', column: 'c' }, origins: [], kind: 'description', description: 'x' }
    expect(prepareOperation(column, new MysqlDialect(), owners, channel, undefined)).toMatchObject({ outcome: 'failed', error: { code: 'UNSUPPORTED' } })
  })
})
