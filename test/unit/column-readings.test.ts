import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { EntityColumns, entityRecord } from '../../src/inputs/entity-columns.js'
import type { AssetRef } from '../../src/model/asset.js'
import { columnReadings, resolveSpelling, spelledColumnAsset } from '../../src/model/column-readings.js'
import { assetFqn } from '../../src/model/fqn.js'
import { parseEntityLink } from '../../src/model/entity-link.js'
import { resolveOperationColumn } from '../../src/engine/resolve-column.js'
import type { Operation } from '../../src/model/operation.js'

const table: AssetRef = { level: 'table', service: 's', database: 'd', schema: 'x', table: 't' }
const names = (a: AssetRef) => [a.column, ...(a.path ?? [])]

function errorOf(fn: () => unknown): RevmetaError {
  try {
    fn()
  } catch (error) {
    return error as RevmetaError
  }
  throw new Error('expected an error')
}

describe('spelledColumnAsset / columnReadings', () => {
  it('a one-part spelling is a plain column, with no readings to settle', () => {
    expect(spelledColumnAsset(table, ['email'])).toEqual({ ...table, level: 'column', column: 'email' })
  })

  it('holds the default reading (every part a name) and the spelling', () => {
    expect(spelledColumnAsset(table, ['a', 'b', 'c'])).toEqual({ ...table, level: 'column', column: 'a', path: ['b', 'c'], spelling: ['a', 'b', 'c'] })
  })

  it('an empty part (a..b, a trailing dot) has no nested reading: one column of that name', () => {
    expect(spelledColumnAsset(table, ['a', '', 'b'])).toEqual({ ...table, level: 'column', column: 'a..b' })
  })

  it('lists every grouping of the parts: 2^(n-1), each spelling the same text', () => {
    const readings = columnReadings(spelledColumnAsset(table, ['a', 'b', 'c']))
    expect(readings.map(names)).toEqual([['a.b.c'], ['a', 'b.c'], ['a.b', 'c'], ['a', 'b', 'c']])
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z"\\ ]{1,3}$/), { minLength: 2, maxLength: 7 }), (parts) => {
        const all = columnReadings(spelledColumnAsset(table, parts))
        expect(all).toHaveLength(2 ** (parts.length - 1))
        for (const r of all) expect(names(r).join('.')).toBe(parts.join('.'))
        expect(new Set(all.map(assetFqn)).size).toBe(all.length)
      }),
    )
  })

  it('resolves to the one reading that exists, keeps the default when none does, and refuses two with COLUMN_AMBIGUOUS', () => {
    const spelled = spelledColumnAsset(table, ['customer', 'email'])
    const only = (...fqns: string[]) => (r: AssetRef) => fqns.includes(assetFqn(r))
    expect(resolveSpelling(spelled, only('s.d.x.t."customer.email"'))).toEqual({ ...table, level: 'column', column: 'customer.email' })
    expect(resolveSpelling(spelled, only('s.d.x.t.customer.email'))).toEqual({ ...table, level: 'column', column: 'customer', path: ['email'] })
    expect(resolveSpelling(spelled, only())).toBe(spelled)
    const error = errorOf(() => resolveSpelling(spelled, only('s.d.x.t."customer.email"', 's.d.x.t.customer.email')))
    expect(error.code).toBe('COLUMN_AMBIGUOUS')
    expect(error.message).toContain('column "customer.email"')
    expect(error.message).toContain('nested field "email" of column "customer"')
  })
})

describe('EntityColumns (the event\'s own table)', () => {
  const columns = EntityColumns.of({
    columns: [
      { name: 'id' },
      { name: 'a.b' },
      { name: 'customer', children: [{ name: 'address', children: [{ name: 'city' }] }, { name: 'zip' }] },
      { name: 'zip' },
    ],
  })!

  it('takes the entity as JSON text too, and is absent without columns', () => {
    expect(EntityColumns.of(entityRecord(JSON.stringify({ columns: [{ name: 'x' }] })))).toBeDefined()
    expect(EntityColumns.of({ name: 't' })).toBeUndefined()
    expect(EntityColumns.of(entityRecord('not json'))).toBeUndefined()
    expect(entityRecord('[1]')).toBeUndefined()
  })

  it('settles a leaf name (newer OpenMetadata) to its nested field, a full path (older) too', () => {
    expect(names(columns.resolve(spelledColumnAsset(table, ['address'])))).toEqual(['customer', 'address'])
    expect(names(columns.resolve(spelledColumnAsset(table, ['city'])))).toEqual(['customer', 'address', 'city'])
    expect(names(columns.resolve(spelledColumnAsset(table, ['customer', 'address', 'city'])))).toEqual(['customer', 'address', 'city'])
    expect(names(columns.resolve(spelledColumnAsset(table, ['a', 'b'])))).toEqual(['a.b'])
    expect(names(columns.resolve(spelledColumnAsset(table, ['id'])))).toEqual(['id'])
  })

  it('never picks a top-level column when a nested field has the same leaf name: COLUMN_AMBIGUOUS', () => {
    expect(errorOf(() => columns.resolve(spelledColumnAsset(table, ['zip']))).code).toBe('COLUMN_AMBIGUOUS')
  })

  it('leaves names the entity does not list to the read-back', () => {
    expect(columns.resolve(spelledColumnAsset(table, ['gone']))).toEqual({ ...table, level: 'column', column: 'gone' })
    expect(columns.resolve(spelledColumnAsset(table, ['p', 'q'])).spelling).toEqual(['p', 'q'])
  })
})

describe('entity links and operations with a spelled column', () => {
  it('an unquoted dotted column in a link keeps its readings; a quoted one is one name', () => {
    expect(parseEntityLink('<#E::table::s.d.x.t::columns::a.b::tags>').asset.spelling).toEqual(['a', 'b'])
    expect(parseEntityLink('<#E::table::s.d.x.t::columns::"a.b"::tags>').asset).toEqual({ ...table, level: 'column', column: 'a.b' })
  })

  const op: Operation = { id: 'i', channel: 'c', service: 's', asset: spelledColumnAsset(table, ['a', 'b']), origins: [], kind: 'description', description: 'x' }

  it('offline, assumes what the engine can hold and says so; with a read-back, takes what exists', () => {
    const flat = resolveOperationColumn(op, undefined, false)
    expect(flat.op.asset).toEqual({ ...table, level: 'column', column: 'a.b' })
    expect('warnings' in flat && flat.warnings[0]).toMatch(/taken as column "a.b"; it may also be nested field "b" of column "a"/)
    expect(resolveOperationColumn(op, undefined, true).op.asset).toEqual({ ...table, level: 'column', column: 'a', path: ['b'] })
    const found = resolveOperationColumn(op, new Map([['s.d.x.t."a.b"', { objectType: 'column', description: null }]]), true)
    expect(found).toEqual({ op: { ...op, asset: { ...table, level: 'column', column: 'a.b' }, fqn: 's.d.x.t."a.b"' }, warnings: [] })
  })
})
