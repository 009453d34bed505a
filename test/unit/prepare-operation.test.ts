import { describe, expect, it } from 'vitest'
import { ownerMappingSchema } from '../../src/config/config-schema.js'
import type { ObjectState } from '../../src/connectors/connector.js'
import { PostgresDialect } from '../../src/connectors/postgres/postgres-dialect.js'
import { prepareOperation } from '../../src/engine/prepare-operation.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { Operation } from '../../src/model/operation.js'

const dialect = new PostgresDialect()
const owners = ownerMappingSchema.parse({ map: { 'team:Finance': 'finance' } })
const view: AssetRef = { level: 'table', service: 's', database: 'd', schema: 'sales', table: 'daily' }
const base = { id: 'x', channel: 'c', service: 's', asset: view, origins: [] }
const describeOp = (description: string | null): Operation => ({ ...base, kind: 'description', description })
const snapshot = (state: ObjectState) => new Map([['s.d.sales.daily', state]])

describe('prepareOperation', () => {
  it('renders for the object type read back (a view), not the level', () => {
    const p = prepareOperation(describeOp('hi'), dialect, owners, snapshot({ objectType: 'view', description: null }))
    expect(p).toMatchObject({ outcome: 'ready', current: null, desired: 'hi' })
    expect(p.statements.map((s) => s.sql)).toEqual([`COMMENT ON VIEW "sales"."daily" IS 'hi'`])
  })

  it('sends nothing when the value is in place; an empty description equals none on PostgreSQL', () => {
    expect(prepareOperation(describeOp('hi'), dialect, owners, snapshot({ objectType: 'view', description: 'hi' })).outcome).toBe('unchanged')
    expect(prepareOperation(describeOp(''), dialect, owners, snapshot({ objectType: 'view', description: null })).outcome).toBe('unchanged')
  })

  it('fails with OBJECT_NOT_FOUND when the read-back does not have the object', () => {
    const p = prepareOperation(describeOp('hi'), dialect, owners, new Map())
    expect(p).toMatchObject({ outcome: 'failed', statements: [], error: { code: 'OBJECT_NOT_FOUND' } })
  })

  it('assumes the level\'s object type when planning offline', () => {
    const p = prepareOperation(describeOp(null), dialect, owners, undefined)
    expect(p.statements.map((s) => s.sql)).toEqual([`COMMENT ON TABLE "sales"."daily" IS NULL`])
  })

  it('reports what the engine cannot hold as unsupported, never as statements', () => {
    const tags: Operation = { ...base, kind: 'tags', add: [{ tagFQN: 'PII.Sensitive', source: 'Classification' }], remove: [] }
    expect(prepareOperation(tags, dialect, owners, undefined)).toMatchObject({ outcome: 'unsupported', error: { code: 'UNSUPPORTED' } })
    const column: Operation = { ...base, asset: { ...view, level: 'column', column: 'c' }, kind: 'owners', add: [{ type: 'user', name: 'a' }], remove: [] }
    expect(prepareOperation(column, dialect, owners, undefined)).toMatchObject({ outcome: 'unsupported', error: { code: 'UNSUPPORTED' } })
    const onlyRemoved: Operation = { ...base, kind: 'owners', add: [], remove: [{ type: 'user', name: 'a' }] }
    expect(prepareOperation(onlyRemoved, dialect, owners, undefined)).toMatchObject({ outcome: 'unsupported', error: { code: 'OWNER_REMOVAL_UNSUPPORTED' } })
  })

  it('maps owners, keeps one on a one-owner engine and says what it dropped', () => {
    const op: Operation = { ...base, kind: 'owners', add: [{ type: 'team', name: 'Finance' }, { type: 'user', name: 'ann' }], remove: [] }
    const p = prepareOperation(op, dialect, owners, snapshot({ objectType: 'view', description: null, owner: 'postgres' }))
    expect(p).toMatchObject({ outcome: 'ready', desired: 'ann', current: 'postgres' })
    expect(p.statements.map((s) => s.sql)).toEqual([`ALTER VIEW "sales"."daily" OWNER TO "ann"`])
    expect(p.warnings.join()).toMatch(/not team Finance/)
    const inPlace = prepareOperation(op, dialect, owners, snapshot({ objectType: 'view', description: null, owner: 'ann' }))
    expect(inPlace.outcome).toBe('unchanged')
  })

  it('fails an owner that cannot be mapped, with a code', () => {
    const strict = ownerMappingSchema.parse({ strategy: 'map' })
    const op: Operation = { ...base, kind: 'owners', add: [{ type: 'user', name: 'ann' }], remove: [] }
    expect(prepareOperation(op, dialect, strict, undefined)).toMatchObject({ outcome: 'failed', error: { code: 'OWNER_UNMAPPED' } })
  })

  it('fails a value the engine cannot store (NUL) with VALUE_INVALID instead of sending it', () => {
    expect(prepareOperation(describeOp('a\u0000b'), dialect, owners, undefined)).toMatchObject({ outcome: 'failed', error: { code: 'VALUE_INVALID' } })
  })
})
